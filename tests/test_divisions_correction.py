"""load_divisions on a database built from the draft 2025 codes: matched by name, corrected in
place (code, name, kind), each change recorded; nothing duplicated, nothing orphaned."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from communes.divisions import DivisionError
from communes.matching import Stored, match_units
from communes.models import Commune, DivisionCorrection, Village
from communes.services import divisions_load
from ntm_portal.models import Role

from .factories import UserFactory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "divisions"


def _json(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text("utf-8"))


# --- Matching a stored edition to a new source (no database) -------------------------------------


def test_matching_prefers_the_name_so_that_swapped_codes_follow_their_communes():
    stored = [
        Stored(1, "01537", "Xã Vinh Quý", "04"),
        Stored(2, "01558", "Xã Lý Quốc", "04"),
        Stored(3, "01561", "Xã Hạ Lang", "04"),
        Stored(4, "01501", "Xã Đàm Thuỷ", "04"),
        Stored(5, "20152", "Xã Chân Mây – Lăng Cô", "46"),
    ]
    units = [
        {"code": "01561", "name": "Xã Vinh Quý", "parent": "04"},
        {"code": "01537", "name": "Xã Lý Quốc", "parent": "04"},
        {"code": "01558", "name": "Xã Hạ Lang", "parent": "04"},
        {"code": "01501", "name": "Xã Đàm Thủy", "parent": "04"},
        {"code": "20137", "name": "Xã Chân Mây - Lăng Cô", "parent": "46"},
    ]
    assert match_units(stored, units) == {
        "01561": 1,
        "01537": 2,
        "01558": 3,
        "01501": 4,
        "20137": 5,
    }


def test_matching_falls_back_to_the_code_when_a_name_is_not_unique():
    stored = [Stored(1, "16387", "Xã Đông Khê", "380"), Stored(2, "16408", "Xã Đông Khê", "380")]
    units = [
        {"code": "16408", "name": "Xã Đông Khê", "parent": "380"},
        {"code": "16387", "name": "Xã Đông Khê", "parent": "380"},
    ]
    assert match_units(stored, units) == {"16408": 2, "16387": 1}


# --- Correcting a draft-built database in place ---------------------------------------------------

# Official code → (draft code, draft name): real differences between vietnam-provinces 2025.10.1
# and the official register.
DRAFT = {
    "00082": ("00073", "Phường Cửa Nam"),
    "01561": ("01537", "Xã Vinh Quý"),
    "01537": ("01558", "Xã Lý Quốc"),
    "01558": ("01561", "Xã Hạ Lang"),
    "01501": ("01501", "Xã Đàm Thuỷ"),
    "20137": ("20152", "Xã Chân Mây – Lăng Cô"),
}


def _write_edition(directory: Path, *, draft: bool) -> Path:
    official = _json("edition-2025.json")
    keep = {*DRAFT, "00004"}
    communes = [dict(u) for u in official["communes"] if u["code"] in keep]
    if draft:
        for unit in communes:
            if unit["code"] in DRAFT:
                unit["code"], unit["name"] = DRAFT[unit["code"]]
                unit["short_name"] = unit["name"].split(" ", 1)[1]
    parents = {u["parent"] for u in communes}
    data = {
        **official,
        "source": "draft" if draft else official["source"],
        "provinces": [p for p in official["provinces"] if p["code"] in parents],
        "communes": communes,
    }
    directory.mkdir()
    (directory / "edition-2025.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return directory


@pytest.mark.django_db
def test_official_edition_corrects_a_draft_built_database_in_place(tmp_path, capsys):
    draft_dir = _write_edition(tmp_path / "draft", draft=True)
    official_dir = _write_edition(tmp_path / "official", draft=False)
    divisions_load(edition=2025, fixture_dir=draft_dir)
    cua_nam = Commune.objects.get(edition=2025, code="00073")
    vinh_quy = Commune.objects.get(edition=2025, code="01537", name="Xã Vinh Quý")
    village = Village.objects.create(
        commune=cua_nam, name="Tổ dân phố 1", search_name="to dan pho 1"
    )
    official = UserFactory(username="ubnd_vinh_quy", role=Role.COMMUNE, commune=vinh_quy)

    result = divisions_load(edition=2025, fixture_dir=official_dir)

    assert result.summary() == "provinces=3 districts=0 communes=7 created=0 updated=6"
    assert Commune.objects.filter(edition=2025).count() == 7  # corrected, not duplicated
    village.refresh_from_db()
    official.refresh_from_db()
    assert (village.commune_id, village.commune.code) == (cua_nam.pk, "00082")
    assert (official.commune_id, official.commune.code) == (vinh_quy.pk, "01561")
    # The three Cao Bằng communes swapped codes without a transient clash.
    assert dict(
        Commune.objects.filter(edition=2025, province__code="04").values_list("name", "code")
    ) == {
        "Xã Vinh Quý": "01561",
        "Xã Lý Quốc": "01537",
        "Xã Hạ Lang": "01558",
        "Xã Đàm Thủy": "01501",
    }
    corrections = {
        (c.old_code, c.old_name, c.new_code, c.new_name)
        for c in DivisionCorrection.objects.filter(edition=2025, level="commune")
    }
    assert ("00073", "Phường Cửa Nam", "00082", "Phường Cửa Nam") in corrections
    assert ("20152", "Xã Chân Mây – Lăng Cô", "20137", "Xã Chân Mây - Lăng Cô") in corrections
    assert ("01501", "Xã Đàm Thuỷ", "01501", "Xã Đàm Thủy") in corrections
    assert len(corrections) == 6
    assert (
        "đính chính 2025 commune: 00073 Phường Cửa Nam → 00082 Phường Cửa Nam" in result.corrections
    )
    assert Commune.objects.get(pk=cua_nam.pk).search_name == "phuong cua nam"

    call_command("load_divisions", edition=2025)  # the real command, on the full official file
    capsys.readouterr()
    again = divisions_load(edition=2025, fixture_dir=official_dir)
    assert again.summary().endswith("created=0 updated=0")
    assert again.corrections == ()
    assert DivisionCorrection.objects.count() == 6


@pytest.mark.django_db
def test_a_stored_unit_the_source_lacks_keeps_its_code_and_the_load_says_why(tmp_path):
    official_dir = _write_edition(tmp_path / "official", draft=False)
    divisions_load(edition=2025, fixture_dir=official_dir)
    # A unit the source does not have sits on a code the source gives to another unit.
    Commune.objects.filter(edition=2025, code="00004").update(
        name="Phường Không Còn", search_name="x"
    )
    data = json.loads((official_dir / "edition-2025.json").read_text("utf-8"))
    cua_nam = next(u for u in data["communes"] if u["code"] == "00082")
    cua_nam["code"] = "00004"
    data["communes"] = [u for u in data["communes"] if u["name"] != "Phường Ba Đình"]
    (official_dir / "edition-2025.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    with pytest.raises(
        DivisionError, match="Mã 00004 của Phường Cửa Nam đang thuộc Phường Không Còn"
    ):
        divisions_load(edition=2025, fixture_dir=official_dir)
    assert Commune.objects.get(edition=2025, name="Phường Cửa Nam").code == "00082"
    assert not DivisionCorrection.objects.exists()
