"""Assignment decisions (e.g. 1841/QĐ-UBND, 14/7/2020) and the assignments they make: an agency
sponsors (đỡ đầu) or supervises (phụ trách) a commune for a time. The roster reads, locates and
reports; the rules (dates, units in force, overlaps, one sponsor at a time, the register of
decision numbers) and the writes are `sponsorships.services.assignments_import`'s, the same as
every other door's, within the file and against the portal."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes.models import Edition
from communes.places import NotMatched, Places
from communes.rosters import PLACE_COLUMNS, locate_commune, rows_in_provinces
from criteria.models import Recognition
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
from ntm_portal.rosters.reading import Column, RosterFileError
from ntm_portal.text import fold, lower_first, parse_day
from sponsorships.models import Agency, Assignment, AssignmentDecision
from sponsorships.services import (
    AssignmentImportRow,
    AssignmentsRefused,
    assignments_import,
    assignments_import_refusals,
)

from .agencies import AgencyIndex

KIND_WORDS = {
    "do dau": Assignment.Kind.SPONSORED,
    "phu trach": Assignment.Kind.SUPERVISED,
}
TARGET_WORDS = {
    "": "",
    "ntm": Recognition.Level.NTM,
    "nong thon moi": Recognition.Level.NTM,
    "dat chuan nong thon moi": Recognition.Level.NTM,
    "nang cao": Recognition.Level.NANG_CAO,
    "ntm nang cao": Recognition.Level.NANG_CAO,
    "nong thon moi nang cao": Recognition.Level.NANG_CAO,
    "kieu mau": Recognition.Level.KIEU_MAU,
    "ntm kieu mau": Recognition.Level.KIEU_MAU,
    "nong thon moi kieu mau": Recognition.Level.KIEU_MAU,
}


# Tỉnh is needed on every row: the agency is looked up within it.
PROVINCE_FIRST = [
    replace(
        column,
        required=True,
        help=gettext_lazy(
            "Tỉnh của cơ quan và của xã («Tỉnh Quảng Trị» hoặc «Quảng Trị»): cơ quan được tìm trong tỉnh này."
        ),
    )
    if column.key == "province"
    else column
    for column in PLACE_COLUMNS
]


@rosters.register
class AssignmentRoster(Roster):
    kind = "assignments"
    label = gettext_lazy("Quyết định và phân công")
    position = 30
    office_may_use = True
    after = ("agencies",)
    title = gettext_lazy("Quyết định phân công và danh sách phân công")
    columns = [
        Column(
            "decision_number",
            "Số quyết định",
            aliases=["Quyết định", "Số QĐ"],
            example="1841/QĐ-UBND",
            help=gettext_lazy(
                "Số quyết định phân công (1841/QĐ-UBND): đã có trong tỉnh thì dùng lại, chưa có "
                "thì tạo. Để trống: phân công không gắn quyết định (hoặc giữ quyết định cũ)."
            ),
        ),
        Column(
            "decision_date",
            "Ngày quyết định",
            aliases=["Ngày QĐ", "Ngày ban hành"],
            example="14/07/2020",
            help=gettext_lazy("Ngày ký quyết định, dd/mm/yyyy; cần khi quyết định chưa có."),
        ),
        Column(
            "issuer",
            "Cơ quan ban hành",
            example="UBND tỉnh Quảng Trị",
            help=gettext_lazy("Để trống là UBND của tỉnh (ví dụ «UBND tỉnh Quảng Trị»)."),
        ),
        Column(
            "agency",
            "Cơ quan",
            required=True,
            aliases=["Cơ quan đỡ đầu", "Cơ quan, đơn vị"],
            example="Hội Cựu chiến binh tỉnh Quảng Trị",
            help=gettext_lazy(
                "Cơ quan đã có trong danh sách cơ quan của tỉnh: tên đầy đủ, tên viết tắt (CCB) "
                "hoặc tên cũ."
            ),
        ),
        *PROVINCE_FIRST,
        Column(
            "kind",
            "Hình thức",
            required=True,
            aliases=["Đỡ đầu/phụ trách"],
            example="Đỡ đầu",
            help=gettext_lazy("Đỡ đầu hoặc Phụ trách."),
        ),
        Column(
            "start",
            "Từ ngày",
            required=True,
            aliases=["Ngày bắt đầu"],
            example="14/07/2020",
            help=gettext_lazy(
                "Ngày bắt đầu, dd/mm/yyyy; cùng cơ quan, xã và ngày bắt đầu là cùng một phân công."
            ),
        ),
        Column(
            "end",
            "Đến ngày",
            aliases=["Ngày kết thúc"],
            example="",
            help=gettext_lazy(
                "Ngày kết thúc, dd/mm/yyyy. Để trống: phân công mới chưa có ngày kết thúc, phân "
                "công đã có giữ ngày cũ."
            ),
        ),
        Column(
            "target_level",
            "Mục tiêu",
            example="Nông thôn mới",
            help=gettext_lazy(
                "Nông thôn mới (NTM), Nâng cao hoặc Kiểu mẫu. Để trống: giữ mục tiêu đã có."
            ),
        ),
        Column(
            "target_year",
            "Năm đạt mục tiêu",
            aliases=["Năm đạt"],
            example=2021,
            help=gettext_lazy("Năm có bốn chữ số (2026). Để trống: giữ năm đã có."),
        ),
        Column(
            "notes",
            "Ghi chú",
            example="",
            help=gettext_lazy("Ghi chú tự do. Để trống: giữ ghi chú đã có."),
        ),
    ]
    instructions = [
        gettext_lazy(
            "Mỗi dòng là một phân công: một cơ quan đỡ đầu hoặc phụ trách một xã từ một ngày."
        ),
        gettext_lazy(
            "Quyết định được tìm theo số trong tỉnh; chưa có thì được tạo (cần ghi ngày quyết định)."
        ),
        gettext_lazy(
            "Phân công đã có (cùng cơ quan, cùng xã, cùng ngày bắt đầu) được cập nhật, ô để trống giữ giá trị đã có; hai phân công của một cơ quan cho một xã không được trùng thời gian; mỗi thời điểm chỉ một cơ quan đỡ đầu một xã (kể cả giữa các dòng của tệp)."
        ),
        gettext_lazy(
            "Hình thức: Đỡ đầu hoặc Phụ trách. Ngày ghi dd/mm/yyyy. Mục tiêu: Nông thôn mới, Nâng cao, Kiểu mẫu."
        ),
        gettext_lazy(
            "Xã được tìm theo danh mục đơn vị hành chính của ngày bắt đầu: đến 30/06/2025 theo "
            "danh mục tỉnh – huyện – xã, từ 01/07/2025 theo danh mục mới. Ghi tỉnh và mã xã "
            "(hoặc tên xã) là đủ."
        ),
    ]
    examples = [
        [
            "1841/QĐ-UBND",
            "14/07/2020",
            "UBND tỉnh Quảng Trị",
            "Hội Cựu chiến binh tỉnh Quảng Trị",
            "Tỉnh Quảng Trị",
            "Huyện Hướng Hóa",
            "",
            "Xã Ba Tầng",
            "Đỡ đầu",
            "14/07/2020",
            "",
            "Nông thôn mới",
            2025,
            "",
        ],
        [
            "1841/QĐ-UBND",
            "14/07/2020",
            "UBND tỉnh Quảng Trị",
            "Hội Cựu chiến binh tỉnh Quảng Trị",
            "Quảng Trị",
            "Triệu Phong",
            "",
            "Triệu Long",
            "Phụ trách",
            "14/07/2020",
            "",
            "",
            "",
            "",
        ],
    ]

    def validate_rows(
        self, rows: list[RowChecker], *, actor: User | None, progress: Progress
    ) -> None:
        places = Places()
        agencies = AgencyIndex()
        decisions = {(d.province_id, fold(d.number)): d for d in AssignmentDecision.objects.all()}
        located = []
        for index, row in enumerate(rows, start=1):
            report_progress(progress, index, len(rows))
            kind = KIND_WORDS.get(fold(row.value("kind"))) if row.required("kind") else None
            if row.value("kind") and kind is None:
                row.fail("kind", _("Hình thức không hợp lệ: ghi Đỡ đầu hoặc Phụ trách."))
            start = self._day(row, "start", required=True)
            end = self._day(row, "end")
            target = TARGET_WORDS.get(fold(row.value("target_level")))
            if target is None:
                row.fail(
                    "target_level",
                    _("Mục tiêu không hợp lệ: ghi Nông thôn mới, Nâng cao hoặc Kiểu mẫu."),
                )
            target_year = None
            if row.value("target_year"):
                try:
                    target_year = int(row.value("target_year").removesuffix(".0"))
                    if not 2000 <= target_year <= 2100:
                        raise ValueError
                except ValueError:
                    row.fail("target_year", _("Năm phải là số có bốn chữ số (ví dụ 2024)."))
            # The map of the day the assignment starts: a code of 2024 is a 2024 commune for
            # an assignment of 2020, today's commune for one of 2026.
            edition = Edition.on(start) if start else None
            commune = locate_commune(row, places, edition=edition)
            try:
                province = places.province(name=row.value("province"), edition=edition)
            except NotMatched:
                province = None  # already reported by locate_commune
            agency = None
            if row.required("agency"):
                if province is None:
                    if not row.value("province"):
                        row.fail("province", _("Cần ghi Tỉnh để tìm cơ quan."))
                else:
                    agency = agencies.lookup(row, "agency", province.name)
            decision = self._decision(row, decisions, agency)
            if row.outcome.status == ERROR or not (commune and agency and start and kind):
                continue
            located.append((row, agency, commune, kind, start, end, target, target_year, decision))
        duplicate_check([(item[0], (item[1].pk, item[2].pk, item[4])) for item in located])
        self._compare(located, decisions)
        # The rules are the service's, with its words: the preview shows what confirming would
        # refuse, row by row.
        planned = {
            row.outcome.row.number: row
            for row, *_rest in located
            if row.outcome.status in (NEW, UPDATED)
        }
        refused = assignments_import_refusals(
            rows=[row.outcome.payload for row in planned.values()]
        )
        for number, fields in refused.items():
            row = planned[number]
            for field, reason in fields.items():
                row.fail(self._column(row, field), reason)

    @staticmethod
    def _column(row: RowChecker, field: str) -> str:
        """The file's column of a field the service refused."""
        if field == "commune":
            return "commune" if row.value("commune") else "commune_code"
        return field

    @staticmethod
    def _day(row: RowChecker, key: str, *, required: bool = False) -> date | None:
        text = row.required(key) if required else row.value(key)
        if not text:
            return None
        day = parse_day(text)
        if day is None:
            row.fail(key, _("Ngày không hợp lệ: ghi theo dạng dd/mm/yyyy (ví dụ 14/07/2020)."))
        return day

    def _decision(self, row: RowChecker, decisions: dict, agency: Agency | None) -> tuple | None:
        """An existing decision's pk, or what is needed to create it; None without a number."""
        number = row.value("decision_number")
        if not number or agency is None:
            return None
        found = decisions.get((agency.province_id, fold(number)))
        if found:
            row.matched("decision_number", str(found))
            return (found.pk,)
        day = self._day(row, "decision_date")
        if day is None:
            if not row.value("decision_date"):
                row.fail("decision_date", _("Quyết định mới cần ghi ngày quyết định."))
            return None
        # As people write it: "UBND tỉnh Quảng Trị", not "UBND Tỉnh Quảng Trị".
        issuer = row.value("issuer") or _("UBND %(province)s") % {
            "province": lower_first(agency.province.name)
        }
        return (None, agency.province_id, number, day, issuer)

    @staticmethod
    def _compare(located: list, decisions: dict) -> None:
        """New, updated or unchanged against the portal, and what the service is handed."""
        pairs = {(item[1].pk, item[2].pk) for item in located if item[0].outcome.status != ERROR}
        current = defaultdict(list)
        agency_ids = {agency for agency, _commune in pairs}
        for assignment in Assignment.objects.filter(agency_id__in=agency_ids):
            if (assignment.agency_id, assignment.commune_id) in pairs:
                current[(assignment.agency_id, assignment.commune_id)].append(assignment)
        names = {d.pk: d.number for d in decisions.values()}
        for row, agency, commune, kind, start, end, target, target_year, decision in located:
            if row.outcome.status == ERROR:
                continue
            pair = (agency.pk, commune.pk)
            same = next((a for a in current[pair] if a.start == start), None)
            if same is not None and end is None:
                end = same.end  # a blank cell keeps the stored end
            row.outcome.label = f"{agency.name} – {commune.name}"
            values = {
                "kind": kind,
                "end": end,
                "target_level": target,
                "target_year": target_year,
                "notes": row.value("notes"),
            }
            if same is None:
                row.outcome.status = NEW
            else:
                # Blank cells keep what the portal has.
                for field in ("end", "target_level", "target_year", "notes"):
                    if values[field] in (None, ""):
                        values[field] = getattr(same, field)
                changed = False
                for field, labels in (
                    ("kind", dict(Assignment.Kind.choices)),
                    ("end", None),
                    ("target_level", dict(Recognition.Level.choices)),
                    ("target_year", None),
                    ("notes", None),
                ):
                    changed = (
                        row.compare(field, getattr(same, field), values[field], labels) or changed
                    )
                if decision is not None and not (decision[0] and same.decision_id == decision[0]):
                    stored = names.get(same.decision_id, "") if same.decision_id else ""
                    changed = (
                        row.compare("decision_number", stored, row.value("decision_number"))
                        or changed
                    )
                row.outcome.status = UPDATED if changed else UNCHANGED
            decision_id = decision[0] if decision else None
            if decision is None and same is not None:
                decision_id = same.decision_id  # no number in the file: the decision stays
            row.outcome.payload = AssignmentImportRow(
                number=row.outcome.row.number,
                agency_id=agency.pk,
                commune_id=commune.pk,
                start=start,
                pk=same.pk if same else None,
                decision_id=decision_id,
                new_decision=decision[2:] if decision and decision[0] is None else None,
                **values,
            )

    def office_rows(self, rows: list[RowChecker]) -> Iterator[tuple[RowChecker, str, int | None]]:
        # The agency is looked up in the row's province: its commune's province says both.
        return rows_in_provinces(
            (row, "province", row.outcome.payload.commune_id) for row in rows if row.outcome.payload
        )

    def apply(self, validation: Validation, *, actor: User | None, reason: str = "") -> None:
        planned = [
            o.payload for o in validation.outcomes if o.status in (NEW, UPDATED) and o.payload
        ]
        try:
            assignments_import(rows=planned, actor=actor)
        except AssignmentsRefused as refused:
            # Written since the check (the check inside the confirmation saw the same): nothing kept.
            raise RosterFileError(str(refused)) from None
