"""Places in every roster, on the real map of three provinces in both editions: a code is looked
up in the edition the roster is about, narrowed by the province and name written; what is
really ambiguous names its candidates, with their edition and parents."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from communes.models import Commune, Edition
from communes.services import divisions_load
from ntm_portal.rosters.services import roster_validate_file

from .roster_files import workbook_bytes

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "divisions"
# Every 2025 xã of these three shares its (province, code) with a 2024 unit: 147 + 119 + 75,
# 143 of them with the same name too. Hà Nội 2024 has its twins (two Xã Tân Minh, …).
PROVINCES = ("Thanh Hóa", "Nghệ An", "Hà Nội")


@dataclass
class TwoMaps:
    xa_2025: list[Commune]  # the 2025 xã of the three provinces, by code


def _subset(edition: int, directory: Path) -> None:
    """The vendored edition cut down to PROVINCES, where divisions_load reads it."""
    data = json.loads((FIXTURES / f"edition-{edition}.json").read_text("utf-8"))
    provinces = [p for p in data["provinces"] if p["short_name"] in PROVINCES]
    codes = {p["code"] for p in provinces}
    districts = [d for d in data["districts"] if d["parent"] in codes]
    parents = {d["code"] for d in districts} or codes
    data.update(
        provinces=provinces,
        districts=districts,
        communes=[c for c in data["communes"] if c["parent"] in parents],
    )
    (directory / f"edition-{edition}.json").write_text(json.dumps(data, ensure_ascii=False))


@pytest.fixture
def two_maps(db, tmp_path) -> TwoMaps:
    for edition in (Edition.THREE_TIER_2024, Edition.TWO_TIER_2025):
        _subset(edition, tmp_path)
        divisions_load(edition=edition, fixture_dir=tmp_path)
    xa = Commune.objects.xa().of_edition(Edition.TWO_TIER_2025).select_related("province")
    return TwoMaps(xa_2025=list(xa.order_by("code")))


def validate(kind: str, rows: list[list[object]]):
    data = workbook_bytes(rows, title=None)
    return roster_validate_file(
        kind=kind, content=io.BytesIO(data), filename="danh-sach.xlsx", actor=None
    )


def errors_of(validation) -> list[tuple[int, str, str, str]]:
    return [
        (e["row"], e["column"], e["value"], e["reason"]) for e in validation.as_json()["errors"]
    ]


def _written(commune: Commune, index: int) -> tuple[str, object, str]:
    """(Tỉnh, Mã xã, Xã) as officials write them: the full name or the short one, the code as
    text or as a number that lost its leading zeros, the name with or without «Xã»."""
    province = commune.province.name if index % 2 else commune.province.short_name
    code: object = commune.code if index % 3 else int(commune.code)
    name = commune.name if index % 5 else commune.short_name
    return province, code, name


def test_a_realistic_roster_of_2025_xa_by_province_name_and_code_refuses_none(two_maps):
    """1,000 village rows of the 2025 xã whose (province, code) also names a 2024 unit."""
    assert len(two_maps.xa_2025) == 341
    rows = [["Tỉnh", "Mã xã", "Xã", "Tên thôn"]]
    for index in range(1000):
        commune = two_maps.xa_2025[index % len(two_maps.xa_2025)]
        rows.append([*_written(commune, index), f"Thôn {index // len(two_maps.xa_2025) + 1}"])
    validation = validate("villages", rows)
    refused = [outcome for outcome in validation.outcomes if outcome.status == "error"]
    assert len(refused) == 0, errors_of(validation)[:3]
    found = [outcome.payload[0] for outcome in validation.outcomes]
    assert found == [two_maps.xa_2025[i % 341].pk for i in range(1000)]


def test_the_realistic_roster_costs_the_same_queries_as_a_small_one(two_maps):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(count: int) -> int:
        rows = [["Tỉnh", "Mã xã", "Xã", "Tên thôn"]]
        for index in range(count):
            commune = two_maps.xa_2025[index % len(two_maps.xa_2025)]
            rows.append([*_written(commune, index), f"Thôn {index}"])
        with CaptureQueriesContext(connection) as captured:
            assert validate("villages", rows).counts["error"] == 0
        return len(captured.captured_queries)

    assert queries(1000) == queries(10)


# --- Codes: the roster's edition, narrowed by the name -------------------------------------------

# 14848 is Xã Tam Chung of Thanh Hóa in both editions (Huyện Mường Lát in 2024); 14872 is Xã
# Trung Thành in 2025 and was Xã Thành Sơn (Huyện Quan Hóa) in 2024.
TAM_CHUNG, TRUNG_THANH = "14848", "14872"


def _unit(code: str, edition: int) -> Commune:
    return Commune.objects.get(code=code, edition=edition)


def test_a_code_and_name_that_fit_only_the_2024_unit_find_it_and_say_so(two_maps):
    validation = validate(
        "villages",
        [
            ["Tỉnh", "Mã xã", "Xã", "Tên thôn"],
            ["Thanh Hóa", TRUNG_THANH, "Thành Sơn", "Bản Một"],
            # 15796 is Xã Thiệu Quang today, Xã Thiệu Giang before: the name as written in
            # either edition comes before a slip of a letter or two in today's.
            ["Thanh Hóa", "15796", "Thiệu Giang", "Bản Hai"],
        ],
    )
    assert errors_of(validation) == []
    old = _unit(TRUNG_THANH, Edition.THREE_TIER_2024)
    assert [o.payload[0] for o in validation.outcomes] == [old.pk, _unit("15796", 2024).pk]
    assert validation.outcomes[0].matches == [
        (
            "Mã xã",
            TRUNG_THANH,
            f"Xã Thành Sơn – Huyện Quan Hóa, mã {TRUNG_THANH} (trước 01/07/2025)",
        )
    ]


def test_a_code_whose_name_fits_neither_edition_is_refused_naming_both(two_maps):
    validation = validate(
        "villages",
        [["Tỉnh", "Mã xã", "Xã", "Tên thôn"], ["Thanh Hóa", TRUNG_THANH, "Phú Lệ", "Bản Một"]],
    )
    assert errors_of(validation) == [
        (
            2,
            "Mã xã",
            TRUNG_THANH,
            f"Mã {TRUNG_THANH} là Xã Trung Thành – Tỉnh Thanh Hóa, mã {TRUNG_THANH} "
            "(từ 01/07/2025) hoặc Xã Thành Sơn – Huyện Quan Hóa – Tỉnh Thanh Hóa, mã "
            f"{TRUNG_THANH} (trước 01/07/2025), không phải «Phú Lệ»: hãy kiểm tra lại mã hoặc tên.",
        )
    ]


def test_a_code_of_another_province_says_whose_it_is(two_maps):
    validation = validate(
        "villages",
        [["Tỉnh", "Mã xã", "Xã", "Tên thôn"], ["Nghệ An", TAM_CHUNG, "", "Bản Một"]],
    )
    assert errors_of(validation) == [
        (
            2,
            "Mã xã",
            TAM_CHUNG,
            f"Không có xã nào mang mã {TAM_CHUNG} trong tỉnh Nghệ An. Mã này là của Xã Tam "
            f"Chung – Tỉnh Thanh Hóa, mã {TAM_CHUNG} (từ 01/07/2025) hoặc Xã Tam Chung – Huyện "
            f"Mường Lát – Tỉnh Thanh Hóa, mã {TAM_CHUNG} (trước 01/07/2025).",
        )
    ]


def test_a_misspelt_name_beside_its_code_is_a_slip_not_a_refusal(two_maps):
    validation = validate(
        "villages",
        [["Tỉnh", "Mã xã", "Xã", "Tên thôn"], ["Thanh Hóa", TAM_CHUNG, "Tam Trung", "Bản Một"]],
    )
    assert errors_of(validation) == []
    assert validation.outcomes[0].payload[0] == _unit(TAM_CHUNG, Edition.TWO_TIER_2025).pk


# --- Names: several units of one name in one province --------------------------------------------


def test_twins_in_one_province_are_told_apart_by_the_old_district_or_the_code(two_maps):
    # Hà Nội had two Xã Tân Minh in 2024 (Sóc Sơn 00406, Thường Tín 10240) and has none today;
    # Thanh Hóa had two Xã Đông Khê in one district (16387, 16408): only the code tells them.
    header = ["Tỉnh", "Huyện", "Mã xã", "Xã", "Tên thôn"]
    validation = validate(
        "villages",
        [
            header,
            ["Hà Nội", "", "", "Tân Minh", "Thôn 1"],
            ["Hà Nội", "Sóc Sơn", "", "Tân Minh", "Thôn 2"],
            ["Hà Nội", "", "10240", "Tân Minh", "Thôn 3"],
            ["Thanh Hóa", "", "", "Xã Đông Khê", "Thôn 4"],
            ["Thanh Hóa", "", "16408", "Xã Đông Khê", "Thôn 5"],
            # Phù Đổng is a xã in both editions, under two codes: the roster's edition decides.
            ["Hà Nội", "", "", "Phù Đổng", "Thôn 6"],
            ["Hà Nội", "Gia Lâm", "", "Phù Đổng", "Thôn 7"],
        ],
    )
    assert errors_of(validation) == [
        (
            2,
            "Xã",
            "Tân Minh",
            "Tên «Tân Minh» ứng với 2 xã: Xã Tân Minh – Huyện Sóc Sơn – Thành phố Hà Nội, mã "
            "00406 (trước 01/07/2025); Xã Tân Minh – Huyện Thường Tín – Thành phố Hà Nội, mã "
            "10240 (trước 01/07/2025). Hãy ghi thêm huyện (với xã trước 01/07/2025) hoặc ghi mã "
            "xã.",
        ),
        (
            5,
            "Xã",
            "Xã Đông Khê",
            "Tên «Xã Đông Khê» ứng với 2 xã: Xã Đông Khê – Thành phố Thanh Hóa – Tỉnh Thanh "
            "Hóa, mã 16387 (trước 01/07/2025); Xã Đông Khê – Thành phố Thanh Hóa – Tỉnh Thanh "
            "Hóa, mã 16408 (trước 01/07/2025). Hãy ghi mã xã.",
        ),
    ]
    found = {
        o.row.number: Commune.objects.get(pk=o.payload[0]) for o in validation.outcomes if o.payload
    }
    assert {number: (unit.code, unit.edition) for number, unit in found.items()} == {
        3: ("00406", 2024),
        4: ("10240", 2024),
        6: ("16408", 2024),
        7: ("00541", 2025),
        8: ("00544", 2024),
    }


# --- Every roster that names a commune: a 2025 code shared with a 2024 unit ---------------------


def test_evaluations_find_the_unit_of_the_period(two_maps):
    from .factories import small_catalogue

    small_catalogue()
    header = ["Tỉnh", "Mã xã", "Xã", "Bộ tiêu chí", "Năm", "Kỳ", "Chỉ tiêu", "Giá trị"]
    periods = [(2024, "Cả năm"), (2025, "6 tháng đầu năm"), (2025, "6 tháng cuối năm"), (2026, "")]
    validation = validate(
        "evaluations",
        [
            header,
            *(
                ["Tỉnh Thanh Hóa", TAM_CHUNG, "Xã Tam Chung", "QD318-THU", year, half, "1.1", "Đạt"]
                for year, half in periods
            ),
        ],
    )
    assert errors_of(validation) == []
    old, new = _unit(TAM_CHUNG, 2024).pk, _unit(TAM_CHUNG, 2025).pk
    assert [o.payload.period[0] for o in validation.outcomes] == [old, old, new, new]


def test_commune_groups_find_the_2025_xa(two_maps):
    validation = validate(
        "commune_groups",
        [
            ["Tỉnh", "Mã xã", "Xã", "Nhóm", "Số quyết định", "Ngày quyết định"],
            ["Thanh Hóa", TAM_CHUNG, "Tam Chung", "3", "5/QĐ-UBND", "10/03/2026"],
            ["Thanh Hóa", TRUNG_THANH, "Thành Sơn", "3", "5/QĐ-UBND", "10/03/2026"],
        ],
    )
    assert errors_of(validation) == [
        (
            3,
            "Mã xã",
            TRUNG_THANH,
            "Xã Thành Sơn là đơn vị trước 01/07/2025 (tỉnh – huyện – xã): nhóm xã chỉ xác định "
            "cho xã từ 01/07/2025.",
        )
    ]
    assert validation.outcomes[0].payload.commune_id == _unit(TAM_CHUNG, 2025).pk


def test_assignments_find_the_unit_of_their_start(two_maps):
    from communes.models import Province

    from .factories import AgencyFactory

    province = Province.objects.get(edition=2025, short_name="Thanh Hóa")
    AgencyFactory(province=province, name="Hội Nông dân tỉnh Thanh Hóa")
    header = ["Cơ quan", "Tỉnh", "Mã xã", "Xã", "Hình thức", "Từ ngày", "Đến ngày"]
    agency = "Hội Nông dân tỉnh Thanh Hóa"
    validation = validate(
        "assignments",
        [
            header,
            [agency, "Thanh Hóa", TAM_CHUNG, "Tam Chung", "Đỡ đầu", "01/01/2020", "30/06/2025"],
            [agency, "Thanh Hóa", TAM_CHUNG, "Tam Chung", "Đỡ đầu", "01/09/2025", ""],
        ],
    )
    assert errors_of(validation) == []
    assert [o.payload.commune_id for o in validation.outcomes] == [
        _unit(TAM_CHUNG, 2024).pk,
        _unit(TAM_CHUNG, 2025).pk,
    ]


def test_users_are_given_today_s_xa(two_maps):
    validation = validate(
        "users",
        [
            ["Tên đăng nhập", "Email", "Vai trò", "Tỉnh", "Mã xã", "Xã"],
            ["xa.tamchung", "tc@example.vn", "Cán bộ xã", "Tỉnh Thanh Hóa", TAM_CHUNG, "Tam Chung"],
            ["xa.cu", "cu@example.vn", "Cán bộ xã", "Thanh Hóa", TRUNG_THANH, "Thành Sơn"],
            # The row: 17479 is Xã An Châu today, Xã Diễn Thịnh before.
            ["xa.anchau", "ac@example.vn", "Cán bộ xã", "Nghệ An", "17479", ""],
        ],
    )
    assert errors_of(validation) == []
    assert [o.payload[2]["commune_id"] for o in validation.outcomes] == [
        _unit(TAM_CHUNG, 2025).pk,
        _unit(TRUNG_THANH, 2024).pk,
        _unit("17479", 2025).pk,
    ]


# --- A merged province: today's name holds the old units of the provinces it was formed from ----


def test_today_s_province_holds_the_old_communes_of_the_provinces_it_was_formed_from(
    world, reorganised
):
    from communes.models import CommuneLineage, LineageKind

    from .conftest import REORGANISED_ON
    from .factories import CommuneFactory

    # Xã Quảng Hưng was in Quảng Bình, which became part of today's Quảng Trị; it went wholly
    # into today's Xã Quảng Phú.
    quang_hung = CommuneFactory(
        district__province=reorganised.neighbour, short_name="Quảng Hưng", name="Xã Quảng Hưng"
    )
    CommuneLineage.objects.create(
        predecessor=quang_hung,
        successor=reorganised.quang_phu,
        kind=LineageKind.WHOLE,
        effective_on=REORGANISED_ON,
        source="test",
    )
    villages = validate(
        "villages",
        [["Tỉnh", "Mã xã", "Xã", "Tên thôn"], ["Tỉnh Quảng Trị", "", "Quảng Hưng", "Thôn Một"]],
    )
    assert errors_of(villages) == []
    assert villages.outcomes[0].label == "Thôn Một – Xã Quảng Phú (tên cũ: Xã Quảng Hưng)"
    users = validate(
        "users",
        [
            ["Tên đăng nhập", "Email", "Vai trò", "Tỉnh", "Mã xã", "Xã"],
            ["xa.quanghung", "qh@example.vn", "Cán bộ xã", "Quảng Trị", quang_hung.code, ""],
        ],
    )
    assert errors_of(users) == []
    assert users.outcomes[0].payload[2]["commune_id"] == quang_hung.pk
    assert users.outcomes[0].matches[0][2].endswith("(trước 01/07/2025)")
