"""A district account after its district ended (issue 28 §6): it reads its district's history,
writes nothing, is told why on its pages, and the successor province's office sees it to lock it.
The world's district has no end date: the personas of the other tests keep reviewing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from communes.access import (
    can_lock_district_account,
    district_has_ended,
    ended_district_accounts,
)
from communes.models import Edition, LineageKind, ProvinceLineage
from criteria.access import can_review_commune, reviewers_of
from criteria.models import Evaluation
from ntm_portal.models import ApiToken, Role
from reports.access import can_plan_for_area, can_register_legal_documents

from .factories import ProvinceFactory, UserFactory

NOTICE = "Huyện Hướng Hóa đã kết thúc hoạt động từ 01/07/2025; tài khoản này chỉ còn xem lịch sử."


@pytest.fixture
def ended(world, personas):
    """Hướng Hóa ended on 30/06/2025; Quảng Trị went into the 2025 Quảng Trị."""
    world.district_a1.valid_to = date(2025, 6, 30)
    world.district_a1.save(update_fields=["valid_to"])
    successor = ProvinceFactory(
        edition=Edition.TWO_TIER_2025, short_name="Quảng Trị", name="Tỉnh Quảng Trị"
    )
    ProvinceLineage.objects.create(
        predecessor=world.province_a,
        successor=successor,
        kind=LineageKind.WHOLE,
        effective_on=date(2025, 7, 1),
    )
    Evaluation.objects.filter(pk=world.evaluation_a1.pk).update(status=Evaluation.Status.SUBMITTED)
    office = UserFactory(username="vpdp_2025", role=Role.PROVINCE, province=successor)
    district_user = personas["district"]
    district_user.refresh_from_db()
    return {"successor": successor, "office": office, "district": district_user}


def test_a_district_in_force_still_writes(world, personas):
    district_user = personas["district"]
    assert not district_has_ended(district_user)
    assert can_review_commune(district_user, world.commune_a1)
    assert district_user in reviewers_of(world.commune_a1)


def test_an_ended_districts_account_writes_nothing(world, ended):
    district_user = ended["district"]
    assert district_has_ended(district_user)
    assert not can_review_commune(district_user, world.commune_a1)
    assert not can_plan_for_area(district_user, world.district_a1)
    assert not can_plan_for_area(district_user, world.commune_a1)
    assert not can_register_legal_documents(district_user)
    # Nobody tells it of work it can no longer do.
    assert district_user not in reviewers_of(world.commune_a1)


def test_it_reads_its_history_and_is_told_why(client, world, ended):
    client.force_login(ended["district"])
    page = client.get(reverse("criteria:evaluation_detail", args=[world.evaluation_a1.pk]))
    assert page.status_code == 200
    assert NOTICE in page.content.decode()
    # The approve button is gone, and the approval itself is refused, nothing written.
    assert reverse("criteria:evaluation_approve", args=[world.evaluation_a1.pk]) not in (
        page.content.decode()
    )
    refused = client.post(
        reverse("criteria:evaluation_approve", args=[world.evaluation_a1.pk]),
        {"version": world.evaluation_a1.version},
    )
    assert refused.status_code == 403
    world.evaluation_a1.refresh_from_db()
    assert world.evaluation_a1.status == Evaluation.Status.SUBMITTED
    assert NOTICE in client.get(reverse("dashboards:overview")).content.decode()


def test_no_notice_while_the_district_is_in_force(client, world, personas):
    client.force_login(personas["district"])
    page = client.get(reverse("criteria:evaluation_detail", args=[world.evaluation_a1.pk]))
    assert "chỉ còn xem lịch sử" not in page.content.decode()


def test_the_successor_office_sees_and_locks_the_account(client, world, ended):
    office, district_user = ended["office"], ended["district"]
    assert list(ended_district_accounts(ended["successor"].pk)) == [district_user]
    ApiToken.objects.create(
        user=district_user,
        name="cũ",
        digest="a" * 64,
        prefix="abcdefgh",
        expires_at=datetime(2030, 1, 1, tzinfo=UTC),
    )
    client.force_login(office)
    start = reverse("reports:province_start", args=[ended["successor"].pk])
    page = client.get(start).content.decode()
    assert "huyen_p" in page
    assert "Huyện Hướng Hóa" in page
    lock = reverse("communes:district_account_lock", args=[district_user.pk])
    assert lock in page
    response = client.post(lock, {"next": start})
    assert response.status_code == 302
    assert response["Location"] == start
    district_user.refresh_from_db()
    assert not district_user.is_active
    assert not ApiToken.objects.filter(user=district_user, revoked_at__isnull=True).exists()
    assert lock not in client.get(start).content.decode()


def test_nobody_else_locks_it(client, world, ended, personas):
    district_user = ended["district"]
    # The office of another province, and the district account itself: 404, nothing written.
    other = UserFactory(username="vpdp_b", role=Role.PROVINCE, province=world.province_b)
    for user in (other, district_user, personas["agency"]):
        assert not can_lock_district_account(user, district_user)
        client.force_login(user)
        response = client.post(reverse("communes:district_account_lock", args=[district_user.pk]))
        assert response.status_code == 404
    district_user.refresh_from_db()
    assert district_user.is_active
    # A district still in force is not locked this way either.
    in_force = UserFactory(username="huyen_a2", role=Role.DISTRICT, district=world.district_a2)
    assert not can_lock_district_account(ended["office"], in_force)
