"""Recognitions decided on paper before the portal (công nhận xã đạt chuẩn NTM, nâng cao, kiểu
mẫu): one row per xã and decision, as the province's recognitions page records them one at a
time (criteria.recognition.recognition_record), for a whole province's past at once.

The row's xã is looked up in the map in force on the decision's date: a decision of 2022 names
a xã of the three-tier map, one of 2026 a xã of today's. The rules of a decision — level, number
against the People's Committee's register, the xã existing that day, no decision recorded twice —
are the service's (`recognitions_check`), with its words; this module only reads, locates and
reports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes.access import keeps_history_of
from communes.models import Commune, CommuneLineage, Edition
from communes.places import Places, Unit
from communes.rosters import PLACE_COLUMNS, locate_commune
from criteria.models import CriteriaSet, Recognition
from criteria.recognition import (
    SET_LEVEL,
    PaperRecognition,
    RecognitionsRejected,
    recognitions_check,
    recognitions_record,
    set_in_force,
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
    report_progress,
)
from ntm_portal.rosters.reading import Column, RosterFileError
from ntm_portal.text import fold, lower_first, parse_day

Level = Recognition.Level
# The last day of the three-tier map: a decision up to it recognised a unit of that map.
THREE_TIER_END = Edition.validity(Edition.THREE_TIER_2024)[1]
# The service's fields, as the roster's columns (its «commune» is whichever place cell the row
# wrote: the code, else the name).
FIELD_COLUMNS = {
    "level": "level",
    "decision_number": "decision_number",
    "decision_date": "decision_date",
    "signer": "signer",
    "issuer": "issuer",
    "criteria_set": "criteria_set",
}
# "QĐ 318/QĐ-TTg", "Quyết định số 51/2025/QĐ-TTg ngày …" → the decision's number (folded text).
DECISION_NUMBER = re.compile(r"(\d+)(?:/\d{4})?/qd")
DECISION_WORDS = re.compile(r"(?:qd|quyet dinh)\s*(?:so\s*)?(\d+)")


def read_level(text: str) -> str:
    """The level as officials write it: «NTM», «Đạt chuẩn nông thôn mới», «NTM nâng cao»,
    «nâng cao», «NC», «kiểu mẫu», «KM» (the stored values too); '' when it is none of them."""
    words = fold(text).replace("_", " ").replace("-", " ").strip()
    if not words:
        return ""
    if "kieu mau" in words or words == "km":
        return Level.KIEU_MAU
    if "nang cao" in words or words == "nc":
        return Level.NANG_CAO
    if "ntm" in words.split() or "nong thon moi" in words:
        return Level.NTM
    return ""


def decision_number_in(text: str) -> str:
    """The decision number a criteria set's name or legal basis gives («318»), '' if none."""
    folded = fold(text)
    found = DECISION_NUMBER.search(folded) or DECISION_WORDS.search(folded)
    return found.group(1).lstrip("0") if found else ""


