"""The dashboards' reads: filters, scope and every figure, each in one SQL aggregate.

Figures about criteria come from the summary table criteria.CommuneStanding (one row per
approved commune evaluation, criteria as bit masks) and recognitions and villages from
criteria.CommuneSummary; inspections are counted live with conditional aggregation. Each figure
group says how fresh it is. Every query starts from `communes_visible_to(user)`, so no
figure, list, export or chart reaches outside the user's scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Avg,
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.lookups import GreaterThan
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.access import communes_visible_to, districts_visible_to, provinces_visible_to
from communes.models import (
    Commune,
    CommuneLineage,
    CommuneQuerySet,
    District,
    Edition,
    Province,
)
from criteria.models import (
    CommuneStanding,
    CriteriaSet,
    Criterion,
    Evaluation,
    Recognition,
    RecognitionCase,
    RecognitionStep,
)
from criteria.selectors import set_in_force
from criteria.standings import standings_version
from ntm_portal.limits import parse_id
from ntm_portal.models import Role, User
from sponsorships.access import agencies_visible_to
from sponsorships.models import Agency, AgencyReport, Assignment, Inspection, overdue_on_q
from sponsorships.versions import inspections_version

from .access import can_view_dashboards
from .models import CommuneBoundarySet, PlanTarget

COMMUNE_SET_LEVELS = (
    CriteriaSet.Level.XA_NTM,
    CriteriaSet.Level.XA_NANG_CAO,
    CriteriaSet.Level.XA_KIEU_MAU,
)
TWO_TIER_FROM = date(2025, 7, 1)
YEARS = range(2010, 2101)  # periods outside these years are refused as malformed


# --- Filters and scope --------------------------------------------------------------------------


@dataclass
class Filters:
    """What the query string asked for, validated against the user's scope."""

    criteria_sets: list[CriteriaSet]
    criteria_set: CriteriaSet | None
    province: Province | None = None
    district: District | None = None
    agency: Agency | None = None
    period: tuple[int, int] | None = None
    edition: int = Edition.current()
    edition_asked: int | None = None  # ?phien_ban=, kept in every link
    districts: list[District] = field(default_factory=list)
    agencies: list[Agency] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def query(self, **extra: object) -> str:
        """The same filters as a query string, with extra (or replaced) parameters."""
        params = QueryDict(mutable=True)
        if self.criteria_set:
            params["bo"] = self.criteria_set.pk
        if self.province:
            params["tinh"] = self.province.pk
        if self.district:
            params["huyen"] = self.district.pk
        if self.agency:
            params["co_quan"] = self.agency.pk
        if self.period:
            params["ky"] = f"{self.period[0]}-{self.period[1]}"
        if self.edition_asked:
            params["phien_ban"] = self.edition_asked
        for key, value in extra.items():
            if value is None or value == "":
                params.pop(key, None)
            else:
                params[key] = value
        return params.urlencode()

    @property
    def period_key(self) -> str:
        return f"{self.period[0]}-{self.period[1]}" if self.period else ""


@dataclass
class Scope:
    level: str  # "national", "province", "district" or "agency"
    title: str
    communes: CommuneQuerySet  # the xã the figures are about, filters applied
    filters: Filters
    owner: str = ""  # whose visibility the communes follow (the cache key's part of the user)

    @property
    def group_by(self) -> tuple[str, str] | None:
        """How the breakdown table groups communes: by province nationally, else by district."""
        if self.level == "national" and not self.filters.province:
            return "province_id", "province__name"
        return "district_id", "district__name"

    @property
    def has_breakdown(self) -> bool:
        """Whether the "Theo huyện / Theo tỉnh" table means anything: a 2025 scope below the
        country has no districts, and its table would be one row named "—"."""
        return self.group_by[0] == "province_id" or self.filters.edition == Edition.THREE_TIER_2024

    @property
    def group_code(self) -> str:
        """The official code of each group of the breakdown (what the maps are keyed by)."""
        return "province__code" if self.group_by[0] == "province_id" else "district__code"


def can_view(user: User) -> bool:
    return can_view_dashboards(user)


def _int(params: QueryDict, key: str) -> int | None:
    """A positive id, None when absent; ValueError when malformed."""
    raw = params.get(key, "").strip()
    if not raw:
        return None
    value = parse_id(raw)
    if value is None:
        raise ValueError(raw)
    return value


