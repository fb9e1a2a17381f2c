"""The roster of recognitions decided on paper before the portal, on the real map of Quảng Trị and
Quảng Bình (merged on 01/07/2025) in both editions with their lineage: every row goes through the
one service that records a paper recognition, all or nothing, in a constant number of queries."""

from __future__ import annotations

import io
import json
import shutil
import time
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communes.models import Commune, Edition
from communes.services import divisions_load, lineage_load
from criteria.catalogue import catalogue_load
from criteria.models import CommuneSummary, CriteriaSet, Recognition
from criteria.recognition import recognition_record
from ntm_portal.models import RosterImport
from ntm_portal.rosters import roster_for
from ntm_portal.rosters.services import roster_validate_file
from ntm_portal.tasks import validate_roster

from .factories import UserFactory
from .roster_files import nfd, workbook_bytes

ROOT = Path(__file__).resolve().parent.parent
DIVISIONS = ROOT / "fixtures" / "divisions"
# Quảng Bình went into Quảng Trị on 01/07/2025; Phú Yên into Đắk Lắk, whose Xã Krông Na is today's
# Xã Buôn Đôn, a name the three-tier map did not have.
QUANG_TRI = {Edition.THREE_TIER_2024: ("Quảng Trị", "Quảng Bình"), 2025: ("Quảng Trị",)}
DAK_LAK = {Edition.THREE_TIER_2024: ("Đắk Lắk", "Phú Yên"), 2025: ("Đắk Lắk",)}
SETS = ("qd1980-2016-xa-ntm.json", "qd318-2022-xa-ntm.json", "qd318-2022-xa-nang-cao.json")
HEADER = [
    "Tỉnh",
    "Huyện",
    "Xã",
    "Mã xã",
    "Mức",
    "Số quyết định",
    "Ngày quyết định",
    "Cơ quan ban hành",
    "Bộ tiêu chí",
    "Người ký",
]
ROWS = 346
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _subset(edition: int, directory: Path, names: dict[int, tuple[str, ...]]) -> set[str]:
    """The vendored edition cut down to the provinces named; the codes of its units."""
    data = json.loads((DIVISIONS / f"edition-{edition}.json").read_text("utf-8"))
    provinces = [p for p in data["provinces"] if p["short_name"] in names[edition]]
    codes = {p["code"] for p in provinces}
    districts = [d for d in data["districts"] if d["parent"] in codes]
    parents = {d["code"] for d in districts} or codes
    communes = [c for c in data["communes"] if c["parent"] in parents]
    data.update(provinces=provinces, districts=districts, communes=communes)
    (directory / f"edition-{edition}.json").write_text(json.dumps(data, ensure_ascii=False))
    return {p["code"] for p in provinces} | {c["code"] for c in communes}


def load_map(directory: Path, names: dict[int, tuple[str, ...]]) -> dict[int, list[Commune]]:
    """Both editions of the provinces named, the lineage between them, and the national sets of
    2016–2025; the xã of each edition, by code."""
    loaded = {}
    for edition in (Edition.THREE_TIER_2024, Edition.TWO_TIER_2025):
        loaded[edition] = _subset(edition, directory, names)
        divisions_load(edition=edition, fixture_dir=directory)
    lineage = json.loads((DIVISIONS / "lineage-2025.json").read_text("utf-8"))
    old, new = loaded[Edition.THREE_TIER_2024], loaded[Edition.TWO_TIER_2025]
    lineage["districts"] = []
    for key in ("provinces", "communes"):
        lineage[key] = [r for r in lineage[key] if r["old"] in old and r["new"] in new]
    (directory / "lineage-2025.json").write_text(json.dumps(lineage, ensure_ascii=False))
    lineage_load(fixture_dir=directory)
    sets = directory / "sets"
    sets.mkdir()
    for name in SETS:
        shutil.copy(ROOT / "fixtures" / "criteria" / name, sets)
    catalogue_load(directory=sets)
    xa = Commune.objects.xa().select_related("province", "district").order_by("code")
    return {edition: list(xa.filter(edition=edition)) for edition in Edition.values}


@pytest.fixture
def quang_tri(db, tmp_path) -> dict[int, list[Commune]]:
    return load_map(tmp_path, QUANG_TRI)


@pytest.fixture
def dak_lak(db, tmp_path) -> dict[int, list[Commune]]:
    return load_map(tmp_path, DAK_LAK)


