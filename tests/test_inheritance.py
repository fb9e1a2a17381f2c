"""What a commune formed on 01/07/2025 inherits of its predecessors' recognitions: proposed by a
rule kept as data ("kế thừa", needs review), confirmed or replaced by the province's decision."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communes.models import Commune, CommuneLineage, Edition, LineageKind, ProvinceLineage
from criteria.inheritance import InheritanceRefused, inheritance_decide, inheritance_of
from criteria.models import CommuneSummary, InheritanceDecision, InheritanceRule, Recognition
from ntm_portal.models import Role

from .factories import CommuneFactory, ProvinceFactory, UserFactory

MERGER = date(2025, 7, 1)
NTM, NANG_CAO = Recognition.Level.NTM, Recognition.Level.NANG_CAO


def _recognise(commune, level=NTM, on=date(2020, 12, 1), revoked_on=None):
    return Recognition.objects.create(
        commune=commune,
        level=level,
        decision_number=f"{commune.pk}/QĐ-UBND",
        decision_date=on,
        revoked_on=revoked_on,
    )


@pytest.fixture
def present(world):
    """Quảng Trị of 2025, formed from province A, with an empty 2025 xã factory."""
    province = ProvinceFactory(
        edition=Edition.TWO_TIER_2025, short_name="Quảng Trị", name="Tỉnh Quảng Trị"
    )
    ProvinceLineage.objects.create(
        predecessor=world.province_a,
        successor=province,
        kind=LineageKind.WHOLE,
        effective_on=MERGER,
    )
    counter = iter(range(19500, 19999))

    def formed_from(*links) -> Commune:
        code = str(next(counter))
        commune = Commune.objects.create(
            edition=Edition.TWO_TIER_2025,
            code=code,
            name=f"Xã Mới {code}",
            short_name=f"Mới {code}",
            search_name=f"xa moi {code}",
            kind=Commune.Kind.RURAL,
            province=province,
        )
        for old, kind in links:
            CommuneLineage.objects.create(
                predecessor=old, successor=commune, kind=kind, effective_on=MERGER, source="test"
            )
        return commune

    return province, formed_from


def _old(world, n: int) -> list[Commune]:
    return [CommuneFactory(district=world.district_a1) for _ in range(n)]


def test_all_predecessors_recognised_and_wholly_merged_propose_their_level(world, present):
    _province, formed_from = present
    old = _old(world, 3)
    for commune in old:
        _recognise(commune)
    _recognise(old[0], NANG_CAO)
    new = formed_from(*[(commune, LineageKind.WHOLE) for commune in old])
    inheritance = inheritance_of([new])[new.pk]
    assert inheritance.proposed.level == NTM  # nâng cao needs all three
    assert inheritance.proposed.needs_review
    assert inheritance.recognised_label == "3/3 xã cũ đã đạt chuẩn"


def test_one_unrecognised_predecessor_or_a_partial_merge_proposes_nothing(world, present):
    _province, formed_from = present
    recognised, unrecognised, split, revoked, late = _old(world, 5)
    for commune in (recognised, split):
        _recognise(commune)
    _recognise(revoked, revoked_on=date(2024, 5, 1))
    _recognise(late, on=date(2025, 8, 1))  # after the merger: not the predecessor's standing
    one_missing = formed_from((recognised, LineageKind.WHOLE), (unrecognised, LineageKind.WHOLE))
    with_part = formed_from((split, LineageKind.PART))
    with_revoked = formed_from((revoked, LineageKind.WHOLE), (late, LineageKind.WHOLE))
    found = inheritance_of([one_missing, with_part, with_revoked])
    assert found[one_missing.pk].proposed is None
    assert found[one_missing.pk].recognised_label == "1/2 xã cũ đã đạt chuẩn"
    assert found[with_part.pk].proposed is None
    assert found[with_part.pk].partial == 1
    assert found[with_revoked.pk].recognised == 0


def test_the_rule_is_data_the_province_can_change(world, present):
    _province, formed_from = present
    recognised, unrecognised = _old(world, 2)
    _recognise(recognised)
    new = formed_from((recognised, LineageKind.WHOLE), (unrecognised, LineageKind.WHOLE))
    assert inheritance_of([new])[new.pk].proposed is None
    InheritanceRule.objects.filter(level=NTM).update(share_percent=50)
    assert inheritance_of([new])[new.pk].proposed.level == NTM


def test_confirming_makes_the_level_the_communes_recognition(world, present):
    province, formed_from = present
    old = _old(world, 2)
    for commune in old:
        _recognise(commune)
    new = formed_from(*[(commune, LineageKind.WHOLE) for commune in old])
    office = UserFactory(role=Role.PROVINCE, province=province)
    decision = inheritance_decide(
        commune=new,
        level=NTM,
        decision_number="125/QĐ-UBND",
        decision_date=date(2025, 9, 10),
        reason="",
        actor=office,
    )
    assert decision.outcome == InheritanceDecision.Outcome.CONFIRMED
    assert decision.recognition.commune == new
    assert CommuneSummary.objects.get(commune=new).recognition_level == NTM
    assert inheritance_of([new])[new.pk].decision == decision


def test_replacing_needs_a_reason_and_a_decision_is_taken_once(world, present):
    province, formed_from = present
    (old,) = _old(world, 1)
    _recognise(old)
    new = formed_from((old, LineageKind.WHOLE))
    office = UserFactory(role=Role.PROVINCE, province=province)
    arguments = {
        "commune": new,
        "level": "",
        "decision_number": "7/QĐ-UBND",
        "decision_date": date(2025, 9, 1),
        "actor": office,
    }
    with pytest.raises(InheritanceRefused, match="cần ghi lý do"):
        inheritance_decide(**arguments, reason=" ")
    decision = inheritance_decide(**arguments, reason="Xã mới chưa rà soát tiêu chí 2026–2030.")
    assert decision.outcome == InheritanceDecision.Outcome.REPLACED
    assert decision.recognition is None
    with pytest.raises(InheritanceRefused, match="đã có quyết định"):
        inheritance_decide(**arguments, reason="lần hai")
    assert InheritanceDecision.objects.count() == 1
    assert not Recognition.objects.filter(commune=new).exists()


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"decision_number": "", "decision_date": "10/09/2025"}, " – Số quyết định: "),
        (
            {"decision_number": "1/QĐ", "decision_date": "31/02/2025"},
            " – Ngày quyết định: Ghi ngày",
        ),
        ({"decision_number": "1/QĐ", "decision_date": "30/06/2025"}, ": Ngày quyết định phải từ"),
        ({"decision_number": "1/QĐ", "decision_date": "01/01/2100"}, ": Ngày quyết định phải từ"),
        (
            {"decision_number": "1/QĐ", "decision_date": "10/09/2025", "level": "x"},
            " – Mức công nhận: ",
        ),
        ({"decision_number": "x" * 51, "decision_date": "10/09/2025"}, " – Số quyết định: "),
    ],
)
def test_bad_input_is_named_and_nothing_is_written(client, world, present, post, message):
    province, formed_from = present
    (old,) = _old(world, 1)
    _recognise(old)
    new = formed_from((old, LineageKind.WHOLE))
    client.force_login(UserFactory(role=Role.PROVINCE, province=province))
    response = client.post(
        reverse("criteria:inheritance_decide", args=[new.pk]), {"level": NTM, **post}, follow=True
    )
    assert response.status_code == 200
    assert new.name + message in response.content.decode()
    assert not InheritanceDecision.objects.exists()
    assert not Recognition.objects.filter(commune=new).exists()


def test_who_may_read_and_decide(client, world, present):
    province, formed_from = present
    (old,) = _old(world, 1)
    new = formed_from((old, LineageKind.WHOLE))
    listing = reverse("criteria:inheritance_list", args=[province.pk])
    decide = reverse("criteria:inheritance_decide", args=[new.pk])
    post = {"level": "", "decision_number": "1/QĐ", "decision_date": "10/09/2025", "reason": "r"}
    stranger = UserFactory(role=Role.PROVINCE, province=world.province_b)
    official = UserFactory(role=Role.COMMUNE, commune=new)
    legacy_office = UserFactory(role=Role.PROVINCE, province=world.province_a)
    office = UserFactory(role=Role.PROVINCE, province=province)
    for user, read, write in [
        (stranger, 404, 404),
        (official, 200, 403),
        # A 2024 office reads its own history only: its successor's work is not its own.
        (legacy_office, 404, 404),
        (office, 200, 302),
    ]:
        client.force_login(user)
        assert client.get(listing).status_code == read, user
        assert client.post(decide, post).status_code == write, user
    # A 2024 province has no inheritance page.
    client.force_login(UserFactory(role=Role.ADMIN, is_superuser=True, is_staff=True))
    assert (
        client.get(reverse("criteria:inheritance_list", args=[world.province_a.pk])).status_code
        == 404
    )
    assert InheritanceDecision.objects.count() == 1


def test_the_list_costs_the_same_queries_for_few_communes_or_many(client, world, present):
    province, formed_from = present
    client.force_login(UserFactory(role=Role.PROVINCE, province=province))
    url = reverse("criteria:inheritance_list", args=[province.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    old = _old(world, 2)
    _recognise(old[0])
    formed_from((old[0], LineageKind.WHOLE))
    few = count()
    for commune in _old(world, 8):
        _recognise(commune)
        formed_from((commune, LineageKind.WHOLE), (old[1], LineageKind.PART))
    assert count() == few


def test_the_commune_page_says_what_it_inherits(client, world, present):
    _province, formed_from = present
    old = _old(world, 2)
    for commune in old:
        _recognise(commune)
    new = formed_from(*[(commune, LineageKind.WHOLE) for commune in old])
    client.force_login(UserFactory(role=Role.COMMUNE, commune=new))
    page = client.get(reverse("criteria:commune_status", args=[new.pk])).content.decode()
    assert "Kế thừa (đề xuất, chờ quyết định của tỉnh): Đạt chuẩn nông thôn mới" in page
    assert "2/2 xã cũ đã đạt chuẩn" in page