def parse_period(raw: str) -> tuple[int, int] | None:
    """ "2025-1" (first half), "2025-2" (second half), "2025-0" (the whole year)."""
    year, _sep, half = raw.strip().partition("-")
    period = int(year), int(half or 0)
    if period[0] not in YEARS or period[1] not in Evaluation.Half.values:
        raise ValueError(raw)
    return period


def read_filters(user: User, params: QueryDict, today: date | None = None) -> Filters:
    """The filters in the query string; unknown or out-of-scope ids are named and dropped.

    With nothing chosen, the figures are today's: the user's edition (the current one for the
    country) and the set in force for it.
    """
    errors: list[str] = []
    today = today or timezone.localdate()

    def wanted(key: str, label: str) -> int | None:
        try:
            return _int(params, key)
        except ValueError:
            errors.append(_("%(what)s không hợp lệ: bỏ qua bộ lọc này.") % {"what": label})
            return None

    sets = list(CriteriaSet.objects.filter(level__in=COMMUNE_SET_LEVELS).newest_first())
    set_id = wanted("bo", _("Bộ tiêu chí"))
    chosen = next((s for s in sets if s.pk == set_id), None)
    if set_id and chosen is None:
        errors.append(_("Không có bộ tiêu chí đã chọn: hiển thị bộ đang áp dụng."))
    filters = Filters(criteria_sets=sets, criteria_set=chosen, errors=errors)

    province_id = wanted("tinh", _("Tỉnh"))
    if province_id:
        filters.province = provinces_visible_to(user).filter(pk=province_id).first()
        if filters.province is None:
            errors.append(_("Không tìm thấy tỉnh đã chọn trong phạm vi của bạn."))
    if user.role == Role.PROVINCE and not user.is_admin:
        filters.province = user.province
    filters.edition = _edition(user, filters, params, chosen)
    if chosen is None:
        in_force = set_in_force(filters.edition, today, among=sets)
        filters.criteria_set = next((s for s in sets if s == in_force), sets[0] if sets else None)

    # A 2025 province has no districts: no query for an empty list.
    has_districts = filters.province and filters.province.edition == Edition.THREE_TIER_2024
    if has_districts or user.role == Role.DISTRICT:
        districts = districts_visible_to(user)
        if filters.province:
            districts = districts.filter(province=filters.province)
        filters.districts = list(districts.order_by("search_name"))
    district_id = wanted("huyen", _("Huyện"))
    if district_id:
        filters.district = next((d for d in filters.districts if d.pk == district_id), None)
        if filters.district is None:
            errors.append(_("Không tìm thấy huyện đã chọn trong phạm vi của bạn."))

    if filters.province and user.role != Role.AGENCY:
        filters.agencies = list(
            agencies_visible_to(user).filter(province=filters.province).order_by("name")
        )
    agency_id = wanted("co_quan", _("Cơ quan"))
    if agency_id:
        filters.agency = next((a for a in filters.agencies if a.pk == agency_id), None)
        if filters.agency is None and not filters.province:
            filters.agency = agencies_visible_to(user).filter(pk=agency_id).first()
        if filters.agency is None:
            errors.append(_("Không tìm thấy cơ quan đã chọn trong phạm vi của bạn."))
    if user.role == Role.AGENCY and not user.is_admin:
        filters.agency = user.agency

    raw_period = params.get("ky", "")
    if raw_period.strip():
        try:
            filters.period = parse_period(raw_period)
        except ValueError:
            errors.append(
                _("Kỳ “%(period)s” không hợp lệ (ví dụ: 2025-1): hiển thị số liệu mới nhất.")
                % {"period": raw_period[:20]}
            )
    return filters


def _edition(user: User, filters: Filters, params: QueryDict, chosen: CriteriaSet | None) -> int:
    """Whose units the figures count: the scope's edition; nationally the one asked for
    (?phien_ban=), else the one a chosen set was scored on, else the current one."""
    if filters.province:
        return filters.province.edition
    if user.role == Role.DISTRICT and not user.is_admin:
        return user.district.edition
    if user.role == Role.AGENCY and not user.is_admin:
        return user.agency.province.edition
    raw = params.get("phien_ban", "").strip()
    if raw:
        if raw.isdigit() and int(raw) in Edition.values:
            filters.edition_asked = int(raw)
            return int(raw)
        filters.errors.append(_("Phiên bản đơn vị hành chính không hợp lệ: bỏ qua bộ lọc này."))
    if chosen is not None and chosen.valid_from < TWO_TIER_FROM:
        # History before 07/2025 is three-tier; sets that begin after it are scored on 2025 units.
        return Edition.THREE_TIER_2024
    return Edition.current()


