"""Commune groups (QĐ 51/2025/QĐ-TTg): one row per xã and province decision, as the province page
records them (criteria.services.commune_groups_decide), for many provinces at once.

Rows with the same province, decision number and date are one decision. A decision already
recorded is not changed by a file: rows that repeat what it says are unchanged (so an exported
list imports back as it is), rows that differ are refused; a correction is a new decision.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes.models import Commune, Edition, Province
from communes.places import Places, Unit
from communes.rosters import commune_column, locate_commune, rows_in_provinces
from criteria.groups import YEARS
from criteria.models import CommuneGroupDecision, CommuneGroupSetting
from criteria.services import (
    GroupDecisionRejected,
    commune_groups_check,
    commune_groups_decide,
)
from ntm_portal import rosters
from ntm_portal.models import User
from ntm_portal.rosters.base import (
    ERROR,
    NEW,
    UNCHANGED,
    Progress,
    Roster,
    RowChecker,
    Validation,
    duplicate_check,
    report_progress,
)
from ntm_portal.rosters.reading import Column, RosterFileError
from ntm_portal.text import fold, parse_day

GROUP_WORDS = {"1": 1, "2": 2, "3": 3, "i": 1, "ii": 2, "iii": 3}
NUMBER_LENGTH = CommuneGroupDecision._meta.get_field("number").max_length
ISSUER_LENGTH = CommuneGroupDecision._meta.get_field("issuer").max_length

# (province, folded number, date): one decision.
DecisionKey = tuple[int, str, date]


@dataclass(frozen=True)
class Planned:
    key: DecisionKey
    number: str
    day: date
    applies_from: date
    issuer: str
    commune_id: int
    group: int


def read_group(text: str) -> int | None:
    """ "2", "Nhóm 2", "nhóm II", "2.0" (a number cell) → 2; None otherwise."""
    word = fold(text).replace("nhom", "").strip().removesuffix(".0")
    return GROUP_WORDS.get(word)


@rosters.register
class CommuneGroupRoster(Roster):
    kind = "commune_groups"
    label = gettext_lazy("Nhóm xã")
    position = 55
    office_may_use = True
    title = gettext_lazy("Nhóm xã theo quyết định của tỉnh (QĐ 51/2025/QĐ-TTg)")
    columns = [
        Column(
            "province",
            "Tỉnh",
            aliases=["Tỉnh/thành phố", "Tỉnh, thành phố"],
            example="Quảng Trị",
            help=gettext_lazy("Tỉnh từ 01/07/2025 («Tỉnh Quảng Trị» hoặc «Quảng Trị»)."),
        ),
        Column(
            "commune_code",
            "Mã xã",
            aliases=["Mã đơn vị", "Mã xã/phường"],
            example="",
            help=gettext_lazy("Mã xã từ 01/07/2025 (5 chữ số). Có mã thì không cần tên xã."),
        ),
        Column(
            "commune",
            "Xã",
            aliases=["Tên xã"],
            example="Xã Ba Tầng",
            help=gettext_lazy(
                "Tên xã từ 01/07/2025, có hay không có chữ «Xã». Cần khi không ghi mã xã."
            ),
        ),
        Column(
            "group",
            "Nhóm",
            required=True,
            aliases=["Nhóm xã"],
            example="Nhóm 3",
            help=gettext_lazy("1, 2 hoặc 3 («Nhóm 2», «nhóm II» cũng được)."),
        ),
        Column(
            "decision_number",
            "Số quyết định",
            required=True,
            aliases=["Quyết định", "Số QĐ"],
            example="125/QĐ-UBND",
            help=gettext_lazy("Số quyết định của tỉnh (125/QĐ-UBND)."),
        ),
        Column(
            "decision_date",
            "Ngày quyết định",
            required=True,
            aliases=["Ngày QĐ", "Ngày ban hành"],
            example="10/03/2026",
            help=gettext_lazy("Ngày ký quyết định, dd/mm/yyyy."),
        ),
        Column(
            "applies_from",
            "Áp dụng từ ngày",
            aliases=["Áp dụng từ", "Ngày áp dụng"],
            example="",
            help=gettext_lazy("dd/mm/yyyy. Để trống là ngày quyết định."),
        ),
        Column(
            "issuer",
            "Cơ quan ban hành",
            example="UBND tỉnh Quảng Trị",
            help=gettext_lazy("Để trống là UBND của tỉnh (ví dụ «UBND tỉnh Quảng Trị»)."),
        ),
    ]
    instructions = [
        gettext_lazy(
            "Mỗi dòng là nhóm của một xã (từ 01/07/2025) theo một quyết định của tỉnh; các dòng "
            "cùng tỉnh, cùng số và ngày quyết định là một quyết định."
        ),
        gettext_lazy(
            "Nhóm 1: xã giáp ranh đô thị, xã có tỷ trọng nông nghiệp dưới 10%, xã được quy hoạch "
            "thành đô thị mới; Nhóm 3: xã vùng đồng bào dân tộc thiểu số và miền núi khu vực II, "
            "III; Nhóm 2: các xã còn lại."
        ),
        gettext_lazy(
            "Ngày ghi dd/mm/yyyy, trong khoảng 2025–2100. «Áp dụng từ ngày» để trống là ngày "
            "quyết định; «Cơ quan ban hành» để trống là UBND tỉnh."
        ),
        gettext_lazy(
            "Quyết định đã ghi nhận không sửa được bằng tệp: sửa nhóm bằng một quyết định mới. "
            "Các đánh giá chưa duyệt của xã được tính lại theo nhóm mới."
        ),
    ]
    examples = [
        ["Quảng Trị", "", "Xã Ba Tầng", "Nhóm 3", "125/QĐ-UBND", "10/03/2026", "", ""],
        ["Quảng Trị", "", "Xã Hướng Lập", "3", "125/QĐ-UBND", "10/03/2026", "", ""],
    ]

    def validate_rows(
        self, rows: list[RowChecker], *, actor: User | None, progress: Progress
    ) -> None:
        places = Places()
        located: list[tuple[RowChecker, Unit, int, str, date, date | None, str]] = []
        for index, row in enumerate(rows, start=1):
            report_progress(progress, index, len(rows))
            group = None
            if row.required("group"):
                group = read_group(row.value("group"))
                if group is None:
                    row.fail("group", _("Nhóm xã phải là 1, 2 hoặc 3 (ví dụ: Nhóm 2)."))
            number = row.required("decision_number")
            if len(number) > NUMBER_LENGTH:
                row.fail(
                    "decision_number",
                    _("Số quyết định tối đa %(count)s ký tự.") % {"count": NUMBER_LENGTH},
                )
            day = self._day(row, "decision_date", required=True)
            applies_from = self._day(row, "applies_from")
            issuer = row.value("issuer")
            if len(issuer) > ISSUER_LENGTH:
                row.fail(
                    "issuer",
                    _("Cơ quan ban hành tối đa %(count)s ký tự.") % {"count": ISSUER_LENGTH},
                )
            commune = self._commune(row, places)
            if row.outcome.status != ERROR and commune and group and number and day:
                located.append((row, commune, group, number, day, applies_from, issuer))
        self._only_xa(located)
        self._compare(located)
        self._check_decisions(rows)

    @staticmethod
    def _day(row: RowChecker, key: str, *, required: bool = False) -> date | None:
        text = row.required(key) if required else row.value(key)
        if not text:
            return None
        day = parse_day(text)
        if day is None:
            row.fail(key, _("Ngày không hợp lệ: ghi theo dạng dd/mm/yyyy (ví dụ 10/03/2026)."))
        elif day.year not in YEARS:
            row.fail(
                key,
                _("Ngày phải trong khoảng năm %(first)s–%(last)s.")
                % {"first": YEARS[0], "last": YEARS[-1]},
            )
            return None
        return day

    @staticmethod
    def _commune(row: RowChecker, places: Places) -> Unit | None:
        """The row's xã in the 2025 edition; a xã found only among the 2024 units is refused
        with the reason, not as an unknown name."""
        found = locate_commune(row, places, edition=Edition.TWO_TIER_2025)
        if found is None or found.edition == Edition.TWO_TIER_2025:
            return found
        row.fail(
            "commune_code" if row.value("commune_code") else "commune",
            _(
                "%(name)s là đơn vị trước 01/07/2025 (tỉnh – huyện – xã): nhóm xã chỉ xác định "
                "cho xã từ 01/07/2025."
            )
            % {"name": found.name},
        )
        return None

    @staticmethod
    def _only_xa(located: list) -> None:
        """Phường and đặc khu are not scored against the NTM criteria: they have no group."""
        kinds = dict(
            Commune.objects.filter(pk__in={item[1].pk for item in located}).values_list(
                "pk", "kind"
            )
        )
        for row, commune, *_rest in located:
            if kinds.get(commune.pk) != Commune.Kind.RURAL:
                row.fail(
                    "commune_code" if row.value("commune_code") else "commune",
                    _("%(name)s không phải là xã: chỉ xã mới được xếp nhóm.")
                    % {"name": commune.name},
                )

    def _compare(self, located: list) -> None:
        """Rows of one decision agree; a decision already recorded is repeated, never changed."""
        located = [item for item in located if item[0].outcome.status != ERROR]
        keyed = [(item, (item[1].province_id, fold(item[3]), item[4])) for item in located]
        duplicate_check([(item[0], (key, item[1].pk)) for item, key in keyed])
        recorded = {
            (d.province_id, fold(d.number), d.date): d
            for d in CommuneGroupDecision.objects.filter(
                province_id__in={key[0] for _item, key in keyed},
                date__in={key[2] for _item, key in keyed},
            )
        }
        settings = {
            (setting.decision_id, setting.commune_id): setting.group
            for setting in CommuneGroupSetting.objects.filter(decision__in=list(recorded.values()))
        }
        first_row: dict[DecisionKey, tuple[int, date | None, str]] = {}
        for (row, commune, group, number, day, applies_from, issuer), key in keyed:
            if row.outcome.status == ERROR:
                continue
            row.outcome.label = f"{commune.name} – {number} ({day:%d/%m/%Y})"
            decision = recorded.get(key)
            if decision is not None:
                if settings.get((decision.pk, commune.pk)) == group:
                    row.outcome.status = UNCHANGED
                    continue
                row.fail(
                    "decision_number",
                    _(
                        "%(decision)s đã được ghi nhận và không sửa được bằng tệp: sửa nhóm "
                        "bằng một quyết định mới."
                    )
                    % {"decision": decision},
                    number,
                )
                continue
            seen = first_row.setdefault(key, (row.outcome.row.number, applies_from, issuer))
            if seen[1:] != (applies_from, issuer):
                column = "applies_from" if seen[1] != applies_from else "issuer"
                row.fail(
                    column,
                    _("Khác với dòng %(row)s của cùng quyết định.") % {"row": seen[0]},
                )
                continue
            row.outcome.status = NEW
            row.outcome.payload = Planned(
                key=key,
                number=number,
                day=day,
                applies_from=applies_from or day,
                issuer=issuer,
                commune_id=commune.pk,
                group=group,
            )

    def office_rows(self, rows: list[RowChecker]) -> Iterator[tuple[RowChecker, str, int | None]]:
        return rows_in_provinces(
            (row, commune_column(row), row.outcome.payload.commune_id)
            for row in rows
            if row.outcome.payload
        )

    # The columns of the fields commune_groups_check names.
    DECISION_COLUMNS = {
        "number": "decision_number",
        "date": "decision_date",
        "applies_from": "applies_from",
        "issuer": "issuer",
        "province": "province",
        "groups": "group",
    }

    def _check_decisions(self, rows: list[RowChecker]) -> None:
        """Each decision of the file as the Nhóm xã page checks it (`commune_groups_check`: the
        register of numbers, the province's own 2025 xã, the dates): a refusal is the page's
        words, on every row of that decision. A few queries per decision, whatever its rows."""
        by_decision = _by_decision(
            [
                row.outcome.payload
                for row in rows
                if row.outcome.payload and row.outcome.status == NEW
            ]
        )
        if not by_decision:
            return
        provinces = Province.objects.in_bulk({key[0] for key in by_decision})
        rows_of: dict[DecisionKey, list[RowChecker]] = defaultdict(list)
        for row in rows:
            if row.outcome.payload and row.outcome.status == NEW:
                rows_of[row.outcome.payload.key].append(row)
        for key, plans in by_decision.items():
            first = plans[0]
            errors = commune_groups_check(
                province=provinces[key[0]],
                number=first.number,
                day=first.day,
                applies_from=first.applies_from,
                issuer=first.issuer,
                groups={plan.commune_id: plan.group for plan in plans},
            )
            for field_name, reason in errors.items():
                for row in rows_of[key]:
                    column = self.DECISION_COLUMNS.get(field_name) or commune_column(row)
                    row.fail(column, reason)

    def apply(self, validation: Validation, *, actor: User | None, reason: str = "") -> None:
        """One decision of the file at a time through `commune_groups_decide`, the page's door:
        the same checks, the same decision and settings, the same recomputation and history."""
        by_decision = _by_decision(
            [o.payload for o in validation.outcomes if o.status == NEW and o.payload]
        )
        provinces = Province.objects.in_bulk({key[0] for key in by_decision})
        for key, plans in by_decision.items():
            first = plans[0]
            try:
                commune_groups_decide(
                    province=provinces[key[0]],
                    number=first.number,
                    day=first.day,
                    applies_from=first.applies_from,
                    issuer=first.issuer,
                    groups={plan.commune_id: plan.group for plan in plans},
                    actor=actor,
                )
            except GroupDecisionRejected as refused:
                # Recorded since the check: nothing of the file is kept.
                raise RosterFileError(str(refused)) from None


def _by_decision(planned: list[Planned]) -> dict[DecisionKey, list[Planned]]:
    by_decision: dict[DecisionKey, list[Planned]] = defaultdict(list)
    for plan in planned:
        by_decision[plan.key].append(plan)
    return by_decision
