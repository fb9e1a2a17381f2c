"""The roster of villages (thôn, bản, ấp, tổ dân phố) of each commune, which no package lists,
and the place columns and commune lookup that every roster naming a commune shares."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes.models import Commune, CommuneLineage, Village
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
from ntm_portal.text import fold, nfc

from .places import NotMatched, Places, Unit

# The kinds as officials write them (folded, in Vietnamese whatever the interface's language);
# the labels shown are translated, these are not.
KIND_WORDS = {
    "thon": Village.Kind.THON,
    "ban": Village.Kind.BAN,
    "ap": Village.Kind.AP,
    "lang": Village.Kind.LANG,
    "xom": Village.Kind.XOM,
    "buon": Village.Kind.BUON,
    "bon": Village.Kind.BON,
    "plei": Village.Kind.PLEI,
    "ploi": Village.Kind.PLEI,
    "phum": Village.Kind.PHUM,
    "soc": Village.Kind.SOC,
    "khom": Village.Kind.KHOM,
    "khu": Village.Kind.KHU,
    "to": Village.Kind.TO,
    "to dan pho": Village.Kind.RESIDENTIAL_GROUP,
    "tdp": Village.Kind.RESIDENTIAL_GROUP,
    "khu pho": Village.Kind.QUARTER,
    "kp": Village.Kind.QUARTER,
}
KIND_NAMES = (
    "Thôn, Bản, Ấp, Làng, Xóm, Buôn, Bon, Plei, Phum, Sóc, Khóm, Khu, Tổ, Tổ dân phố, Khu phố"
)


# The words a village's name may begin with, with their diacritics ("Tô Hạp" is no "Tổ"),
# the longest first so that "Khu phố 2" is not a "Khu".
NAME_WORDS = sorted(
    ((word.lower(), KIND_WORDS[fold(word)]) for word in KIND_NAMES.split(", ")),
    key=lambda item: -len(item[0]),
)


def kind_in_name(name: str) -> str | None:
    """The kind a village's name begins with: "Xóm Đông" is a xóm, "Tổ dân phố 3" a tổ dân
    phố, "Bản Xa Doan" a bản."""
    text = nfc(name).lower()
    for word, kind in NAME_WORDS:
        if text == word or text.startswith(word + " "):
            return kind
    return None


PLACE_COLUMNS = [
    Column(
        "province",
        "Tỉnh",
        aliases=["Tỉnh/thành phố", "Tỉnh, thành phố"],
        example="Tỉnh Quảng Trị",
        help=gettext_lazy(
            "Tên tỉnh, có hay không có chữ «Tỉnh», «Thành phố», «TP.» («Tỉnh Quảng Trị», «Quảng "
            "Trị», «TP. Huế»): xã được tìm trong tỉnh này."
        ),
    ),
    Column(
        "district",
        "Huyện",
        aliases=["Huyện/thị xã", "Quận/huyện", "Huyện, thị xã, thành phố"],
        example="Huyện Hướng Hóa",
        help=gettext_lazy(
            "Chỉ cho xã trước 01/07/2025: tên huyện, thị xã, thành phố thuộc tỉnh («Huyện Hướng "
            "Hóa», «Hướng Hóa», «TX. Quảng Trị»). Từ 01/07/2025 không còn huyện: để trống."
        ),
    ),
    Column(
        "commune_code",
        "Mã xã",
        aliases=["Mã đơn vị", "Mã xã/phường"],
        example="10144",
        help=gettext_lazy(
            "Mã đơn vị hành chính của xã, phường (5 chữ số; Excel bỏ số 0 đầu cũng được). Có mã "
            "thì không cần tên xã; ghi cả hai thì tên phải là tên của xã mang mã đó."
        ),
    ),
    Column(
        "commune",
        "Xã",
        aliases=["Tên xã", "Xã/phường", "Xã, phường, thị trấn"],
        example="Xã Ba Tầng",
        help=gettext_lazy(
            "Tên xã, phường, thị trấn, có hay không có chữ «Xã», «Phường», «TT.» («Xã Ba Tầng», "
            "«Ba Tầng»), không phân biệt hoa thường và dấu gõ theo kiểu nào. Cần khi không ghi mã xã."
        ),
    ),
]


@rosters.register
class VillageRoster(Roster):
    kind = "villages"
    label = gettext_lazy("Thôn, bản")
    position = 10
    office_may_use = True
    title = gettext_lazy("Danh sách thôn, bản")
    columns = [
        *PLACE_COLUMNS,
        Column(
            "name",
            "Tên thôn",
            required=True,
            aliases=["Thôn", "Thôn/bản", "Tên thôn/bản", "Tên thôn, bản"],
            example="Bản Xa Doan",
            help=gettext_lazy(
                "Tên thôn như địa phương viết («Bản Xa Doan», «Xóm 3», «Thôn Tân Hòa»); thôn đã có "
                "trong xã được nhận theo tên này."
            ),
        ),
        Column(
            "kind",
            "Loại",
            aliases=["Loại thôn"],
            example="Bản",
            help=gettext_lazy(
                "Loại thôn, ghi như địa phương vẫn gọi: Thôn, Bản, Ấp, Làng, Xóm, Buôn, Bon, "
                "Plei, Phum, Sóc, Khóm, Khu, Tổ, Tổ dân phố (TDP), Khu phố. Để trống: theo chữ "
                "đầu của tên («Xóm Đông» là xóm), không có thì là Thôn; thôn đã có giữ loại cũ."
            ),
        ),
        Column(
            "code",
            "Mã thôn",
            example="BT-01",
            help=gettext_lazy(
                "Mã riêng của thôn trong xã (nếu tỉnh có đặt), không trùng giữa hai thôn của một "
                "xã. Để trống: thôn đã có giữ mã cũ."
            ),
        ),
    ]
    instructions = [
        gettext_lazy("Mỗi dòng là một thôn (bản, ấp, làng, xóm, buôn, phum, sóc, tổ dân phố, …)."),
        gettext_lazy(
            "Xã được tìm theo mã xã, hoặc theo tên xã trong tỉnh (và huyện, với xã trước "
            "01/07/2025) ghi trên cùng dòng, trong danh mục từ 01/07/2025; xã chỉ có trước "
            "01/07/2025 (ghi huyện, hoặc tên, mã chỉ có khi đó) được tìm trong danh mục cũ."
        ),
        gettext_lazy(
            "Thôn đã có (cùng xã, cùng tên) được cập nhật loại và mã; ô để trống giữ giá trị đã có; thôn chưa có được thêm mới."
        ),
        gettext_lazy(
            "Loại: Thôn, Bản, Ấp, Làng, Xóm, Buôn, Bon, Plei, Phum, Sóc, Khóm, Khu, Tổ, Tổ dân "
            "phố, Khu phố, giữ đúng chữ đã ghi; để trống thì theo chữ đầu của tên thôn, không có "
            "thì là Thôn."
        ),
        gettext_lazy(
            "Xã ghi theo tên cũ (trước 01/07/2025) mà không ghi huyện là xã mới hình thành từ xã đó; ghi cả huyện là xã cũ."
        ),
    ]
    examples = [
        ["Tỉnh Quảng Trị", "Huyện Hướng Hóa", "", "Xã Ba Tầng", "Bản Xa Doan", "Bản", ""],
        ["Quảng Trị", "Hướng Hóa", "", "Ba Tầng", "Bản Vầng", "Bản", "BT-02"],
    ]

    def validate_rows(
        self, rows: list[RowChecker], *, actor: User | None, progress: Progress
    ) -> None:
        places = Places()
        located = []
        for row in rows:
            name = row.required("name")
            # "" until known: a blank cell keeps an existing village's kind (below).
            kind = ""
            if row.value("kind"):
                kind = KIND_WORDS.get(fold(row.value("kind")))
                if kind is None:
                    row.fail(
                        "kind",
                        _("Loại thôn «%(kind)s» không có trong danh mục: ghi một trong %(kinds)s.")
                        % {"kind": row.value("kind"), "kinds": KIND_NAMES},
                    )
            commune = locate_commune(row, places, follow_lineage=True)
            if commune and name and kind is not None:
                located.append((row, commune, name, kind))
        duplicate_check([(row, (commune.pk, fold(name))) for row, commune, name, _k in located])
        duplicate_check(
            [
                (row, (commune.pk, row.value("code")))
                for row, commune, _n, _k in located
                if row.value("code")
            ],
            "code",
        )
        communes = {commune.pk for _row, commune, _n, _k in located}
        existing = {
            (village.commune_id, village.search_name): village
            for village in Village.objects.filter(commune_id__in=communes)
        }
        codes = {
            (commune_id, code): name
            for commune_id, code, name in Village.objects.filter(commune_id__in=communes)
            .exclude(code="")
            .values_list("commune_id", "code", "search_name")
        }
        total = len(located)
        for index, (row, commune, name, kind) in enumerate(located, start=1):
            report_progress(progress, index, total)
            if row.outcome.status == ERROR:
                continue
            code = row.value("code")
            village = existing.get((commune.pk, fold(name)))
            holder = codes.get((commune.pk, code)) if code else None
            if holder and holder != fold(name):
                row.fail("code", _("Mã thôn này đã dùng cho thôn khác của xã."))
                continue
            row.outcome.label = f"{name} – {commune.name}" + (
                _(" (tên cũ: %(name)s)") % {"name": commune.former_name}
                if commune.former_name
                else ""
            )
            if village is None:
                kind = kind or kind_in_name(name) or Village.Kind.THON
                row.outcome.status = NEW
            else:
                # Blank cells keep what the portal has.
                kind, code = kind or village.kind, code or village.code
                labels = dict(Village.Kind.choices)
                changed = row.compare("kind", village.kind, kind, labels)
                changed = row.compare("code", village.code, code) or changed
                row.outcome.status = UPDATED if changed else UNCHANGED
            row.outcome.payload = (commune.pk, name, kind, code, village.pk if village else None)

    def office_rows(self, rows: list[RowChecker]) -> Iterator[tuple[RowChecker, str, int | None]]:
        return rows_in_provinces(
            (row, commune_column(row), row.outcome.payload[0])
            for row in rows
            if row.outcome.payload
        )

    def apply(self, validation: Validation, *, actor: User | None, reason: str = "") -> None:
        new, changed = [], []
        for outcome in validation.outcomes:
            if outcome.status not in (NEW, UPDATED):
                continue
            commune_id, name, kind, code, pk = outcome.payload
            village = Village(pk=pk, commune_id=commune_id, name=name, kind=kind, code=code)
            village.refresh_search_name()
            (changed if pk else new).append(village)
        Village.objects.bulk_create(new, batch_size=1000)
        Village.objects.bulk_update(changed, ["kind", "code"], batch_size=1000)


def locate_commune(
    row: RowChecker,
    places: Places,
    *,
    code_key: str = "commune_code",
    name_key: str = "commune",
    district_key: str = "district",
    province_key: str = "province",
    follow_lineage: bool = False,
    edition: int | None = None,
    seen: dict | None = None,
) -> Unit | None:
    """The row's commune from its code or its name within the district and province written,
    in the edition the row is about (`edition`: today's when None; see `Places`), the other
    edition's only when the row names a place that is only there (with `follow_lineage`, an
    old name without its district finds today's commune).

    Every roster naming a commune finds it here: one rule and one wording for every refusal.

    `seen`, a dict kept for one file, answers a place written again as it was answered the
    first time (the same unit, the same errors and matches on the row): a roster of values
    names each commune once per indicator, fifty times over."""
    keys = dict(
        code_key=code_key,
        name_key=name_key,
        district_key=district_key,
        province_key=province_key,
        follow_lineage=follow_lineage,
        edition=edition,
    )
    if seen is None:
        return _locate_commune(row, places, **keys)
    key = (
        tuple(row.value(key) for key in (province_key, district_key, code_key, name_key)),
        follow_lineage,
        edition,
    )
    outcome = row.outcome
    if key in seen:
        found, errors, matches = seen[key]
        if errors:
            outcome.status = ERROR
            outcome.errors.extend(errors)
        outcome.matches.extend(matches)
        return found
    errors_before, matches_before = len(outcome.errors), len(outcome.matches)
    found = _locate_commune(row, places, **keys)
    seen[key] = (found, outcome.errors[errors_before:], outcome.matches[matches_before:])
    return found


def _locate_commune(
    row: RowChecker,
    places: Places,
    *,
    code_key: str,
    name_key: str,
    district_key: str,
    province_key: str,
    follow_lineage: bool,
    edition: int | None,
) -> Unit | None:
    province = district = None
    try:
        province = places.province(name=row.value(province_key), edition=edition)
    except NotMatched as error:
        row.fail(province_key, str(error))
        return None
    try:
        district = places.district(name=row.value(district_key), province=province, edition=edition)
    except NotMatched as error:
        row.fail(district_key, str(error))
        return None
    code, name = row.value(code_key), row.value(name_key)
    if not code and not name:
        row.fail(name_key, _("Cần ghi mã xã hoặc tên xã."))
        return None
    try:
        found = places.commune(
            code=code,
            name=name,
            province=province,
            district=district,
            edition=edition,
            follow_lineage=follow_lineage,
        )
    except NotMatched as error:
        row.fail(code_key if code else name_key, str(error))
        return None
    if found is not None:
        row.matched(code_key if code else name_key, places.describe(found, edition=edition))
    return found


def refuse_units_not_in_force(checks: Iterable[tuple[RowChecker, int, str, date]]) -> None:
    """Fail each (row, commune id, column, day) whose commune did not exist that day, with the
    words of `Commune.absence_on` ("… đã sáp nhập vào Xã Lìa từ 01/07/2025"); a row fails once.
    Two queries for the whole file."""
    checks = list(checks)
    communes = Commune.objects.only("pk", "name", "valid_from", "valid_to").in_bulk(
        {pk for _row, pk, _column, _day in checks}
    )
    absent, failed = [], set()
    for row, pk, column, day in checks:
        if id(row) not in failed and communes[pk].absence_on(day, successors=()):
            absent.append((row, communes[pk], column, day))
            failed.add(id(row))
    successors = CommuneLineage.objects.successors_of({commune.pk for _r, commune, *_ in absent})
    for row, commune, column, day in absent:
        row.fail(column, commune.absence_on(day, successors=successors.get(commune.pk, [])))


def rows_in_provinces(
    rows: Iterable[tuple[RowChecker, str, int]],
) -> Iterator[tuple[RowChecker, str, int | None]]:
    """(row, column, commune id) → (row, column, the commune's province id): what a roster says
    of its rows to `Roster.office_rows`, one query for the whole file."""
    rows = list(rows)
    provinces = dict(
        Commune.objects.filter(pk__in={pk for _row, _column, pk in rows}).values_list(
            "pk", "province_id"
        )
    )
    for row, column, pk in rows:
        yield row, column, provinces.get(pk)


def commune_column(row: RowChecker) -> str:
    """The column a row names its commune in: the name, or the code alone."""
    return "commune" if row.value("commune") else "commune_code"