def scope_for(user: User, filters: Filters) -> Scope:
    """The xã the figures are about: the user's scope, narrowed by the filters."""
    communes = communes_visible_to(user).xa().of_edition(filters.edition)
    if user.is_admin and not filters.province:
        level, title = "national", _("Toàn quốc")
    elif user.role == Role.AGENCY and not user.is_admin:
        level, title = "agency", str(user.agency)
    elif user.role == Role.DISTRICT and not user.is_admin:
        level, title = "district", str(user.district)
    else:
        level, title = "province", str(filters.province)
    if filters.province:
        communes = communes.filter(province=filters.province)
    if filters.district:
        communes = communes.filter(district=filters.district)
        title = f"{title} – {filters.district}" if level != "district" else title
    if filters.agency:
        assigned = Assignment.objects.active_on().filter(agency=filters.agency)
        communes = communes.filter(pk__in=assigned.values("commune_id"))
        if level != "agency":
            title = f"{title} – {filters.agency}"
    owner = (
        "all"
        if user.is_admin
        else f"{user.role}:{user.province_id or ''}:{user.district_id or ''}:{user.commune_id or ''}"
    )
    return Scope(level=level, title=title, communes=communes, filters=filters, owner=owner)


# --- Figures ------------------------------------------------------------------------------------


def cached(scope: Scope, figure: str, compute, *, also: tuple[str, ...] = ()):
    """A figure from the summary tables, cached under the scope, the filters and the standings'
    version (which changes whenever the tables are rebuilt): never older than the tables, and
    each figure keeps the freshness it was computed with. An agency's scope follows its live
    assignments, which the version does not see: never cached. `also`: more of the key (another
    version the figure follows, the day it was counted on)."""
    filters = scope.filters
    timeout = settings.DASHBOARD_CACHE_SECONDS
    if (
        not timeout
        or scope.level == "agency"
        or filters.agency is not None
        or filters.criteria_set is None
    ):
        return compute()
    key = ":".join(
        str(part)
        for part in (
            "dashboard",
            figure,
            standings_version(),
            scope.level,
            scope.owner,
            filters.edition,
            filters.criteria_set.pk,
            filters.province.pk if filters.province else "",
            filters.district.pk if filters.district else "",
            filters.period_key,
            *also,
        )
    )
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def standings(scope: Scope) -> QuerySet[CommuneStanding]:
    """The standing of each xã in scope: the latest approved evaluation, or the chosen period's."""
    rows = CommuneStanding.objects.filter(
        criteria_set=scope.filters.criteria_set, commune__in=scope.communes
    )
    if scope.filters.period:
        year, half = scope.filters.period
        return rows.filter(year=year, half=half)
    return rows.filter(is_latest=True)


def _standing_condition(scope: Scope) -> Q:
    condition = Q(standings__criteria_set=scope.filters.criteria_set)
    if scope.filters.period:
        year, half = scope.filters.period
        return condition & Q(standings__year=year, standings__half=half)
    return condition & Q(standings__is_latest=True)


@dataclass
class GroupRow:
    """One line of the breakdown (a district, or a province nationally), or the total."""

    pk: int | None
    name: str
    code: str = ""
    total: int = 0
    evaluated: int = 0
    all_met: int = 0
    met_sum: int = 0
    at_risk: int = 0
    ntm: int = 0
    nang_cao: int = 0
    kieu_mau: int = 0
    villages_total: int = 0
    villages_met: int = 0

    @property
    def recognised(self) -> int:
        return self.ntm + self.nang_cao + self.kieu_mau

    @property
    def not_recognised(self) -> int:
        return self.total - self.recognised

    @property
    def not_evaluated(self) -> int:
        return self.total - self.evaluated

    @property
    def average_met(self) -> Decimal | None:
        return _ratio(self.met_sum, self.evaluated, places=1, scale=1)

    @property
    def recognised_share(self) -> Decimal | None:
        return _ratio(self.recognised, self.total)

    @property
    def all_met_share(self) -> Decimal | None:
        return _ratio(self.all_met, self.total)

    def add(self, other: GroupRow) -> None:
        for name in (
            "total",
            "evaluated",
            "all_met",
            "met_sum",
            "at_risk",
            "ntm",
            "nang_cao",
            "kieu_mau",
            "villages_total",
            "villages_met",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _ratio(part: int, whole: int, places: int = 1, scale: int = 100) -> Decimal | None:
    if not whole:
        return None
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(part) * scale / Decimal(whole)).quantize(quantum, rounding=ROUND_HALF_UP)