def _row(commune: Commune, index: int, level: str, number: str, day: date) -> list[object]:
    """As offices write them: the full or short province, the code as text or as a number that
    lost its leading zeros, the name with or without «Xã», a date cell or dd/mm/yyyy."""
    province = commune.province.name if index % 2 else commune.province.short_name
    code: object = commune.code if index % 3 else int(commune.code)
    name = commune.name if index % 5 else commune.short_name
    written_day: object = day if index % 4 else f"{day:%d/%m/%Y}"
    return [province, "", name, code, level, number, written_day, "", "", ""]


def realistic_rows(xa: dict[int, list[Commune]]) -> list[list[object]]:
    """346 rows: every xã of 2024 recognised NTM between 2014 and 2024 (a decision for about ten
    xã at a time), the first of them nâng cao in 2023–2024, and every xã of 2025 in 2026."""
    old, new = xa[Edition.THREE_TIER_2024], xa[Edition.TWO_TIER_2025]
    advanced = ROWS - len(old) - len(new)
    assert advanced > 0, (len(old), len(new))
    rows = []
    for index, commune in enumerate(old):
        decision = index // 10
        day = date(2014 + decision % 11, 12, 1 + decision % 28)
        rows.append(_row(commune, index, "NTM", f"{100 + decision}/QĐ-UBND", day))
    for index, commune in enumerate(old[:advanced]):
        decision = index // 10
        day = date(2023 + decision % 2, 11, 1 + decision)
        rows.append(_row(commune, index, "NTM nâng cao", f"{700 + decision}/QĐ-UBND", day))
    for index, commune in enumerate(new):
        decision = index // 10
        day = date(2026, 3 + decision, 5)
        rows.append(_row(commune, index, "Nông thôn mới", f"{900 + decision}/QĐ-UBND", day))
    return rows


def validate(rows: list[list[object]], actor=None):
    data = workbook_bytes([HEADER, *rows], title=None)
    return roster_validate_file(
        kind="recognitions", content=io.BytesIO(data), filename="cong-nhan.xlsx", actor=actor
    )


def errors_of(validation) -> list[tuple[int, str, str, str]]:
    return [
        (e["row"], e["column"], e["value"], e["reason"]) for e in validation.as_json()["errors"]
    ]


def counted_import(rows: list[list[object]], actor) -> tuple[int, int]:
    """The queries of checking and of writing a file, the writes rolled back afterwards."""
    with transaction.atomic():
        with CaptureQueriesContext(connection) as checking:
            validation = validate(rows)
        assert errors_of(validation) == []
        with CaptureQueriesContext(connection) as writing:
            roster_for("recognitions").apply(validation, actor=actor)
        assert Recognition.objects.count() == len(rows)
        transaction.set_rollback(True)
    return len(checking), len(writing)


def test_346_recognitions_import_in_one_go_through_preview_and_confirm(
    client, quang_tri, django_capture_on_commit_callbacks
):
    admin = UserFactory(role="admin", province=None)
    rows = realistic_rows(quang_tri)
    assert len(rows) == ROWS
    old_first = quang_tri[Edition.THREE_TIER_2024][0].code
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("rosters:import_new"),
            {
                "kind": "recognitions",
                "file": SimpleUploadedFile(
                    "công-nhận.xlsx", workbook_bytes([HEADER, *rows]), content_type=XLSX
                ),
            },
        )
    assert response.status_code == 302, response.content
    record = RosterImport.objects.latest("pk")
    started = time.perf_counter()
    validate_roster(record.pk)
    checked = time.perf_counter() - started
    record.refresh_from_db()
    assert (record.new_count, record.error_count) == (ROWS, 0), record.result
    page = client.get(reverse("rosters:import_detail", args=[record.pk])).content.decode()
    assert "Xác nhận nhập" in page
    assert Recognition.objects.count() == 0  # the preview writes nothing

    started = time.perf_counter()
    response = client.post(reverse("rosters:import_confirm", args=[record.pk]), follow=True)
    confirmed = time.perf_counter() - started
    assert "Đã nhập xong" in response.content.decode()
    print(f"\n346 rows: checked in {checked:.2f} s, confirmed in {confirmed:.2f} s")

    assert Recognition.objects.count() == ROWS
    assert set(Recognition.objects.values_list("source", "recorded_by")) == {
        (Recognition.Source.PAPER, admin.pk)
    }
    first = quang_tri[Edition.THREE_TIER_2024][30]  # decision 3: 103/QĐ-UBND of 2017
    recorded = Recognition.objects.filter(commune=first).order_by("decision_date")
    ntm, advanced = recorded
    assert (ntm.level, ntm.decision_number, ntm.decision_date) == (
        Recognition.Level.NTM,
        "103/QĐ-UBND",
        date(2017, 12, 4),
    )
    # The default issuer is the People's Committee of the commune's province of the time, and
    # the set the one in force on the decision's day for its level.
    assert ntm.issuer == f"UBND {first.province.name[0].lower()}{first.province.name[1:]}"
    assert ntm.criteria_set.code == "QD1980-2016-XA-NTM"
    assert advanced.level == Recognition.Level.NANG_CAO
    assert advanced.criteria_set.code == "QD318-2022-XA-NANG-CAO"
    # Before QĐ 1980 (17/10/2016) the catalogue has no set: none is guessed.
    earliest = Recognition.objects.get(decision_number="100/QĐ-UBND", commune__code=old_first)
    assert earliest.criteria_set is None
    today_xa = quang_tri[Edition.TWO_TIER_2025][0]
    latest = Recognition.objects.get(commune=today_xa)
    assert latest.criteria_set is None  # QĐ 51 is not loaded here: no set in force is guessed

    # The standings show them: every xã recognised, at its highest level.
    summaries = dict(CommuneSummary.objects.values_list("commune_id", "recognition_level"))
    assert summaries[first.pk] == Recognition.Level.NANG_CAO
    assert summaries[today_xa.pk] == Recognition.Level.NTM
    recognised = len(quang_tri[Edition.THREE_TIER_2024]) + len(quang_tri[Edition.TWO_TIER_2025])
    assert sum(1 for level in summaries.values() if level) == recognised

    # The same file again changes nothing: every row repeats a recorded decision.
    again = validate(rows)
    assert again.counts == {"new": 0, "updated": 0, "unchanged": ROWS, "error": 0}


