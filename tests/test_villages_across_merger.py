"""Villages across 01/07/2025: a wholly merged commune's villages continue in the new commune;
a split commune's villages are given to the new communes by the villages roster, which takes an
old commune name (written without its district) for the commune it went into."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from communes.models import Commune, CommuneLineage, Edition, LineageKind, Village
from communes.services import villages_carry_over
from ntm_portal.rosters import roster_for

from .factories import ProvinceFactory, VillageFactory
from .roster_files import workbook_bytes
from .test_rosters import errors_of, validate

MERGER = date(2025, 7, 1)


def _commune_2025(province, code: str, short_name: str) -> Commune:
    return Commune.objects.create(
        edition=Edition.TWO_TIER_2025,
        code=code,
        name=f"Xã {short_name}",
        short_name=short_name,
        search_name=f"xa {short_name.lower()}",
        kind=Commune.Kind.RURAL,
        province=province,
    )


@pytest.fixture
def merged(world):
    """Ba Tầng (a1, villages Bản Xa Doan and Bản Vầng) and Thuận (a2, its own Bản Vầng) went
    wholly into Lìa; Triệu Long (a3) was split between Lìa and Hải Phú."""
    province = ProvinceFactory(
        edition=Edition.TWO_TIER_2025, short_name="Quảng Trị", name="Tỉnh Quảng Trị"
    )
    lia = _commune_2025(province, "19470", "Lìa")
    hai_phu = _commune_2025(province, "19480", "Hải Phú")
    VillageFactory(commune=world.commune_a2, name="Bản Vầng")
    VillageFactory(commune=world.commune_a3, name="Thôn Đông")
    links = [
        (world.commune_a1, lia, LineageKind.WHOLE),
        (world.commune_a2, lia, LineageKind.WHOLE),
        (world.commune_a3, lia, LineageKind.PART),
        (world.commune_a3, hai_phu, LineageKind.PART),
    ]
    for old, new, kind in links:
        CommuneLineage.objects.create(
            predecessor=old, successor=new, kind=kind, effective_on=MERGER, source="test"
        )
    return lia, hai_phu


def test_villages_of_wholly_merged_communes_continue_in_the_new_commune(world, merged):
    lia, hai_phu = merged
    assert villages_carry_over() == 3
    names = sorted(lia.villages.values_list("name", flat=True))
    # Two "Bản Vầng" meet in Lìa: the second is told apart by its old commune's name.
    assert names == ["Bản Vầng", "Bản Vầng (Thuận)", "Bản Xa Doan"]
    carried = lia.villages.get(name="Bản Xa Doan")
    assert carried.formed_from.commune == world.commune_a1
    # The 2024 communes keep their own villages (and with them their history).
    assert world.commune_a1.villages.count() == 2
    # A split commune's villages wait for the roster.
    assert not hai_phu.villages.exists()
    assert not lia.villages.filter(name="Thôn Đông").exists()
    assert villages_carry_over() == 0


def test_load_lineage_carries_villages_and_says_how_many(world, merged, capsys, monkeypatch):
    # The lineage itself comes from the national fixture (tests/test_lineage.py); here only the
    # command's second step matters.
    class Loaded:
        unresolved_units = ()

        @staticmethod
        def summary() -> str:
            return "old_mapped=…"

    monkeypatch.setattr("communes.management.commands.load_lineage.lineage_load", lambda: Loaded)
    call_command("load_lineage")
    assert capsys.readouterr().out.splitlines() == ["villages_carried=3", "old_mapped=…"]


HEADER = ["Tỉnh", "Huyện", "Mã xã", "Xã", "Tên thôn", "Loại", "Mã thôn"]


def test_villages_roster_takes_an_old_commune_name_for_the_commune_it_went_into(world, merged):
    lia, _hai_phu = merged
    data = workbook_bytes(
        [
            HEADER,
            ["Tỉnh Quảng Trị", "", "", "Ba Tầng", "Bản Mới", "Bản", ""],
            ["Tỉnh Quảng Trị", "Huyện Hướng Hóa", "", "Ba Tầng", "Bản Cũ", "Bản", ""],
            ["Tỉnh Quảng Trị", "", "", "Xã Lìa", "Bản Trung Tâm", "Bản", ""],
        ]
    )
    validation = validate("villages", data)
    assert errors_of(validation) == []
    labels = [outcome.label for outcome in validation.outcomes]
    assert labels == [
        "Bản Mới – Xã Lìa (tên cũ: Xã Ba Tầng)",
        "Bản Cũ – Xã Ba Tầng",
        "Bản Trung Tâm – Xã Lìa",
    ]
    roster_for("villages").apply(validation, actor=None)
    assert set(lia.villages.values_list("name", flat=True)) == {"Bản Mới", "Bản Trung Tâm"}
    assert Village.objects.filter(commune=world.commune_a1, name="Bản Cũ").exists()


def test_an_old_name_of_a_split_commune_asks_for_the_new_one(world, merged):
    data = workbook_bytes([HEADER, ["Tỉnh Quảng Trị", "", "", "Triệu Long", "Thôn Đông", "", ""]])
    ((row, column, value, reason),) = errors_of(validate("villages", data))
    assert (row, column, value) == (4, "Xã", "Triệu Long")
    assert reason.startswith("Xã Triệu Long đã chia vào Xã Lìa (mã 19470), Xã Hải Phú (mã 19480)")
    assert "hãy ghi tên hoặc mã xã mới" in reason