@dataclass
class Breakdown:
    rows: list[GroupRow]
    total: GroupRow
    standings_at: datetime | None
    summaries_at: datetime | None


def breakdown(scope: Scope) -> Breakdown:
    """Per district (per province nationally): one query, with conditional counts."""
    key, name = scope.group_by
    level = "summary__recognition_level"
    rows = (
        scope.communes.annotate(
            st=FilteredRelation("standings", condition=_standing_condition(scope))
        )
        .order_by()
        .values(key, name, scope.group_code)
        .annotate(
            total=Count("pk"),
            evaluated=Count("st"),
            all_met=Count("st", filter=Q(st__all_met=True)),
            met_sum=Sum("st__met_count"),
            at_risk=Count("st", filter=Q(st__at_risk=True)),
            ntm=Count("pk", filter=Q(**{level: Recognition.Level.NTM})),
            nang_cao=Count("pk", filter=Q(**{level: Recognition.Level.NANG_CAO})),
            kieu_mau=Count("pk", filter=Q(**{level: Recognition.Level.KIEU_MAU})),
            villages_total=Sum("summary__villages_total"),
            villages_met=Sum("summary__villages_met"),
            standings_at=Max("st__refreshed_at"),
            summaries_at=Max("summary__refreshed_at"),
        )
        .order_by(name)
    )
    total = GroupRow(pk=None, name=_("Tổng cộng"))
    groups, standings_at, summaries_at = [], [], []
    for row in rows:
        group = GroupRow(
            pk=row[key],
            name=row[name] or "—",
            code=row[scope.group_code] or "",
            **{
                k: row[k] or 0
                for k in (
                    "total",
                    "evaluated",
                    "all_met",
                    "met_sum",
                    "at_risk",
                    "ntm",
                    "nang_cao",
                    "kieu_mau",
                    "villages_total",
                    "villages_met",
                )
            },
        )
        groups.append(group)
        total.add(group)
        standings_at.append(row["standings_at"])
        summaries_at.append(row["summaries_at"])
    return Breakdown(
        rows=groups,
        total=total,
        standings_at=max(filter(None, standings_at), default=None),
        summaries_at=max(filter(None, summaries_at), default=None),
    )


@dataclass
class CriterionCount:
    criterion: Criterion
    met: int
    unmet: int
    undecided: int


def criteria_of(scope: Scope) -> list[Criterion]:
    if scope.filters.criteria_set is None:
        return []
    return list(scope.filters.criteria_set.criteria.order_by("number"))


def criterion_counts(scope: Scope, criteria: Iterable[Criterion]) -> list[CriterionCount]:
    """For every criterion, the xã meeting it, not meeting it, undecided: one query."""
    criteria = list(criteria)
    if not criteria:
        return []
    aggregates = {"evaluated": Count("pk")}
    for criterion in criteria:
        bit = CommuneStanding.bit(criterion.number)
        aggregates[f"met_{criterion.pk}"] = Count(
            "pk", filter=GreaterThan(F("met_mask").bitand(bit), 0)
        )
        aggregates[f"unmet_{criterion.pk}"] = Count(
            "pk", filter=GreaterThan(F("unmet_mask").bitand(bit), 0)
        )
    figures = standings(scope).aggregate(**aggregates)
    counts = []
    for criterion in criteria:
        met, unmet = figures[f"met_{criterion.pk}"], figures[f"unmet_{criterion.pk}"]
        counts.append(
            CriterionCount(
                criterion=criterion,
                met=met,
                unmet=unmet,
                undecided=figures["evaluated"] - met - unmet,
            )
        )
    return counts


def blocking_ranking(counts: list[CriterionCount]) -> list[CriterionCount]:
    """The criteria that block the most xã first (not met), then by number."""
    return sorted(counts, key=lambda c: (-c.unmet, c.criterion.number))


@dataclass
class PeriodRow:
    year: int
    half: int
    evaluated: int
    all_met: int
    met_sum: int
    at_risk: int

    @property
    def key(self) -> str:
        return f"{self.year}-{self.half}"

    @property
    def label(self) -> str:
        if self.half == Evaluation.Half.WHOLE_YEAR:
            return _("Năm %(year)s") % {"year": self.year}
        return _("%(half)s/%(year)s") % {"half": "I" if self.half == 1 else "II", "year": self.year}

    @property
    def average_met(self) -> Decimal | None:
        return _ratio(self.met_sum, self.evaluated, places=1, scale=1)


