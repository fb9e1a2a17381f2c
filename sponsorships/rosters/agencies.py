"""Sponsoring and supervising agencies of a province (Hội CCB tỉnh, Sở Tài chính, …)."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes.places import NotMatched, Places, did_you_mean
from ntm_portal import rosters
from ntm_portal.models import User
from ntm_portal.rosters.base import (
    ERROR,
    NEW,
    UNCHANGED,
    UPDATED,
    Progress,
    Roster,
    RowChecker,
    Validation,
    duplicate_check,
    report_progress,
)
from ntm_portal.rosters.reading import Column
from ntm_portal.text import fold, lower_first
from sponsorships.models import Agency

# As officials write them (folded); the labels shown are translated, these are not.
AGENCY_KINDS = {
    "so, ban, nganh": Agency.Kind.DEPARTMENT,
    "so ban nganh": Agency.Kind.DEPARTMENT,
    "so": Agency.Kind.DEPARTMENT,
    "mat tran, doan the": Agency.Kind.MASS_ORGANISATION,
    "mat tran doan the": Agency.Kind.MASS_ORGANISATION,
    "doan the": Agency.Kind.MASS_ORGANISATION,
    "hoi": Agency.Kind.MASS_ORGANISATION,
    "doanh nghiep": Agency.Kind.ENTERPRISE,
    "khac": Agency.Kind.OTHER,
}


def agency_kind(text: str) -> str | None:
    """The kind written; "" for a blank cell (a new agency is then a department, an existing
    one keeps its kind); None for a word not known."""
    return AGENCY_KINDS.get(fold(text)) if text else ""


class AgencyIndex:
    """Agencies by province and folded name (current names and former ones)."""

    def __init__(self) -> None:
        self.by_name: dict[tuple[str, str], list[Agency]] = {}
        self.by_pk: dict[int, Agency] = {}
        for agency in Agency.objects.select_related("province").prefetch_related("former_names"):
            self.by_pk[agency.pk] = agency
            names = {agency.name, agency.short_name, *(f.name for f in agency.former_names.all())}
            for name in filter(None, names):
                key = (fold(agency.province.name), fold(name))
                self.by_name.setdefault(key, [])
                if agency not in self.by_name[key]:
                    self.by_name[key].append(agency)

    def find(self, province_name: str, name: str) -> list[Agency]:
        return self.by_name.get((fold(province_name), fold(name)), [])

    def not_found(self, province_name: str, name: str) -> str:
        """ "Không có cơ quan «…» trong tỉnh Quảng Trị. Có phải «…»?" """
        province = fold(province_name)
        names = sorted(
            {
                agency.name
                for (where, _name), found in self.by_name.items()
                if where == province
                for agency in found
            }
        )
        return _("Không có cơ quan «%(name)s» trong %(province)s.") % {
            "name": name,
            "province": lower_first(province_name),
        } + did_you_mean(name, names)

    def lookup(self, row: RowChecker, key: str, province_name: str) -> Agency | None:
        """The one agency of the row's cell `key` in the province, or None with the row failed."""
        name = row.value(key)
        found = self.find(province_name, name)
        if len(found) == 1:
            row.matched(key, f"{found[0].name} – {found[0].province.name}")
            return found[0]
        if found:
            row.fail(
                key,
                _("Tên «%(name)s» ứng với nhiều cơ quan: %(agencies)s. Hãy ghi tên đầy đủ.")
                % {"name": name, "agencies": "; ".join(agency.name for agency in found)},
            )
        else:
            row.fail(key, self.not_found(province_name, name))
        return None