@rosters.register
class RecognitionRoster(Roster):
    kind = "recognitions"
    label = gettext_lazy("Quyết định công nhận xã đạt chuẩn ban hành trên giấy")
    # The province office records its own and its predecessors' paper decisions: the rows'
    # provinces are this kind's own check (keeps_history_of, below), not the framework's.
    office_may_use = True
    position = 57
    title = gettext_lazy("Quyết định công nhận xã đạt chuẩn nông thôn mới (trên giấy)")
    _places = {column.key: column for column in PLACE_COLUMNS}
    columns = [
        _places["province"],
        _places["district"],
        _places["commune"],
        _places["commune_code"],
        Column(
            "level",
            "Mức",
            required=True,
            aliases=["Mức công nhận", "Mức đạt chuẩn", "Đạt chuẩn"],
            example="NTM",
            help=gettext_lazy(
                "NTM, nâng cao hoặc kiểu mẫu («Đạt chuẩn nông thôn mới», «NTM nâng cao», «xã "
                "NTM kiểu mẫu» cũng được)."
            ),
        ),
        Column(
            "decision_number",
            "Số quyết định",
            required=True,
            aliases=["Quyết định", "Số QĐ", "Số quyết định công nhận"],
            example="2951/QĐ-UBND",
            help=gettext_lazy("Số quyết định công nhận của tỉnh, như trên quyết định."),
        ),
        Column(
            "decision_date",
            "Ngày quyết định",
            required=True,
            aliases=["Ngày QĐ", "Ngày ký", "Ngày ban hành"],
            example="20/12/2019",
            help=gettext_lazy("dd/mm/yyyy hoặc ô ngày của Excel; không sau hôm nay."),
        ),
        Column(
            "issuer",
            "Cơ quan ban hành",
            example="",
            help=gettext_lazy("Để trống là UBND của tỉnh của xã («UBND tỉnh Quảng Trị»)."),
        ),
        Column(
            "criteria_set",
            "Bộ tiêu chí",
            aliases=["Căn cứ", "Bộ tiêu chí áp dụng"],
            example="",
            help=gettext_lazy(
                "Tên hoặc căn cứ của bộ tiêu chí («QĐ 1980/QĐ-TTg», «QĐ 318/QĐ-TTg»). Để trống là "
                "bộ tiêu chí quốc gia của mức đó có hiệu lực vào ngày quyết định."
            ),
        ),
        Column(
            "signer",
            "Người ký",
            aliases=["Người ký quyết định"],
            example="",
            help=gettext_lazy("Không bắt buộc («Chủ tịch Nguyễn Văn A»)."),
        ),
    ]
    instructions = [
        gettext_lazy(
            "Mỗi dòng là một xã được công nhận theo một quyết định đã ký trên giấy (trước khi có "
            "cổng); một quyết định công nhận nhiều xã thì ghi mỗi xã một dòng, cùng số và ngày."
        ),
        gettext_lazy(
            "Xã là xã của bản đồ có hiệu lực vào ngày quyết định: quyết định đến 30/06/2025 ghi "
            "xã trước sáp nhập (tỉnh – huyện – xã, có thể ghi huyện), quyết định từ 01/07/2025 "
            "ghi xã hiện nay. Có mã xã thì tìm theo mã; tên ghi kèm phải là tên của xã đó."
        ),
        gettext_lazy(
            "Số quyết định được đối chiếu với sổ đăng ký văn bản của UBND tỉnh: số đã cấp cho văn "
            "bản khác cùng năm thì bị từ chối. Quyết định đã ghi nhận (cùng xã, mức, số, ngày) "
            "được bỏ qua, không ghi lại."
        ),
        gettext_lazy(
            "Có dòng lỗi thì không ghi dòng nào: sửa tệp theo danh sách lỗi rồi tải lên lại."
        ),
    ]
    examples = [
        [
            "Quảng Trị",
            "Huyện Gio Linh",
            "Xã Gio Mai",
            "",
            "NTM",
            "2951/QĐ-UBND",
            "20/12/2019",
            "",
            "QĐ 1980/QĐ-TTg",
            "",
        ],
        [
            "Quảng Trị",
            "",
            "Xã Cửa Việt",
            "",
            "Nông thôn mới",
            "3105/QĐ-UBND",
            "15/05/2026",
            "UBND tỉnh Quảng Trị",
            "",
            "",
        ],
    ]

    def validate_rows(
        self, rows: list[RowChecker], *, actor: User | None, progress: Progress
    ) -> None:
        places = Places()
        sets = list(CriteriaSet.objects.filter(level__in=SET_LEVEL.values()).newest_first())
        seen: dict = {}
        read: list[tuple[RowChecker, Unit, str, str, date, CriteriaSet | None]] = []
        for index, row in enumerate(rows, start=1):
            report_progress(progress, index, len(rows))
            level = self._level(row)
            number = row.required("decision_number")
            day = self._day(row)
            # The map in force on the decision's day; today's when the day cannot be read.
            edition = Edition.on(day) if day else None
            commune = locate_commune(row, places, edition=edition, seen=seen)
            chosen = self._criteria_set(row, sets, level, day)
            if row.outcome.status != ERROR and commune and level and number and day:
                read.append((row, commune, level, number, day, chosen))
        read = self._before_the_merger(read, places)
        self._in_scope(read, actor)
        self._check(read, sets)

    # --- reading one row ---

    @staticmethod
    def _level(row: RowChecker) -> str:
        if not row.required("level"):
            return ""
        level = read_level(row.value("level"))
        if not level:
            # The service's words for a level it does not know.
            row.fail("level", _("Mức công nhận: chọn NTM, nâng cao hoặc kiểu mẫu."))
        return level

    @staticmethod
    def _day(row: RowChecker) -> date | None:
        if not row.required("decision_date"):
            return None
        day = parse_day(row.value("decision_date"))
        if day is None:
            row.fail("decision_date", _("Ngày quyết định: ghi theo dạng dd/mm/yyyy."))
        return day

    @staticmethod
    def _criteria_set(
        row: RowChecker, sets: list[CriteriaSet], level: str, day: date | None
    ) -> CriteriaSet | None:
        """The set the row names, by code, name or legal basis («QĐ 318/QĐ-TTg»), among the
        level's; blank: none here (the service takes the set in force on the day)."""
        text = row.value("criteria_set")
        if not text or not level:
            return None
        of_level = [s for s in sets if s.level == SET_LEVEL[level]]
        written = fold(text).strip()
        found = [s for s in of_level if written in (fold(s.code), fold(s.name))]
        if not found and (number := decision_number_in(text)):
            found = [s for s in of_level if decision_number_in(s.legal_basis) == number]
        if len(found) > 1 and day is not None:
            found = [s for s in found if s.is_valid_on(day)] or found
        if len(found) == 1:
            row.matched("criteria_set", f"{found[0].code} – {found[0].legal_basis}")
            return found[0]
        row.fail(
            "criteria_set",
            _("Không có bộ tiêu chí «%(text)s» cho mức %(level)s. Các bộ: %(sets)s.")
            % {
                "text": text,
                "level": lower_first(Level(level).label),
                "sets": "; ".join(f"{s.code} ({s.legal_basis})" for s in of_level) or "—",
            },
        )
        return None

    # --- the file as a whole ---

    @staticmethod
    def _before_the_merger(read: list, places: Places) -> list:
        """A decision dated before 01/07/2025 recognised a unit of the three-tier map. A row that
        names today's xã instead (a name only today's map has) is taken for the one unit that xã
        was formed from, with a notice saying so; formed from several, it is refused naming
        them, since the decision could have been any one's. One query for the file."""
        today_named = {
            commune.pk
            for _row, commune, _level, _number, day, _set in read
            if commune.edition == Edition.TWO_TIER_2025 and day <= THREE_TIER_END
        }
        if not today_named:
            return read
        formed_from: dict[int, list[int]] = {}
        for successor, predecessor in CommuneLineage.objects.filter(
            successor__in=today_named, predecessor__isnull=False
        ).values_list("successor_id", "predecessor_id"):
            formed_from.setdefault(successor, []).append(predecessor)
        kept = []
        for row, commune, level, number, day, chosen in read:
            if commune.pk not in today_named:
                kept.append((row, commune, level, number, day, chosen))
                continue
            column = "commune_code" if row.value("commune_code") else "commune"
            old = [places.commune_by_pk[pk] for pk in sorted(set(formed_from.get(commune.pk, [])))]
            if len(old) == 1:
                row.matched(
                    column,
                    _(
                        "%(old)s — %(new)s hình thành từ xã này; quyết định ngày %(day)s ghi cho xã cũ"
                    )
                    % {
                        "old": places.describe(old[0], edition=Edition.THREE_TIER_2024),
                        "new": commune.name,
                        "day": f"{day:%d/%m/%Y}",
                    },
                )
                kept.append((row, replace(old[0], former_name=""), level, number, day, chosen))
                continue
            row.fail(
                column,
                _(
                    "%(new)s chỉ có từ 01/07/2025; quyết định ngày %(day)s công nhận một xã trước "
                    "sáp nhập: %(new)s hình thành từ %(old)s. Hãy ghi tên (và huyện) hoặc mã của "
                    "xã đó."
                )
                % {
                    "new": commune.name,
                    "day": f"{day:%d/%m/%Y}",
                    "old": "; ".join(
                        places.describe(unit, edition=Edition.THREE_TIER_2024) for unit in old
                    )
                    or "—",
                },
            )
        return kept

    @staticmethod
    def _in_scope(read: list, actor: User | None) -> None:
        """A province office records the decisions of its own province and of the provinces it
        was formed from (communes.access.keeps_history_of); admins and the command line, any."""
        if actor is None or actor.is_admin:
            return
        for row, commune, *_rest in read:
            if not keeps_history_of(actor, commune.province_id):
                row.fail(
                    "commune_code" if row.value("commune_code") else "commune",
                    _(
                        "%(name)s không thuộc tỉnh của bạn: chỉ nhập được quyết định của tỉnh "
                        "mình và các tỉnh trước 01/07/2025 hợp thành tỉnh mình."
                    )
                    % {"name": commune.name},
                )

    @staticmethod
    def _check(read: list, sets: list[CriteriaSet]) -> None:
        """Rows repeating a decision recorded already are unchanged (an exported list imports
        back); the others go through the service's check, its refusals on their cells."""
        read = [item for item in read if item[0].outcome.status != ERROR]
        communes = Commune.objects.only(
            "pk", "name", "kind", "province_id", "valid_from", "valid_to"
        ).in_bulk({item[1].pk for item in read})
        recorded = {
            (commune_id, level, number.lower(), day)
            for commune_id, level, number, day in Recognition.objects.filter(
                commune__in=list(communes)
            ).values_list("commune_id", "level", "decision_number", "decision_date")
        }
        papers: list[tuple[RowChecker, PaperRecognition]] = []
        for row, commune, level, number, day, chosen in read:
            row.outcome.label = (
                f"{commune.name} – {lower_first(Level(level).label)} – {number} ({day:%d/%m/%Y})"
            )
            if (commune.pk, level, number.lower(), day) in recorded:
                row.outcome.status = UNCHANGED
                continue
            default = (
                None if chosen or row.value("criteria_set") else set_in_force(sets, level, day)
            )
            if default:
                row.matched("criteria_set", f"{default.code} – {default.legal_basis}")
            papers.append(
                (
                    row,
                    PaperRecognition(
                        commune=communes[commune.pk],
                        level=level,
                        number=number,
                        day=day,
                        signer=row.value("signer"),
                        issuer=row.value("issuer"),
                        criteria_set=chosen,
                        line=row.outcome.row.number,
                    ),
                )
            )
        refused = recognitions_check(rows=[paper for _row, paper in papers])
        for index, (row, paper) in enumerate(papers):
            for name, reason in refused.get(index, {}).items():
                column = FIELD_COLUMNS.get(name) or (
                    "commune_code" if row.value("commune_code") else "commune"
                )
                row.fail(column, reason)
            if index not in refused:
                row.outcome.status = NEW
                row.outcome.payload = paper

    def apply(self, validation: Validation, *, actor: User | None, reason: str = "") -> None:
        written = [o for o in validation.outcomes if o.status == NEW and o.payload]
        if not written:
            return
        try:
            recognitions_record(rows=[o.payload for o in written], actor=actor)
        except RecognitionsRejected as rejected:
            # Checked a moment ago inside the same transaction: only a write that slipped in
            # between gets here. Nothing is kept; the first refusal says which row.
            index, errors = next(iter(rejected.errors.items()))
            raise RosterFileError(
                _("Dòng %(row)s: %(reason)s")
                % {"row": written[index].row.number, "reason": " ".join(errors.values())}
            ) from None

    def office_rows(self, rows: list) -> Iterator:
        # Every row was held to keeps_history_of while it was read: nothing is left to refuse.
        return iter(())
