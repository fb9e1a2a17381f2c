"""A decision number typed by hand is held against the People's Committee's register (one a year,
Nghị định 30/2020): a number it already gave to another decision that year is refused, naming
that decision, at every door that takes one; the same decision typed in again is not another."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from criteria.models import CommuneGroupDecision, Recognition
from criteria.recognition import CaseRejected, recognition_record
from criteria.services import GroupDecisionRejected, commune_groups_decide
from sponsorships.decisions import assignment_decision_create
from sponsorships.models import AssignmentDecision
from sponsorships.services import (
    SponsorshipRefused,
    TransferChoices,
    TransferRefused,
    assignments_transfer,
)

from .factories import UserFactory
from .roster_files import workbook_bytes
from .test_assignment_doors import ROSTER_HEADER
from .test_roster_views import upload
from .test_rosters import validate

HELD = "trong sổ đăng ký của Ủy ban nhân dân tỉnh đã dùng cho quyết định 2951/QĐ-UBND ngày"


@pytest.fixture
def recognised(world, personas):
    """The province's People's Committee recognised Xã a1 by 2951/QĐ-UBND on 05/08/2024."""
    return recognition_record(
        commune=world.commune_a1,
        level=Recognition.Level.NTM,
        number="2951/QĐ-UBND",
        day=date(2024, 8, 5),
        signer="",
        actor=personas["province"],
    )


def test_an_assignment_decision_cannot_take_a_number_the_register_gave(
    client, world, personas, recognised
):
    with pytest.raises(SponsorshipRefused) as refused:
        assignment_decision_create(
            province=world.province_a,
            number="2951/QĐ-UBND",
            day=date(2024, 9, 1),
            issuer="UBND tỉnh",
            subject="Phân công",
            actor=personas["province"],
        )
    assert HELD in refused.value.errors["number"]
    assert "công nhận xã đạt chuẩn" in refused.value.errors["number"]
    # The page says it under the field, and writes nothing.
    client.force_login(personas["province"])
    page = client.post(
        reverse("sponsorships:decision_list", args=[world.province_a.pk]),
        {"number": "2951/QĐ-UBND", "date": "01/09/2024", "issuer": "UBND", "subject": "PC"},
    )
    assert HELD in page.content.decode()
    assert not AssignmentDecision.objects.exists()
    # Another year's register has its own 2951.
    assignment_decision_create(
        province=world.province_a,
        number="2951/QĐ-UBND",
        day=date(2025, 1, 6),
        issuer="UBND tỉnh",
        subject="Phân công",
        actor=personas["province"],
    )


def _decision_page(client, world) -> str:
    page = client.post(
        reverse("sponsorships:decision_list", args=[world.province_a.pk]),
        {"number": "2951/QĐ-UBND", "date": "01/09/2024", "issuer": "UBND", "subject": "PC"},
    )
    return page.content.decode()


def _decision_roster(client, world, callbacks) -> str:
    """A new decision typed in a roster row, as the office uploads it: the preview shows the
    register's words and the confirmation writes nothing."""
    data = workbook_bytes(
        [
            ROSTER_HEADER,
            [
                "2951/QĐ-UBND",
                "01/09/2024",
                world.agency_a.name,
                "Quảng Trị",
                "Triệu Phong",
                "Triệu Long",
                "Phụ trách",
                "01/09/2024",
                "",
            ],
        ]
    )
    record = upload(client, "assignments", data, "phan-cong.xlsx", callbacks)
    client.post(reverse("rosters:import_confirm", args=[record.pk]))
    return client.get(reverse("rosters:import_detail", args=[record.pk])).content.decode()


@pytest.mark.parametrize("door", ["page", "roster"])
def test_a_typed_decision_number_is_held_against_the_register_at_every_door(
    client, world, personas, recognised, door, django_capture_on_commit_callbacks
):
    client.force_login(personas["province"])
    if door == "page":
        answer = _decision_page(client, world)
    else:
        answer = _decision_roster(client, world, django_capture_on_commit_callbacks)
    assert HELD in answer
    assert not AssignmentDecision.objects.exists()