def test_the_import_costs_the_same_queries_for_50_rows_as_for_346(quang_tri):
    admin = UserFactory(role="admin", province=None)
    rows = realistic_rows(quang_tri)
    # The first 50 rows: one province, five years; the whole file: three provinces, 13 years.
    sample = rows[:50]
    small = counted_import(sample, admin)
    started = time.perf_counter()
    large = counted_import(rows, admin)
    elapsed = time.perf_counter() - started
    print(
        f"\nqueries (check, write): 50 rows {small}, 346 rows {large}; {ROWS / elapsed:.0f} rows/s"
    )
    assert large == small
    assert large[0] <= 15
    assert large[1] <= 25


def test_one_bad_row_of_each_kind_writes_nothing_and_each_is_named(quang_tri):
    old, new = quang_tri[Edition.THREE_TIER_2024], quang_tri[Edition.TWO_TIER_2025]
    # A number the register gave another decision of that year: a recognition of another date.
    recognition_record(
        commune=old[1],
        level="ntm",
        number="55/QĐ-UBND",
        day=date(2019, 3, 1),
        signer="",
        actor=None,
    )
    assert old[1].province_id == old[3].province_id
    good = realistic_rows(quang_tri)
    province_2024 = old[0].province.short_name
    bad = [
        [province_2024, "", "Xã Không Có Thật", "", "NTM", "60/QĐ-UBND", "01/02/2019", "", "", ""],
        [province_2024, "", "", old[2].code, "đạt chuẩn", "61/QĐ-UBND", "01/02/2019", "", "", ""],
        [
            old[1].province.short_name,
            "",
            "",
            old[3].code,
            "NTM",
            "55/QĐ-UBND",
            "20/05/2019",
            "",
            "",
            "",
        ],
        # The first row of the file, given again.
        good[4],
        ["Quảng Trị", "", new[0].name, "", "NTM", "62/QĐ-UBND", "15/01/2027", "", "", ""],
    ]
    validation = validate(good[4:] + bad)
    first_row = 2  # the header is row 1
    bad_rows = {first_row + len(good) - 4 + i: line for i, line in enumerate(bad)}
    errors = errors_of(validation)
    assert [e[0] for e in errors] == list(bad_rows), errors
    by_row = {e[0]: e for e in errors}
    unknown, level, taken, twice, future = (by_row[number] for number in bad_rows)
    assert unknown[1] == "Xã"
    assert unknown[3].startswith("Không có xã «Xã Không Có Thật» trong")
    assert level[1:] == ("Mức", "đạt chuẩn", "Mức công nhận: chọn NTM, nâng cao hoặc kiểu mẫu.")
    assert taken[1] == "Số quyết định"
    assert "số 55 năm 2019" in taken[3]
    assert "01/03/2019" in taken[3]
    assert twice[1] == "Mức"
    assert "ở dòng 2 của cùng danh sách" in twice[3]
    assert future[1:] == (
        "Ngày quyết định",
        "15/01/2027",
        "Ngày quyết định: không sau hôm nay.",
    )

    # Confirming anyway writes nothing: not one of the good rows.
    assert validation.has_errors
    assert Recognition.objects.count() == 1