def progress(scope: Scope) -> list[PeriodRow]:
    """Every period's approved evaluations in scope: one grouped query."""
    rows = (
        CommuneStanding.objects.filter(
            criteria_set=scope.filters.criteria_set, commune__in=scope.communes
        )
        .order_by()
        .values("year", "half")
        .annotate(
            evaluated=Count("pk"),
            all_met=Count("pk", filter=Q(all_met=True)),
            met_sum=Sum("met_count"),
            at_risk=Count("pk", filter=Q(at_risk=True)),
        )
        .order_by("year", "half")
    )
    return [PeriodRow(**row) for row in rows]


def at_risk(scope: Scope, limit: int | None = 10) -> QuerySet[CommuneStanding]:
    rows = (
        standings(scope)
        .filter(at_risk=True)
        .select_related("commune__district", "commune__province")
        .order_by("met_count", "commune__search_name", "commune__code")
    )
    return rows[:limit] if limit else rows


@dataclass
class AgencyRow:
    pk: int
    name: str
    province_id: int
    due: int
    done_on_time: int
    done_late: int
    overdue: int
    upcoming: int
    reports_due: int = 0
    reports_filed: int = 0

    @property
    def on_time_share(self) -> Decimal | None:
        return _ratio(self.done_on_time, self.due)


def inspection_window(filters: Filters, today: date) -> tuple[date, date]:
    """The inspections counted: those due in the chosen period, else in the current year."""
    if filters.period:
        year, half = filters.period
    else:
        year, half = today.year, Evaluation.Half.WHOLE_YEAR
    if half == Evaluation.Half.FIRST:
        return date(year, 1, 1), date(year, 6, 30)
    if half == Evaluation.Half.SECOND:
        return date(year, 7, 1), date(year, 12, 31)
    return date(year, 1, 1), date(year, 12, 31)


AGENCY_IDS_LISTED = 300


def _agency_rows(scope: Scope, today: date, window: tuple[date, date]) -> QuerySet:
    """Per agency of the xã in scope, its inspections of the window counted live (conditional
    aggregation): due, done on time or late, overdue, upcoming."""
    inspections = Inspection.objects.filter(
        assignment__commune__in=scope.communes, due_date__range=window
    ).exclude(status=Inspection.Status.CANCELLED)
    if scope.filters.agency:
        inspections = inspections.filter(assignment__agency=scope.filters.agency)
    done = Q(status=Inspection.Status.DONE)
    on_time = done & Q(report__inspected_on__lte=F("due_date"))
    return (
        inspections.order_by()
        .values(
            "assignment__agency_id", "assignment__agency__name", "assignment__agency__province_id"
        )
        .annotate(
            due=Count("pk", filter=Q(due_date__lte=today) | done),
            done_on_time=Count("pk", filter=on_time),
            done_late=Count("pk", filter=done & ~Q(report__inspected_on__lte=F("due_date"))),
            overdue=Count("pk", filter=overdue_on_q(today)),
            upcoming=Count("pk", filter=Q(status=Inspection.Status.PLANNED, due_date__gte=today)),
        )
    )


def _agency_row(row: dict) -> AgencyRow:
    return AgencyRow(
        pk=row["assignment__agency_id"],
        name=row["assignment__agency__name"],
        province_id=row["assignment__agency__province_id"],
        **{k: row[k] for k in ("due", "done_on_time", "done_late", "overdue", "upcoming")},
    )


def _with_reports(agencies: dict[int, AgencyRow], today: date, window: tuple[date, date]) -> None:
    """Each agency's six-monthly reports of the window: due and filed (one grouped query)."""
    if not agencies:
        return
    reports = (
        AgencyReport.objects.filter(due_date__range=window)
        .order_by()
        .values("agency_id")
        .annotate(
            due=Count("pk", filter=Q(due_date__lte=today) | Q(submitted_at__isnull=False)),
            filed=Count("pk", filter=Q(submitted_at__isnull=False)),
        )
    )
    # A province's agencies by their ids; the country's 2,000 not: a list that long costs
    # more to send and plan than counting every agency's reports of the window (16 → 5 ms).
    if len(agencies) <= AGENCY_IDS_LISTED:
        reports = reports.filter(agency_id__in=agencies)
    for row in reports:
        if row["agency_id"] in agencies:
            agencies[row["agency_id"]].reports_due = row["due"]
            agencies[row["agency_id"]].reports_filed = row["filed"]