@rosters.register
class AgencyRoster(Roster):
    kind = "agencies"
    label = gettext_lazy("Cơ quan đỡ đầu, phụ trách")
    position = 20
    office_may_use = True
    title = gettext_lazy("Danh sách cơ quan đỡ đầu, phụ trách")
    columns = [
        Column(
            "province",
            "Tỉnh",
            required=True,
            aliases=["Tỉnh/thành phố"],
            example="Tỉnh Quảng Trị",
            help=gettext_lazy("Tỉnh của cơ quan: «Tỉnh Quảng Trị» hoặc «Quảng Trị»."),
        ),
        Column(
            "name",
            "Tên cơ quan",
            required=True,
            aliases=["Cơ quan", "Tên cơ quan, đơn vị", "Cơ quan, đơn vị"],
            example="Hội Cựu chiến binh tỉnh Quảng Trị",
            help=gettext_lazy(
                "Tên đầy đủ như trên con dấu; cơ quan đã có được nhận theo tên này, tên viết tắt "
                "hoặc tên cũ."
            ),
        ),
        Column(
            "short_name",
            "Tên viết tắt",
            aliases=["Viết tắt"],
            example="CCB",
            help=gettext_lazy(
                "Tên gọi tắt (CCB, STC): các tệp phân công và người dùng cũng tìm cơ quan theo tên "
                "này. Để trống: cơ quan đã có giữ tên viết tắt cũ."
            ),
        ),
        Column(
            "kind",
            "Loại",
            aliases=["Loại cơ quan"],
            example="Mặt trận, đoàn thể",
            help=gettext_lazy(
                "Sở, ban, ngành (hoặc Sở); Mặt trận, đoàn thể (hoặc Hội, Đoàn thể); Doanh nghiệp; "
                "Khác. Để trống: cơ quan mới là Sở, ban, ngành, cơ quan đã có giữ loại cũ."
            ),
        ),
    ]
    instructions = [
        gettext_lazy("Mỗi dòng là một cơ quan, đơn vị của một tỉnh."),
        gettext_lazy(
            "Cơ quan đã có (cùng tỉnh, cùng tên) được cập nhật tên viết tắt và loại; ô để trống giữ giá trị đã có."
        ),
        gettext_lazy(
            "Loại: Sở, ban, ngành; Mặt trận, đoàn thể; Doanh nghiệp; Khác (để trống: cơ quan mới là Sở, ban, ngành)."
        ),
    ]
    examples = [
        ["Tỉnh Quảng Trị", "Hội Cựu chiến binh tỉnh Quảng Trị", "CCB", "Mặt trận, đoàn thể"],
        ["Quảng Trị", "Sở Tài chính tỉnh Quảng Trị", "STC", "Sở, ban, ngành"],
    ]

    def validate_rows(
        self, rows: list[RowChecker], *, actor: User | None, progress: Progress
    ) -> None:
        places = Places()
        agencies = AgencyIndex()
        keyed = []
        for index, row in enumerate(rows, start=1):
            report_progress(progress, index, len(rows))
            name = row.required("name")
            kind = agency_kind(row.value("kind"))
            if kind is None:
                row.fail(
                    "kind",
                    _(
                        "Loại cơ quan không hợp lệ: chọn Sở, ban, ngành; Mặt trận, đoàn thể; Doanh nghiệp; Khác."
                    ),
                )
            province = None
            if row.required("province"):
                try:
                    province = places.province(name=row.value("province"))
                except NotMatched as error:
                    row.fail("province", str(error))
                else:
                    row.matched("province", places.describe(province))
            if row.outcome.status == ERROR or province is None:
                continue
            keyed.append((row, (province.pk, fold(name))))
            existing = agencies.find(province.name, name)
            short_name = row.value("short_name")
            row.outcome.label = name
            if not existing:
                row.outcome.status = NEW
                kind = kind or Agency.Kind.DEPARTMENT
                row.outcome.payload = (None, province.pk, name, short_name, kind)
                continue
            agency = existing[0]
            # Blank cells keep what the portal has.
            short_name, kind = short_name or agency.short_name, kind or agency.kind
            changed = row.compare("short_name", agency.short_name, short_name)
            changed = row.compare("kind", agency.kind, kind, dict(Agency.Kind.choices)) or changed
            row.outcome.status = UPDATED if changed else UNCHANGED
            row.outcome.payload = (agency.pk, province.pk, agency.name, short_name, kind)
        duplicate_check(keyed)

    def office_rows(self, rows: list[RowChecker]) -> Iterator[tuple[RowChecker, str, int | None]]:
        return ((row, "province", row.outcome.payload[1]) for row in rows if row.outcome.payload)

    def apply(self, validation: Validation, *, actor: User | None, reason: str = "") -> None:
        new, changed = [], []
        for outcome in validation.outcomes:
            if outcome.status not in (NEW, UPDATED):
                continue
            pk, province_id, name, short_name, kind = outcome.payload
            agency = Agency(
                pk=pk, province_id=province_id, name=name, short_name=short_name, kind=kind
            )
            (changed if pk else new).append(agency)
        Agency.objects.bulk_create(new, batch_size=1000)
        Agency.objects.bulk_update(changed, ["short_name", "kind"], batch_size=1000)
