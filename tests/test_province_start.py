""" "Bắt đầu với tỉnh" (issue 25): what a province's office has set up and what is missing, for any
province of today's map, in a fixed number of queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communes.models import Edition
from criteria.models import Recognition
from criteria.services import commune_groups_decide, evaluation_create
from ntm_portal.models import Role
from reports.models import IssuerProfile, Signatory
from sponsorships.models import AssignmentDecision

from .conftest import load_qd51
from .factories import AgencyFactory, CommuneFactory, ProvinceFactory, UserFactory, VillageFactory


def _province(size: int):
    """A province of the two-tier map with `size` xã and a phường, no districts, no seed names."""
    province = ProvinceFactory(edition=Edition.TWO_TIER_2025)
    xa = [CommuneFactory(district=None, province=province) for _ in range(size)]
    CommuneFactory(district=None, province=province, kind="phuong", name="Phường thử")
    return province, xa


def _office(province):
    return UserFactory(role=Role.PROVINCE, province=province)


def _url(province) -> str:
    return reverse("reports:province_start", args=[province.pk])


def _steps(response) -> dict[str, object]:
    return {str(step.title): step for step in response.context["steps"]}


def _fill(province, xa, qd51, actor) -> None:
    """Everything a province sets up, for the first of its xã (the others stay missing)."""
    first = xa[0]
    UserFactory(role=Role.COMMUNE, commune=first)
    # An account locked is no account.
    UserFactory(role=Role.COMMUNE, commune=xa[1], is_active=False)
    VillageFactory(commune=first)
    agency = AgencyFactory(province=province)
    UserFactory(role=Role.AGENCY, agency=agency)
    AgencyFactory(province=province)
    AssignmentDecision.objects.create(
        province=province, number="1/QĐ-UBND", date=date(2026, 1, 5), issuer="UBND tỉnh"
    )
    commune_groups_decide(
        province=province,
        number="2/QĐ-UBND",
        day=date(2026, 1, 10),
        groups={first.pk: 1},
        actor=actor,
    )
    Recognition.objects.create(
        commune=first,
        level=Recognition.Level.NTM,
        decision_number="3/QĐ-UBND",
        decision_date=date(2020, 12, 1),
    )
    evaluation_create(commune=first, criteria_set=qd51, year=2026, half=1, actor=None)
    profile = IssuerProfile.objects.create(province=province, place="Thử")
    Signatory.objects.create(profile=profile, full_name="Nguyễn Văn A", title="Chủ tịch")


@pytest.mark.django_db
def test_a_new_province_sees_every_step_missing_in_order(client):
    province, _xa = _province(3)
    client.force_login(_office(province))
    response = client.get(_url(province))
    assert response.status_code == 200
    steps = response.context["steps"]
    assert not any(step.done for step in steps)
    titles = [str(step.title) for step in steps]
    assert titles[0] == "Thông tin Ủy ban nhân dân tỉnh và người ký"
    assert titles.index("Tài khoản cán bộ xã") < titles.index("Quyết định công nhận đã có")
    by_title = _steps(response)
    # The phường is not a xã: the programme scores xã only.
    assert by_title["Tài khoản cán bộ xã"].figure == "3/3 xã chưa có tài khoản"
    assert by_title["Quyết định phân nhóm xã (QĐ 51/2025/QĐ-TTg)"].figure == "3/3 xã chưa có nhóm"
    page = response.content.decode()
    assert "3/3 xã chưa có tài khoản" in page
    assert reverse("criteria:commune_groups", args=[province.pk]) in page


@pytest.mark.django_db
def test_what_is_set_up_is_counted_and_ticked(client, tmp_path):
    province, xa = _province(4)
    office = _office(province)
    _fill(province, xa, load_qd51(tmp_path), office)
    client.force_login(office)
    steps = _steps(client.get(_url(province)))
    assert steps["Thông tin Ủy ban nhân dân tỉnh và người ký"].done
    assert steps["Tài khoản cán bộ xã"].figure == "3/4 xã chưa có tài khoản"
    assert not steps["Tài khoản cán bộ xã"].done
    assert steps["Thôn, bản của các xã"].figure == "3/4 xã chưa có thôn · 1 thôn đã nhập"
    assert steps["Cơ quan đỡ đầu, phụ trách và tài khoản thành viên"].figure == (
        "2 cơ quan · 1 cơ quan chưa có tài khoản thành viên"
    )
    assert steps["Quyết định phân công đỡ đầu, phụ trách"].done
    assert steps["Quyết định phân nhóm xã (QĐ 51/2025/QĐ-TTg)"].figure == "3/4 xã chưa có nhóm"
    assert steps["Quyết định công nhận đã có"].figure == "1/4 xã đang được công nhận"
    assert steps["Quyết định công nhận đã có"].done
    assert (
        steps["Kỳ đánh giá đầu tiên theo bộ tiêu chí hiện hành"].figure == "1/4 xã đã có đánh giá"
    )
    register = steps[f"Sổ đăng ký văn bản năm {timezone.localdate().year}"]
    assert not register.done


@pytest.mark.django_db
def test_the_province_office_of_another_province_gets_404_and_admins_open_any(client):
    province, _xa = _province(2)
    other, _ = _province(1)
    client.force_login(_office(other))
    assert client.get(_url(province)).status_code == 404
    client.force_login(UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True))
    assert client.get(_url(province)).status_code == 200
    official = UserFactory(role=Role.COMMUNE, commune=_xa[0])
    client.force_login(official)
    assert client.get(_url(province)).status_code == 404


@pytest.mark.django_db
def test_the_office_finds_the_page_in_its_menu(client):
    province, _xa = _province(1)
    client.force_login(_office(province))
    page = client.get(reverse("communes:province_detail", args=[province.pk])).content.decode()
    assert f'href="{_url(province)}"' in page
    assert "Bắt đầu với tỉnh" in page


@pytest.mark.django_db
def test_the_query_count_does_not_grow_with_the_province(client, tmp_path):
    qd51 = load_qd51(tmp_path)
    counts = []
    for size in (2, 12):
        province, xa = _province(size)
        office = _office(province)
        _fill(province, xa, qd51, office)
        for commune in xa[2:]:
            UserFactory(role=Role.COMMUNE, commune=commune)
            VillageFactory(commune=commune)
        client.force_login(office)
        client.get(_url(province))  # warms the session and the caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(province)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # Session, user, menu (7 of them the figures: issuer 2, places 2, criteria 1, agencies 2),
    # and the accounts of ended districts still open (1).
    assert counts[0] <= 12, counts