def agency_performance(scope: Scope, today: date | None = None) -> list[AgencyRow]:
    """Every agency of the scope (the table to download): inspections due, done on time or late,
    overdue, and six-monthly reports filed; most overdue first. Two grouped queries."""
    today = today or timezone.localdate()
    window = inspection_window(scope.filters, today)
    agencies = {
        row["assignment__agency_id"]: _agency_row(row) for row in _agency_rows(scope, today, window)
    }
    _with_reports(agencies, today, window)
    return sorted(agencies.values(), key=lambda a: (-a.overdue, -a.due, a.name, a.pk))


def top_agencies(
    scope: Scope, limit: int, today: date | None = None
) -> tuple[list[AgencyRow], int]:
    """The `limit` agencies of agency_performance's order, and how many agencies there are:
    cached as the other figures are, and under the sponsorships' version and the day (overdue
    is counted on it), so an inspection, report or assignment written shows at once. A year of
    the country's inspections recounted was most of the national dashboard (issue 29)."""
    today = today or timezone.localdate()
    return cached(
        scope,
        f"top_agencies:{limit}",
        lambda: _top_agencies(scope, limit, today),
        also=(inspections_version(), today.isoformat()),
    )


def _top_agencies(scope: Scope, limit: int, today: date) -> tuple[list[AgencyRow], int]:
    """The order, the limit and the count in SQL (the country's 2,000 rows are not built to
    show 20), the reports of those shown only. Two queries."""
    window = inspection_window(scope.filters, today)
    rows = list(
        _agency_rows(scope, today, window)
        .annotate(agency_count=Window(Count("*")))
        .order_by("-overdue", "-due", "assignment__agency__name", "assignment__agency_id")[:limit]
    )
    agencies = {row["assignment__agency_id"]: _agency_row(row) for row in rows}
    _with_reports(agencies, today, window)
    return list(agencies.values()), rows[0]["agency_count"] if rows else 0


# --- The list behind a figure -------------------------------------------------------------------

# ?nhom= on the commune list: which figure's communes.
GROUPS = {
    "tat-ca": _("Tất cả xã"),
    "da-danh-gia": _("Xã đã được đánh giá"),
    "chua-danh-gia": _("Xã chưa có đánh giá được duyệt"),
    "dat-du": _("Xã đạt đủ tiêu chí"),
    "rui-ro": _("Xã có nguy cơ bị thu hồi công nhận"),
    "da-cong-nhan": _("Xã đã được công nhận (mọi mức)"),
    "ntm": _("Xã đạt chuẩn nông thôn mới"),
    "nang-cao": _("Xã đạt chuẩn nông thôn mới nâng cao"),
    "kieu-mau": _("Xã đạt chuẩn nông thôn mới kiểu mẫu"),
    "chua-cong-nhan": _("Xã chưa được công nhận"),
    "co-thon": _("Xã có thôn, với số thôn đạt chuẩn"),
}
LEVEL_OF_GROUP = {
    "ntm": Recognition.Level.NTM,
    "nang-cao": Recognition.Level.NANG_CAO,
    "kieu-mau": Recognition.Level.KIEU_MAU,
}
CRITERION_STATES = {"dat": True, "chua-dat": False, "chua-ro": None}


def commune_rows(
    scope: Scope, *, group: str, criterion: Criterion | None, state: str | None
) -> CommuneQuerySet:
    """The xã behind a figure: one queryset, paginated or exported by the view."""
    communes = (
        scope.communes.annotate(
            st=FilteredRelation("standings", condition=_standing_condition(scope))
        )
        .select_related("district", "province", "summary")
        .annotate(
            st_met_count=F("st__met_count"),
            st_criteria_count=F("st__criteria_count"),
            st_year=F("st__year"),
            st_half=F("st__half"),
            st_at_risk=F("st__at_risk"),
            st_risk_reason=F("st__risk_reason"),
            st_met_mask=F("st__met_mask"),
            st_unmet_mask=F("st__unmet_mask"),
        )
    )
    match group:
        case "da-danh-gia":
            communes = communes.filter(st__isnull=False)
        case "chua-danh-gia":
            communes = communes.filter(st__isnull=True)
        case "dat-du":
            communes = communes.filter(st__all_met=True)
        case "rui-ro":
            communes = communes.filter(st__at_risk=True)
        case "ntm" | "nang-cao" | "kieu-mau":
            communes = communes.filter(summary__recognition_level=LEVEL_OF_GROUP[group])
        case "da-cong-nhan":
            communes = communes.filter(summary__recognition_level__gt="")
        case "chua-cong-nhan":
            communes = communes.filter(Q(summary__isnull=True) | Q(summary__recognition_level=""))
        case "co-thon":
            # Behind "0/8 thôn đạt chuẩn": the xã those villages are in, not every xã.
            communes = communes.filter(summary__villages_total__gt=0)
    if criterion is not None and state in CRITERION_STATES:
        bit = CommuneStanding.bit(criterion.number)
        met = GreaterThan(F("st__met_mask").bitand(bit), 0)
        unmet = GreaterThan(F("st__unmet_mask").bitand(bit), 0)
        if state == "dat":
            communes = communes.filter(met)
        elif state == "chua-dat":
            communes = communes.filter(unmet)
        else:
            communes = communes.filter(st__isnull=False).exclude(met).exclude(unmet)
    return communes.order_by(
        "province__search_name", "district__search_name", "search_name", "code"
    )


