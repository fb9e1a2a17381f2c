"""load_divisions: both editions, idempotent, one-line errors, nothing half-written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from communes.models import Commune, District, Edition, Province
from communes.services import divisions_load
from ntm_portal.models import User

BASE_DIR = Path(__file__).resolve().parent.parent


def _load(edition: int, capsys) -> str:
    call_command("load_divisions", edition=edition)
    return capsys.readouterr().out.strip().splitlines()[-1]


@pytest.mark.django_db
def test_2024_edition_loads_three_tiers_and_a_second_run_changes_nothing(capsys):
    assert _load(2024, capsys) == (
        "provinces=63 districts=696 communes=10051 created=10810 updated=0"
    )
    assert _load(2024, capsys) == "provinces=63 districts=696 communes=10051 created=0 updated=0"

    ba_tang = Commune.objects.select_related("district", "province").get(edition=2024, code="19477")
    assert (ba_tang.name, ba_tang.kind) == ("Xã Ba Tầng", Commune.Kind.RURAL)
    assert ba_tang.district.name == "Huyện Hướng Hóa"
    assert ba_tang.province.name == "Tỉnh Quảng Trị"
    assert ba_tang.place_label() == "Xã Ba Tầng - huyện Hướng Hóa"
    assert str(ba_tang.valid_to) == "2025-06-30"
    counts = {
        kind: Commune.objects.filter(edition=2024, kind=kind).count() for kind in Commune.Kind
    }
    assert counts == {"xa": 7717, "phuong": 1716, "thi_tran": 618, "dac_khu": 0}


@pytest.mark.django_db
def test_2025_edition_loads_two_tiers_beside_2024(capsys):
    _load(2024, capsys)
    assert _load(2025, capsys) == "provinces=34 districts=0 communes=3321 created=3355 updated=0"
    assert _load(2025, capsys) == "provinces=34 districts=0 communes=3321 created=0 updated=0"
    assert Commune.objects.filter(edition=2025, district__isnull=False).count() == 0
    assert Commune.objects.filter(edition=2025).xa().count() == 2621
    quang_tri = Province.objects.get(edition=2025, short_name="Quảng Trị")
    assert quang_tri.name == "Tỉnh Quảng Trị"
    assert str(quang_tri.valid_from) == "2025-07-01"
    # The 2024 units are untouched by the 2025 load.
    assert Province.objects.filter(edition=2024).count() == 63


@pytest.mark.django_db
def test_a_changed_name_in_the_source_is_counted_as_updated(capsys):
    _load(2025, capsys)
    Commune.objects.filter(edition=2025, code="00004").update(name="Tên cũ", search_name="ten cu")
    assert _load(2025, capsys).endswith("created=0 updated=1")
    assert Commune.objects.get(edition=2025, code="00004").name == "Phường Ba Đình"


@pytest.mark.django_db
def test_names_are_stored_in_nfc(capsys):
    _load(2024, capsys)
    names = Commune.objects.filter(edition=2024).values_list("name", flat=True)
    assert all(name == unicodedata.normalize("NFC", name) for name in names)


@pytest.mark.django_db
def test_unknown_edition_is_a_one_line_error():
    with pytest.raises(CommandError, match=r"^Phiên bản 2023 không có: chọn 2024 hoặc 2025\.$"):
        call_command("load_divisions", edition=2023)
    assert not Province.objects.exists()


@pytest.mark.django_db
def test_missing_vendored_edition_says_how_to_make_it(settings, tmp_path):
    settings.DIVISIONS_FIXTURE_DIR = tmp_path
    with pytest.raises(CommandError, match="make vendor-divisions"):
        call_command("load_divisions", edition=2024)
    assert not Province.objects.exists()


@pytest.mark.django_db
def test_a_broken_vendored_file_writes_nothing(tmp_path):
    data = json.loads((BASE_DIR / "fixtures/divisions/edition-2024.json").read_text("utf-8"))
    # The very last commune points at a district that does not exist: the failure comes after
    # every province and district, and thousands of communes, were already queued.
    data["communes"][-1]["parent"] = "999"
    (tmp_path / "edition-2024.json").write_text(json.dumps(data), "utf-8")
    with pytest.raises(Exception, match="tệp phiên bản bị hỏng"):
        divisions_load(edition=Edition.THREE_TIER_2024, fixture_dir=tmp_path)
    assert (Province.objects.count(), District.objects.count(), Commune.objects.count()) == (
        0,
        0,
        0,
    )


def test_vendored_2024_file_is_what_the_vendoring_script_writes():
    """The vendored file holds exactly the 0.6.0 counts (63/696/10051) and is NFC."""
    text = (BASE_DIR / "fixtures/divisions/edition-2024.json").read_text("utf-8")
    data = json.loads(text)
    assert data["source"].startswith("vietnam-provinces 0.6.0")
    assert [len(data[level]) for level in ("provinces", "districts", "communes")] == [
        63,
        696,
        10051,
    ]
    assert text == unicodedata.normalize("NFC", text)


def _load_divisions_with(database_url: str) -> tuple[int, list[str]]:
    """Run the command in a fresh process, as a user would; return its exit code and stderr lines."""
    result = subprocess.run(
        [sys.executable, "manage.py", "load_divisions", "--edition", "2024"],
        cwd=BASE_DIR,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result.returncode, [line for line in result.stderr.splitlines() if line.strip()]


def test_wrong_database_url_is_a_one_line_error_with_what_to_do():
    code, lines = _load_divisions_with("postgres://nobody:wrong@127.0.0.1:9/nowhere")
    assert code != 0
    assert len(lines) == 1, lines
    assert lines[0].startswith("Lỗi: Không kết nối được cơ sở dữ liệu")
    assert "DATABASE_URL" in lines[0]
    assert "wrong" not in lines[0]  # the password is not echoed


def test_unsupported_database_url_scheme_is_a_one_line_error():
    code, lines = _load_divisions_with("mysql://u:p@127.0.0.1/x")
    assert code != 0
    assert lines == [
        "Lỗi: Cấu hình sai: DATABASE_URL phải là postgres://… (hoặc để trống để dùng SQLite nhúng)."
    ]


@pytest.mark.django_db
def test_benchmark_command_prints_timings_and_query_counts_for_each_page(tmp_path):
    out = StringIO()
    output = tmp_path / "benchmark.json"
    # A small run (20 requests a page, a 300-row roster): the same pages, figures and report.
    call_command(
        "benchmark",
        scale="small",
        requests=20,
        communes=12,
        roster_rows=300,
        output=str(output),
        stdout=out,
    )
    text = out.getvalue()
    lines = text.splitlines()
    assert lines[0].startswith("load_divisions 2024:")
    assert "plan_inspections re-run (12 assignments)" in text
    assert "created=0" in next(line for line in lines if "re-run" in line)
    assert "(120)" in next(line for line in lines if line.startswith("evaluations (10 half-years"))
    # The 2025 edition: its lineage, groups, four QĐ 51 half-years per xã.
    assert "(48)" in next(line for line in lines if line.startswith("2025: evaluations (4"))
    editions = [line for line in lines if line.startswith("edition ")]
    assert editions == ["edition 2024, QD318-2022-XA-NTM", "edition 2025, QD51-2025-XA-NTM"]
    assert sum(line.startswith("framework floor") for line in lines) == 2
    # Each edition's table of the stack's least own cost, page by page.
    assert sum(line.startswith("the stack's least own cost") for line in lines) == 2
    assert sum(line.startswith("each page against its own SQL") for line in lines) == 2
    report = json.loads(output.read_text())
    assert report["machine"]["cpus"] >= 1
    for edition in report["editions"].values():
        pages = {page["page"]: page for page in edition["pages"]}
        assert set(pages) >= {
            "province list",
            "province page",
            "commune page",
            "commune status",
            "evaluation",
            "review queue",
            "calendar",
            "national dashboard",
            "province dashboard",
            "heat map",
            "xã behind a figure",
            "import preview",
        }
        assert edition["data"]["latest_standings"] > 0
        assert set(edition["framework_floor_ms"]) == {"admin", "province"}
        for name, page in pages.items():
            assert 0 < page["p50_ms"] <= page["p95_ms"], name
            assert 0 < page["queries"] <= 15, name
            assert page["framework_floor_ms"] > 0, name
            # Where the time goes adds up to the median (the rest is Python).
            assert page["sql_ms"] + page["template_ms"] <= page["p50_ms"] + 1, name
            assert page["grows"] in ("flat", "linear"), name
            # Its own SQL in the same run: its queries less the framework floor's, and the
            # ratio against the lower of it and the hand-written floor.
            assert 0 < page["own_sql_ms"] <= page["sql_ms"] + 0.1, name
            least = min(x for x in (page["own_sql_ms"], page["floor_ms"]) if x)
            assert page["least_sql_ms"] == least, name
            ratio = round(max(page["p50_ms"] - page["framework_floor_ms"], 0) / least, 1)
            assert page["p50_less_framework_over_own_sql"] == ratio, name
            assert page["own_sql_goal_met"] is (ratio <= 3), name
        assert edition["goals"]["max_queries"] <= 15
        assert 0 <= edition["goals"]["pages_within_3x_own_sql"] <= len(pages)
        # The stack's prices, and with them each page's least own cost: its own queries (beyond
        # the framework floor's session and user) and the values its templates render.
        prices = edition["stack_prices"]
        assert prices["orm_query_us"] > 0
        assert prices["template_value_us"] > prices["html_value_us"] > 0
        for name, page in pages.items():
            assert 0 < page["own_queries"] < page["queries"], name
            assert page["values"] > 0, name
            assert 0 < page["least_own_plain_html_ms"] <= page["least_own_ms"], name
            assert page["framework_floor_p95_ms"] >= page["framework_floor_ms"], name
            if page["floor_ms"] is not None:
                reachable = (
                    page["least_own_ms"] <= 3 * page["floor_ms"]
                    and page["framework_floor_p95_ms"] <= page["goal_ms"]
                )
                assert page["goal_reachable_with_orm_and_django_templates"] is reachable, name
        assert 0 <= edition["goals"]["pages_where_the_stack_leaves_room_for_the_goal"] <= len(pages)
    # A second run at another size reports the growth per page against the first.
    again = tmp_path / "again.json"
    call_command(
        "benchmark",
        scale="small",
        requests=20,
        communes=12,
        roster_rows=300,
        edition="2024",
        output=str(again),
        growth_from=str(output),
        stdout=StringIO(),
    )
    growth = json.loads(again.read_text())["growth"]
    assert growth["data_ratio"] == 1.0
    assert {page["page"] for page in growth["pages"]} >= {"commune page", "national dashboard"}
    assert all(page["queries_equal"] for page in growth["pages"])
    # Judged on the p50 over its own run's framework floor, the plain ratio kept beside it.
    for page in growth["pages"]:
        assert page["within"] is (page["p50_over_framework_ratio"] <= page["allowed"]), page
        assert page["p50_ratio"] > 0, page
        assert page["framework_floor_ratio"] > 0, page
    # Nothing the benchmark made (its users) outlives it.
    assert not User.objects.filter(username__startswith="benchmark-admin").exists()
