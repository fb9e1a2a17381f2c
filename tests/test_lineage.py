"""The official 2025 edition, its in-place correction of a draft-built database, and the lineage
2024 → 2025: the vendored files, load_lineage's counts, the pages and the search."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communes.divisions import DivisionError
from communes.models import (
    Commune,
    CommuneLineage,
    District,
    Edition,
    LineageKind,
    Province,
    ProvinceLineage,
)
from communes.vendoring import module_constants
from ntm_portal.models import Role

from .factories import AgencyFactory, AssignmentFactory, CommuneFactory, UserFactory

BASE_DIR = Path(__file__).resolve().parent.parent
FIXTURES = BASE_DIR / "fixtures" / "divisions"
# What the official conversion table cannot reach and no package tells (see
# fixtures/divisions/lineage-crosscheck.md): kept visible here so that a change is noticed. The last
# one, Xã Phù Mỹ (25186), was given to thị trấn Cát Tiên in 2013 (lineage-2025-manual.json).
UNRESOLVED: list[str] = []
NATIONAL_SUMMARY = (
    "old_mapped=10051/10051 new_covered=3321/3321 splits=441 unresolved=0 unresolved_xa=0 "
    "provinces=63/34"
)


def _json(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text("utf-8"))


# --- The vendored files --------------------------------------------------------------------------


def test_vendored_2025_edition_is_the_official_register():
    text = (FIXTURES / "edition-2025.json").read_text("utf-8")
    assert text == unicodedata.normalize("NFC", text)
    data = json.loads(text)
    assert data["source"].startswith("vietnam-provinces 2026.9.0")
    assert [len(data[level]) for level in ("provinces", "districts", "communes")] == [34, 0, 3321]
    communes = {(u["parent"], u["name"]): u["code"] for u in data["communes"]}
    # The draft (2025.x) had 73; the statistics office's register has 82.
    assert communes[("01", "Phường Cửa Nam")] == "00082"
    kinds = [u["kind"] for u in data["communes"]]
    assert (kinds.count("xa"), kinds.count("phuong"), kinds.count("dac_khu")) == (2621, 687, 13)


def test_vendored_lineage_gives_every_2024_unit_a_successor_but_the_known_unresolved():
    lineage = _json("lineage-2025.json")
    old = {u["code"]: u for u in _json("edition-2024.json")["communes"]}
    new = {u["code"] for u in _json("edition-2025.json")["communes"]}
    assert lineage["effective"] == "2025-07-01"
    links = lineage["communes"]
    successors: dict[str, set[str]] = {}
    for link in links:
        successors.setdefault(link["old"], set()).add(link["new"])
        assert link["new"] in new
        assert link["kind"] in LineageKind.values
    assert sorted(set(old) - set(successors)) == UNRESOLVED
    assert [row["old"] for row in lineage["unresolved"]] == UNRESOLVED
    assert sum(1 for s in successors.values() if len(s) > 1) == 441  # splits
    covered = {link["new"] for link in links} | {row["new"] for row in lineage["districts"]}
    assert covered == new
    # The 28 units merged before 07/2025 that are still in our snapshot go through the unit
    # that absorbed them, and say so.
    early = [link for link in links if link["source"] != "gso"]
    assert len({link["old"] for link in early}) == 28
    assert all(link["needs_review"] for link in early)
    chieng_ly = next(link for link in links if link["old"] == "03751")
    assert (chieng_ly["via"], chieng_ly["via_name"], chieng_ly["new"]) == (
        "03721",
        "Thị trấn Thuận Châu",
        "03721",
    )
    # No package carries the Standing Committee resolutions: empty here, given by the hand-kept
    # legal-bases-2025.json when loaded (below), not invented.
    assert {link["legal_basis"] for link in links} == {""}


def test_the_hand_kept_legal_bases_name_one_resolution_per_2025_province_with_a_source():
    bases = _json("legal-bases-2025.json")
    provinces = {p["code"]: p["name"] for p in _json("edition-2025.json")["provinces"]}
    communes = bases["communes"]
    assert set(communes) == set(provinces)
    numbers = []
    for code, entry in communes.items():
        assert entry["province"] == provinces[code]
        match = re.fullmatch(
            r"Nghị quyết số (\d{4})/NQ-UBTVQH15 ngày 16/06/2025 của Ủy ban Thường vụ Quốc hội",
            entry["basis"],
        )
        assert match, entry
        numbers.append(int(match.group(1)))
        assert entry["source"].startswith("http")
    # One resolution each, 1654 to 1687, adopted together.
    assert sorted(numbers) == list(range(1654, 1688))
    assert bases["provinces"]["basis"].startswith("Nghị quyết số 202/2025/QH15 ngày 12/06/2025")


def test_vendored_province_lineage_maps_63_provinces_to_34():
    rows = _json("lineage-2025.json")["provinces"]
    assert len({r["old"] for r in rows}) == 63
    assert len({r["new"] for r in rows}) == 34
    quang_binh = next(r for r in rows if r["old_name"] == "Tỉnh Quảng Bình")
    assert (quang_binh["new_name"], quang_binh["kind"]) == ("Tỉnh Quảng Trị", "whole")
    ha_noi = next(r for r in rows if r["old_name"] == "Thành phố Hà Nội")
    assert ha_noi["kind"] == "unchanged"
    # The package's province table also sends Tiền Giang to Tây Ninh, through one ward of Long
    # An that carries Tiền Giang's code; no commune crosses that way, so the pair is left out.
    tien_giang = {r["new_name"]: r["kind"] for r in rows if r["old_name"] == "Tỉnh Tiền Giang"}
    assert tien_giang == {"Tỉnh Đồng Tháp": "whole"}
    assert len(rows) == 63


def test_crosscheck_report_counts_the_agreement_with_the_independent_table():
    report = (FIXTURES / "lineage-crosscheck.md").read_text("utf-8")
    assert (
        "có cùng (các) đơn vị kế tiếp ở vietnamadminunits 1.0.4: **9996**; khác: **37**" in report
    )


# --- The national lineage, loaded once for the module ---------------------------------------------


@pytest.fixture(scope="module")
def national(django_db_setup, django_db_blocker):
    """Both editions and the lineage, committed once (a few seconds), removed after the module."""
    with django_db_blocker.unblock():
        call_command("load_divisions", edition=2024, stdout=StringIO())
        call_command("load_divisions", edition=2025, stdout=StringIO())
        out = StringIO()
        call_command("load_lineage", stdout=out)
        yield out.getvalue().strip().splitlines()
        CommuneLineage.objects.all().delete()
        ProvinceLineage.objects.all().delete()
        Commune.objects.all().delete()
        District.objects.all().delete()
        Province.objects.all().delete()


def _commune(edition: int, code: str) -> Commune:
    return Commune.objects.get(edition=edition, code=code)


@pytest.mark.django_db
def test_load_lineage_prints_the_counts_and_a_second_run_changes_nothing(national):
    assert not [line for line in national if line.startswith("chưa xác định")]
    assert national[-1].startswith(NATIONAL_SUMMARY + " created=")
    assert national[-1].endswith(" updated=0 deleted=0")
    out = StringIO()
    call_command("load_lineage", stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == (
        NATIONAL_SUMMARY + " created=0 updated=0 deleted=0"
    )


@pytest.mark.django_db
def test_every_2024_xa_has_a_successor_but_the_unresolved_one(national):
    without = Commune.objects.of_edition(2024).xa().filter(successions__isnull=True)
    assert list(without.values_list("code", flat=True)) == UNRESOLVED
    assert not Commune.objects.of_edition(2025).filter(origins__isnull=True).exists()
    quang_tri = Province.objects.get(edition=2025, short_name="Quảng Trị")
    assert sorted(p.name for p in quang_tri.predecessors()) == ["Tỉnh Quảng Bình", "Tỉnh Quảng Trị"]
    quang_binh = Province.objects.get(edition=2024, short_name="Quảng Bình")
    assert list(quang_binh.successors()) == [quang_tri]


@pytest.mark.django_db
def test_predecessors_and_successors_helpers(national):
    cua_nam = _commune(2025, "00082")
    assert {c.code for c in cua_nam.predecessors()} >= {"00073", "00082", "00085", "00088"}
    link = cua_nam.origins.get(predecessor__code="00073")
    assert link.kind == LineageKind.PART
    assert str(link.effective_on) == "2025-07-01"
    chieng_ly = _commune(2024, "03751")
    assert [c.name for c in chieng_ly.successors()] == ["Xã Thuận Châu"]
    via = chieng_ly.successions.get()
    assert (via.intermediate_code, via.intermediate_name, via.needs_review) == (
        "03721",
        "Thị trấn Thuận Châu",
        True,
    )
    special_zone = _commune(2025, "26732")  # Đặc khu Côn Đảo, from a district without communes
    assert special_zone.origins.get().predecessor_district.name == "Huyện Côn Đảo"
    # Each link cites its province's resolution; the provinces, the National Assembly's.
    assert link.legal_basis == (
        "Nghị quyết số 1656/NQ-UBTVQH15 ngày 16/06/2025 của Ủy ban Thường vụ Quốc hội"
    )
    assert special_zone.origins.get().legal_basis.startswith("Nghị quyết số 1685/NQ-UBTVQH15")
    phu_my = _commune(2024, "25186").successions.get()
    assert phu_my.successor.name == "Xã Cát Tiên"
    assert phu_my.legal_basis.startswith("Nghị quyết số 1671/NQ-UBTVQH15")
    assert {link.legal_basis for link in ProvinceLineage.objects.all()} == {
        "Nghị quyết số 202/2025/QH15 ngày 12/06/2025 của Quốc hội"
    }
    assert not CommuneLineage.objects.filter(legal_basis="").exists()


def _admin(client):
    client.force_login(UserFactory(username="qt_lineage", role=Role.ADMIN, is_staff=True))


@pytest.mark.django_db
def test_2025_page_says_what_it_was_formed_from(client, national):
    _admin(client)
    thuan_chau = _commune(2025, "03721")
    page = client.get(reverse("communes:commune_detail", args=[thuan_chau.pk])).content.decode()
    assert "Hình thành từ" in page
    chieng_ly = _commune(2024, "03751")
    assert f'href="{reverse("communes:commune_detail", args=[chieng_ly.pk])}"' in page
    assert "Xã Chiềng Ly" in page
    assert "Huyện Thuận Châu, Tỉnh Sơn La" in page
    assert "qua Thị trấn Thuận Châu (đã sắp xếp trước 01/07/2025)" in page
    assert "Nhập toàn bộ" in page
    assert "theo Nghị quyết số 1681/NQ-UBTVQH15 ngày 16/06/2025" in page


@pytest.mark.django_db
def test_2024_page_says_where_it_went(client, national):
    _admin(client)
    split = _commune(2024, "00073")  # Phường Cửa Nam (Hoàn Kiếm), split four ways
    page = client.get(reverse("communes:commune_detail", args=[split.pk])).content.decode()
    assert "Từ 01/07/2025 thuộc" in page
    for code in ("00004", "00070", "00082", "00226"):
        successor = _commune(2025, code)
        assert f'href="{reverse("communes:commune_detail", args=[successor.pk])}"' in page
    assert "Nhập một phần" in page
    phu_my = _commune(2024, "25186")  # given to thị trấn Cát Tiên in 2013, a code left over
    page = client.get(reverse("communes:commune_detail", args=[phu_my.pk])).content.decode()
    assert "Xã Cát Tiên" in page
    assert "qua Thị trấn Cát Tiên (đã sắp xếp trước 01/07/2025)" in page
    unknown = CommuneFactory(district=phu_my.district, code="99990", name="Xã Chưa Rõ")
    page = client.get(reverse("communes:commune_detail", args=[unknown.pk])).content.decode()
    assert "Chưa xác định đơn vị từ 01/07/2025." in page


@pytest.mark.django_db
def test_links_to_the_other_edition_only_where_the_user_may_go(client, national):
    # An agency assigned to the 2025 commune sees it, but not the 2024 units it was formed from.
    son_la_2025 = Province.objects.get(edition=2025, short_name="Sơn La")
    thuan_chau = _commune(2025, "03721")
    agency = AgencyFactory(province=son_la_2025, name="Hội Nông dân tỉnh Sơn La")
    AssignmentFactory(agency=agency, commune=thuan_chau, start=date(2025, 7, 1))
    client.force_login(UserFactory(username="hnd_son_la", role=Role.AGENCY, agency=agency))
    page = client.get(reverse("communes:commune_detail", args=[thuan_chau.pk])).content.decode()
    chieng_ly = _commune(2024, "03751")
    assert "Xã Chiềng Ly" in page
    assert reverse("communes:commune_detail", args=[chieng_ly.pk]) not in page
    # The 2024 unit itself is outside this user's scope: refused like a missing page.
    response = client.get(reverse("communes:commune_detail", args=[chieng_ly.pk]))
    assert response.status_code == 404
    # The province's office reads the history of its province (tests/test_lineage_access.py).
    client.force_login(
        UserFactory(username="vpdp_son_la", role=Role.PROVINCE, province=son_la_2025)
    )
    page = client.get(reverse("communes:commune_detail", args=[thuan_chau.pk])).content.decode()
    assert reverse("communes:commune_detail", args=[chieng_ly.pk]) in page


@pytest.mark.django_db
def test_search_by_old_name_or_code_finds_the_new_commune(client, national):
    _admin(client)
    url = reverse("communes:commune_list")
    page = client.get(url, {"q": "chieng ly"}).content.decode()
    thuan_chau = _commune(2025, "03721")
    assert reverse("communes:commune_detail", args=[thuan_chau.pk]) in page
    assert "tên cũ: Xã Chiềng Ly" in page
    page = client.get(url, {"q": "03751"}).content.decode()
    assert reverse("communes:commune_detail", args=[thuan_chau.pk]) in page
    assert "tên cũ: Xã Chiềng Ly" in page
    # Found by its own name: no old name said.
    page = client.get(url, {"q": "thuan chau"}).content.decode()
    assert "Xã Thuận Châu" in page
    assert "tên cũ: Thị trấn Thuận Châu" not in page


def _query_count(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_lineage_sections_and_search_keep_constant_query_counts(client, national):
    _admin(client)

    def detail(edition: int, code: str) -> int:
        return _query_count(
            client, reverse("communes:commune_detail", args=[_commune(edition, code).pk])
        )

    # 2025: the fewest predecessor communes against the many of Phường Ba Đình (each with its
    # facts from the floors above: a fixed few queries, whatever their number).
    fewest = (
        Commune.objects.filter(edition=Edition.TWO_TIER_2025, origins__predecessor__isnull=False)
        .annotate(count=Count("origins"))
        .order_by("count", "code")
        .values_list("code", flat=True)
        .first()
    )
    assert detail(2025, fewest) == detail(2025, "00004")
    # A district as the only predecessor (Đặc khu Côn Đảo) has no commune facts to ask for.
    assert detail(2025, "26732") < detail(2025, "00004")
    # 2024: one successor against a unit split four ways.
    assert detail(2024, "03751") == detail(2024, "00073")
    url = reverse("communes:commune_list")
    # A search matching a handful through old names against one matching hundreds.
    assert _query_count(client, url, {"q": "chieng ly"}) == _query_count(
        client, url, {"q": "phuong 1"}
    )


@pytest.mark.django_db
def test_commune_detail_query_count_is_fixed(client, national, django_assert_num_queries):
    _admin(client)
    url = reverse("communes:commune_detail", args=[_commune(2025, "00004").pk])
    client.get(url)  # warm the session and the translation catalogue
    # 6 for the page, 3 for the predecessors' criteria facts, 2 for their last inspections.
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_load_lineage_refuses_a_database_still_on_the_draft_codes(national):
    Commune.objects.filter(edition=Edition.TWO_TIER_2025, code="00082").update(name="Phường Khác")
    with pytest.raises(Exception, match="load_divisions --edition 2025"):
        call_command("load_lineage", stdout=StringIO())


def test_vendoring_code_imports_no_django():
    """`make vendor-divisions` runs it before anything is installed."""
    code = (
        "import sys, communes.vendoring, communes.divisions; "
        "assert not [m for m in sys.modules if m.startswith('django')], 'django imported'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, check=True, timeout=60)


def test_conversion_tables_are_read_as_data_without_running_them():
    source = (
        "import os\n"
        "class OldWardRef(NamedTuple): ...\n"
        "EFFECTIVE_DATE = '2025-07-01'\n"
        "OLD_TO_NEW: dict[int, X] = {16: OldToNewEntry(OldWardRef(16, 1, 1, True), "
        "(NewWardRef(4, 1), NewWardRef(8, 1)))}\n"
        "os.system('never run')\n"
    )
    constants = module_constants(source, {"OLD_TO_NEW", "EFFECTIVE_DATE"})
    assert constants == {
        "EFFECTIVE_DATE": "2025-07-01",
        "OLD_TO_NEW": {16: ((16, 1, 1, True), ((4, 1), (8, 1)))},
    }
    with pytest.raises(DivisionError, match="NEW_TO_OLD"):
        module_constants(source, {"NEW_TO_OLD"})
