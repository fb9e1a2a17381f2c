"""Why a xã cannot open its recognition case (issue 25 §2), said on the province's case list and
on the commune's page: no official's account, no approved evaluation, criteria unmet (named),
recognised already — in bulk, the same queries for 3 xã as for 9."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communes.models import Edition
from criteria.models import Recognition
from criteria.recognition import recognition_case_open
from ntm_portal.models import Role

from .conftest import ALL_MET, approved_evaluation
from .factories import CommuneFactory, ProvinceFactory, UserFactory, small_catalogue

YEAR = timezone.localdate().year
NEW_UNITS = date(2025, 7, 1)


@pytest.fixture
def province(db):
    """A province of today's map built from factories: no districts, no seed names."""
    province = ProvinceFactory(edition=Edition.TWO_TIER_2025, valid_from=NEW_UNITS)
    office = UserFactory(role=Role.PROVINCE, province=province)
    criteria_set = small_catalogue()

    def xa(name: str, *, official: bool = True, values: dict | None = None):
        commune = CommuneFactory(
            district=None, province=province, name=f"Xã {name}", valid_from=NEW_UNITS
        )
        submitter = UserFactory(role=Role.COMMUNE, commune=commune)
        if values is not None:
            approved_evaluation(
                commune, criteria_set, YEAR, 1, values, submitter=submitter, reviewer=office
            )
        if not official:
            submitter.is_active = False
            submitter.save(update_fields=["is_active"])
        return commune, submitter

    return province, office, xa


def _obstacles(client, province) -> dict[str, list[str]]:
    response = client.get(reverse("criteria:case_list"))
    assert response.status_code == 200
    return {
        item.commune.name: [str(reason) for reason in item.reasons]
        for item in response.context["obstacles"]
    }


def test_the_case_list_says_why_each_xa_without_a_case_cannot_open_one(client, province):
    place, office, xa = province
    xa("Sẵn Sàng", values=ALL_MET)
    xa("Không Tài Khoản", official=False, values=ALL_MET)
    xa("Chưa Đạt", values={**ALL_MET, "2.1": "40"})
    xa("Chưa Đánh Giá")
    recognised, _official = xa("Kiểu Mẫu")
    for level in (Recognition.Level.NTM, Recognition.Level.NANG_CAO, Recognition.Level.KIEU_MAU):
        Recognition.objects.create(
            commune=recognised, level=level, decision_number="1/QĐ", decision_date=date(2024, 1, 2)
        )
    with_case, official = xa("Có Hồ Sơ", values=ALL_MET)
    recognition_case_open(
        commune=with_case, kind="recognition", level="ntm", year=YEAR, actor=official
    )
    client.force_login(office)
    found = _obstacles(client, place)
    assert "Xã Có Hồ Sơ" not in found
    assert found["Xã Sẵn Sàng"] == []
    assert found["Xã Không Tài Khoản"] == [
        "Chưa có tài khoản cán bộ xã: hồ sơ xét công nhận do cán bộ xã lập và gửi."
    ]
    (unmet,) = found["Xã Chưa Đạt"]
    assert "2/3 tiêu chí" in unmet
    assert "Còn chưa đạt: giao thông." in unmet
    (missing,) = found["Xã Chưa Đánh Giá"]
    assert missing.startswith("Chưa có đánh giá được duyệt")
    (held,) = found["Xã Kiểu Mẫu"]
    assert "đã được công nhận" in held
    page = client.get(reverse("criteria:case_list")).content.decode()
    assert "Vì sao chưa mở được hồ sơ" in page
    assert "Còn chưa đạt: giao thông." in page


def test_the_commune_official_is_not_told_of_the_obstacles_list(client, province):
    _place, _office, xa = province
    commune, official = xa("Chưa Đạt", values={**ALL_MET, "2.1": "40"})
    client.force_login(official)
    page = client.get(reverse("criteria:commune_status", args=[commune.pk])).content.decode()
    assert 'id="case-obstacles"' not in page
    # Their own page already says it, with what blocks it (criteria.recognition.case_readiness).
    assert "Còn chưa đạt: giao thông." in page


def test_another_province_office_sees_no_obstacles_of_this_province(client, province):
    place, _office, xa = province
    xa("Sẵn Sàng", values=ALL_MET)
    other = ProvinceFactory(edition=Edition.TWO_TIER_2025)
    client.force_login(UserFactory(role=Role.PROVINCE, province=other))
    response = client.get(reverse("criteria:case_list"), {"tinh": place.pk})
    assert response.context["obstacles"] == []


def test_the_obstacles_cost_the_same_queries_for_more_xa(client, province):
    _place, office, xa = province
    counts = []
    for batch in range(2):
        for index in range(1 if batch == 0 else 6):
            xa(f"Lô {batch}-{index}", values=ALL_MET if index % 2 else {**ALL_MET, "2.1": "1"})
            xa(f"Không {batch}-{index}", official=False)
        client.force_login(office)
        client.get(reverse("criteria:case_list"))
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("criteria:case_list"))
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