def test_a_decision_of_2024_naming_todays_xa_takes_the_one_it_was_formed_from_or_lists_them(
    dak_lak,
):
    new = dak_lak[Edition.TWO_TIER_2025]
    old_names = {c.name for c in dak_lak[Edition.THREE_TIER_2024]}
    single = next(c for c in new if c.name == "Xã Buôn Đôn")
    (origin,) = single.predecessors()
    assert origin.name == "Xã Krông Na"
    # Today's xã whose name the three-tier map did not have, formed from several xã.
    merged = next(c for c in new if c.name not in old_names and len(c.predecessors()) > 1)
    rows = [
        ["Đắk Lắk", "", nfd(single.name), "", "NTM", "300/QĐ-UBND", "10/12/2024", "", "", ""],
        ["Đắk Lắk", "", merged.name, "", "NTM", "300/QĐ-UBND", "10/12/2024", "", "", ""],
    ]
    validation = validate(rows)
    errors = errors_of(validation)
    assert len(errors) == 1
    row, column, value, reason = errors[0]
    assert (row, column, value) == (3, "Xã", merged.name)
    assert reason.startswith(f"{merged.name} chỉ có từ 01/07/2025; quyết định ngày 10/12/2024")
    for predecessor in merged.predecessors():
        assert predecessor.name in reason
    outcome = validation.as_json()["rows"][0]
    assert outcome["status"] == "new"
    assert any(
        match[2].startswith("Xã Krông Na") and "Xã Buôn Đôn hình thành từ xã này" in match[2]
        for match in outcome["matches"]
    ), outcome["matches"]

    fixed = validate(
        [[*rows[0][:8], "QĐ 318/QĐ-TTg", "Chủ tịch Nguyễn Văn A"]],
    )
    roster_for("recognitions").apply(fixed, actor=None)
    recognition = Recognition.objects.get()
    assert recognition.commune_id == origin.pk
    assert recognition.criteria_set == CriteriaSet.objects.get(code="QD318-2022-XA-NTM")
    assert recognition.signer == "Chủ tịch Nguyễn Văn A"
    assert recognition.issuer == "UBND tỉnh Đắk Lắk"  # the 2024 province of Krông Na
    assert CommuneSummary.objects.get(commune=origin).recognition_level == "ntm"
    # A decision of 2026 on the same name is today's xã's.
    later = validate(
        [["Đắk Lắk", "", single.name, "", "NTM", "12/QĐ-UBND", "10/03/2026", "", "", ""]]
    )
    assert errors_of(later) == []
    assert later.outcomes[0].payload.commune.pk == single.pk


def test_a_province_office_imports_only_its_province_and_the_ones_it_was_formed_from(quang_tri):
    old, new = quang_tri[Edition.THREE_TIER_2024], quang_tri[Edition.TWO_TIER_2025]
    office = UserFactory(role="province", province=new[0].province)
    quang_binh = next(c for c in old if c.province.short_name == "Quảng Bình")
    rows = [
        ["Quảng Trị", "", "", new[0].code, "NTM", "950/QĐ-UBND", "05/03/2026", "", "", ""],
        ["Quảng Bình", "", "", quang_binh.code, "NTM", "51/QĐ-UBND", "05/03/2020", "", "", ""],
    ]
    assert errors_of(validate(rows, actor=office)) == []
    # A 2024 office of Quảng Bình keeps only its own books.
    old_office = UserFactory(role="province", province=quang_binh.province)
    errors = errors_of(validate(rows, actor=old_office))
    assert [(e[0], e[1]) for e in errors] == [(2, "Mã xã")]
    assert "không thuộc tỉnh của bạn" in errors[0][3]


def test_the_template_has_the_columns_instructions_and_examples(client, db):
    admin = UserFactory(role="admin", province=None)
    client.force_login(admin)
    response = client.get(reverse("rosters:template", args=["recognitions"]))
    assert response.status_code == 200
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    # Required columns are marked «(*)»; the file reads its headers either way.
    assert [cell.value.removesuffix(" (*)") for cell in sheet[1]] == HEADER
    assert sheet.max_row >= 3
    assert len(workbook.worksheets) > 1