def test_one_recognition_decision_names_several_communes(world, personas, recognised):
    again = recognition_record(
        commune=world.commune_a3,
        level=Recognition.Level.NTM,
        number="2951/QĐ-UBND",
        day=date(2024, 8, 5),
        signer="",
        actor=personas["province"],
    )
    assert again.decision_number == recognised.decision_number
    # The same number on another day is another decision.
    with pytest.raises(CaseRejected) as refused:
        recognition_record(
            commune=world.commune_a2,
            level=Recognition.Level.NTM,
            number="2951/QĐ-UBND",
            day=date(2024, 9, 5),
            signer="",
            actor=personas["province"],
        )
    assert HELD in str(refused.value.errors)


def test_groups_and_transfers_of_today_hold_to_the_register(world, reorganised):
    office = UserFactory(role="province", province=reorganised.province)
    commune_groups_decide(
        province=reorganised.province,
        number="15/QĐ-UBND",
        day=date(2026, 2, 20),
        groups={reorganised.lia.pk: 1},
        actor=office,
    )
    with pytest.raises(TransferRefused) as refused:
        assignments_transfer(
            province=reorganised.province,
            number="15/QĐ-UBND",
            day="01/03/2026",
            issuer="",
            choices=TransferChoices(),
            actor=office,
        )
    assert "quyết định 15/QĐ-UBND ngày 20/02/2026 về phân nhóm xã" in refused.value.errors["number"]
    assert not AssignmentDecision.objects.exists()
    with pytest.raises(GroupDecisionRejected) as refused:
        commune_groups_decide(
            province=reorganised.province,
            number="0015/QĐ-UBND",
            day=date(2026, 3, 2),
            groups={reorganised.ai_tu.pk: 2},
            actor=office,
        )
    assert "đã dùng cho quyết định 15/QĐ-UBND" in str(refused.value.errors)
    # The roster's door: the same words, on the row, as the office checks its file.
    roster = validate(
        "commune_groups",
        workbook_bytes(
            [
                ["Tỉnh", "Xã", "Nhóm", "Số quyết định", "Ngày quyết định"],
                ["Quảng Trị", reorganised.ai_tu.name, "2", "0015/QĐ-UBND", "02/03/2026"],
            ]
        ),
        actor=office,
    )
    assert [error["column"] for error in roster.as_json()["errors"]] == ["Số quyết định"]
    assert refused.value.errors["number"] in roster.as_json()["errors"][0]["reason"]
    assert CommuneGroupDecision.objects.count() == 1


def test_a_document_the_portal_issues_never_takes_a_number_typed_in_from_paper(world, personas):
    """One register for everything the province's People's Committee issues: a plan issued in
    the portal takes the number after the decisions typed in up to its day, and never one of
    theirs (a journey through a new province found 41/KH-UBND beside 41/QĐ-UBND)."""
    from reports import issuers
    from reports.models import Document
    from reports.services import (
        document_create,
        document_issue,
        issuer_profile_save,
        signatory_add,
    )

    province = world.province_a
    issuer_profile_save(
        issuer=issuers.of_area(province), data={"abbreviation": "UBND", "place": "Thử"}, actor=None
    )
    signatory_add(
        issuer=issuers.of_area(province),
        full_name="Lê Văn Thử",
        title="Chủ tịch",
        authority="",
        actor=None,
    )
    for number, day in [("41/QĐ-UBND", date(2026, 1, 5)), ("43/QĐ-UBND", date(2026, 3, 1))]:
        assignment_decision_create(
            province=province,
            number=number,
            day=day,
            issuer="UBND tỉnh",
            subject="Phân công",
            actor=personas["province"],
        )

    def issue(on: date) -> int:
        draft = document_create(
            kind=Document.Kind.AREA_PLAN, issuer=issuers.of_area(province), actor=None, year=2026
        )
        return document_issue(document=draft, actor=None, issued_on=on).number

    # After 41 (typed in, of 05/01); 43 is typed in for March: the register skips it.
    assert issue(date(2026, 2, 1)) == 42
    assert issue(date(2026, 3, 5)) == 44
    # An agency's register is its own: the province's typed numbers are not in it.
    agency_issuer = issuers.of_agency(world.agency_a)
    issuer_profile_save(issuer=agency_issuer, data={"abbreviation": "SKH"}, actor=None)
    signatory_add(
        issuer=issuers.of_agency(world.agency_a),
        full_name="Trương Chí Trung",
        title="Giám đốc",
        authority="",
        actor=None,
    )
    plan = document_create(
        kind=Document.Kind.SPONSORSHIP_PLAN, issuer=issuers.of_agency(world.agency_a), actor=None
    )
    assert document_issue(document=plan, actor=None, issued_on=date(2026, 2, 1)).number == 1