def standing_state(commune: Commune, criterion: Criterion) -> bool | None:
    """A criterion's state in an annotated commune row of `commune_rows` / `heat_rows`."""
    bit = CommuneStanding.bit(criterion.number)
    if (commune.st_met_mask or 0) & bit:
        return True
    if (commune.st_unmet_mask or 0) & bit:
        return False
    return None


# --- The heat map's order -----------------------------------------------------------------------

# ?sap_xep= on the heat map: a column ("ten", "dat", "tc-<number>"), "-" first for descending.
HEAT_DEFAULT_ORDER = "ten"


def heat_order(raw: str, criteria: Iterable[Criterion]) -> tuple[str, bool, Criterion | None]:
    """The column to sort by, whether descending, and its criterion; unknown keys → by name."""
    descending = raw.startswith("-")
    key = raw.removeprefix("-")
    if key in ("ten", "dat"):
        return key, descending, None
    number = key.removeprefix("tc-")
    criterion = next(
        (c for c in criteria if key.startswith("tc-") and str(c.number) == number), None
    )
    if criterion is None:
        return HEAT_DEFAULT_ORDER, False, None
    return key, descending, criterion


def heat_rows(
    scope: Scope, *, order: str, descending: bool, criterion: Criterion | None
) -> CommuneQuerySet:
    """Every xã in scope, evaluated or not (the ones without an evaluation are the ones to
    chase), sorted in SQL by the chosen column. Xã without an evaluation always come after the
    evaluated ones when sorting by a figure, whichever the direction: they have no figure."""
    rows = commune_rows(scope, group="tat-ca", criterion=None, state=None)
    by_name = ["province__search_name", "district__search_name", "search_name", "code"]
    if order == "ten":
        if descending:
            return rows.order_by(*(f"-{name}" for name in by_name))
        return rows
    if criterion is not None:
        bit = CommuneStanding.bit(criterion.number)
        # Unmet (0) < not yet known (1) < met (2): ascending puts the xã to help first.
        rank = Case(
            When(GreaterThan(F("st__met_mask").bitand(bit), 0), then=Value(2)),
            When(GreaterThan(F("st__unmet_mask").bitand(bit), 0), then=Value(0)),
            When(st__isnull=False, then=Value(1)),
            default=None,
            output_field=IntegerField(),
        )
        rows = rows.annotate(heat_rank=rank)
        figure = F("heat_rank")
    else:
        figure = F("st__met_count")
    figure = figure.desc(nulls_last=True) if descending else figure.asc(nulls_last=True)
    return rows.order_by(figure, *by_name)


# --- The communes they were formed from (2025 edition) ------------------------------------------


@dataclass(frozen=True)
class Predecessors:
    """The 2024 xã the scope's 2025 xã were formed from, and how many stood recognised on
    30/06/2025: "612/1.234 xã cũ đã đạt chuẩn"."""

    recognised: int
    total: int


def predecessor_recognitions(scope: Scope) -> Predecessors | None:
    """One query; None outside the 2025 edition."""
    if scope.filters.edition != Edition.TWO_TIER_2025:
        return None
    last_day = Edition.validity(Edition.THREE_TIER_2024)[1]
    recognised = Recognition.objects.in_force_on(last_day).filter(commune=OuterRef("pk"))
    counts = (
        Commune.objects.filter(
            edition=Edition.THREE_TIER_2024,
            kind=Commune.Kind.RURAL,
            pk__in=CommuneLineage.objects.filter(successor__in=scope.communes).values(
                "predecessor_id"
            ),
        )
        .annotate(was_recognised=Exists(recognised))
        .aggregate(total=Count("pk"), recognised=Count("pk", filter=Q(was_recognised=True)))
    )
    return Predecessors(recognised=counts["recognised"], total=counts["total"])


# --- Recognition pipeline (QĐ 18/2022/QĐ-TTg) ----------------------------------------------------


@dataclass(frozen=True)
class PipelineStep:
    kind: str
    label: str
    open: int
    returned: int
    overdue: int
    average_days: int | None


@dataclass(frozen=True)
class Pipeline:
    """The scope's open recognition cases per step (how many, how long they have waited, how many
    are late: past the step's time or the year's plan), and the recognitions decided this year
    against the plan's target number of xã."""

    year: int
    steps: list[PipelineStep]
    recognised: int
    target: Decimal | None  # the plan's number of xã to recognise this year
    share_target: Decimal | None = None  # the plan's share (%) of xã meeting the standard
    # Read in the same row for the dashboard's map: has the province uploaded its communes' shapes?
    commune_boundaries: bool = False

    @property
    def open(self) -> int:
        return sum(step.open for step in self.steps)

    @property
    def overdue(self) -> int:
        return sum(step.overdue for step in self.steps)


def _scalar(rows: QuerySet, function: str, expression, output_field) -> Subquery:
    """One figure over all the rows (COUNT, AVG; no GROUP BY) as a subquery of one value."""
    return Subquery(
        rows.order_by()
        .annotate(v=Func(expression, function=function, output_field=output_field))
        .values("v")[:1],
        output_field=output_field,
    )


def _latest_target(area: District | Province, year: int, measure: str) -> Subquery:
    return Subquery(
        PlanTarget.objects.for_area(area)
        .filter(year=year, measure=measure)
        .order_by("-pk")
        .values("target")[:1]
    )


def recognition_pipeline(scope: Scope, today: date | None = None) -> Pipeline:
    """Two queries: the open cases counted per step (one row per step kind), and for a province
    or district its own row with the year's recognitions, the plan's two targets and whether
    its boundaries are loaded, as scalar subqueries (the country: the recognitions' count).
    The cases were once four scalar subqueries per step kind on that row: one query still, but
    building and compiling its 24 subqueries took 20 ms, four times what they cost to run."""
    today = today or timezone.localdate()
    year = scope.filters.period[0] if scope.filters.period else today.year
    waited = ExpressionWrapper(
        Value(timezone.now()) - F("step_since"), output_field=DurationField()
    )
    cases = RecognitionCase.objects.filter(commune__in=scope.communes).open()
    recognitions = Recognition.objects.filter(commune__in=scope.communes, decision_date__year=year)
    area = scope.filters.district or scope.filters.province
    kinds = RecognitionStep.Kind.choices
    row = {}
    for found in (
        cases.values("step__kind")
        .annotate(
            total=Count("pk"),
            returned=Count("pk", filter=Q(status=RecognitionCase.Status.RETURNED)),
            overdue=Count("pk", filter=Q(step_due__lt=today) | Q(year__lt=today.year)),
            waited=Avg(waited),
        )
        .order_by()
    ):
        kind = found.pop("step__kind")
        row |= {f"{kind}_{key}": value for key, value in found.items()}
    if area is not None:
        figures = {
            "recognised": _scalar(recognitions, "COUNT", F("pk"), IntegerField()),
            "share": _latest_target(area, year, PlanTarget.Measure.XA_NTM_SHARE),
            "count": _latest_target(area, year, PlanTarget.Measure.XA_NTM_COUNT),
        }
        if isinstance(area, Province):
            figures["boundaries"] = Exists(CommuneBoundarySet.objects.filter(province=area))
        own = type(area).objects.filter(pk=area.pk).values("pk").annotate(**figures).get()
        recognised, share, target = own["recognised"] or 0, own["share"], own["count"]
        boundaries = bool(own.get("boundaries"))
    else:
        recognised, share, target, boundaries = recognitions.count(), None, None, False
    steps = []
    for kind, label in kinds:
        average = row.get(f"{kind}_waited")
        steps.append(
            PipelineStep(
                kind=kind,
                label=str(label),
                open=row.get(f"{kind}_total") or 0,
                returned=row.get(f"{kind}_returned") or 0,
                overdue=row.get(f"{kind}_overdue") or 0,
                average_days=average.days if average is not None else None,
            )
        )
    return Pipeline(
        year=year,
        steps=steps,
        recognised=recognised,
        target=target,
        share_target=share,
        commune_boundaries=boundaries,
    )
