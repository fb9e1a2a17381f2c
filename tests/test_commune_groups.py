"""Commune groups (QĐ 51/2025/QĐ-TTg): province decisions, the group in force on a day, the
province page that records them, its refusals, its query count, and the recompute after it."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from communes.models import Commune, Edition
from criteria.groups import group_on, groups_on
from criteria.models import CommuneGroupDecision, CommuneGroupSetting, Evaluation, EvaluationLog
from criteria.services import (
    GroupDecisionRejected,
    commune_groups_decide,
    evaluation_create,
    evaluation_save_values,
    subject_of,
)
from ntm_portal.models import Role

from .factories import CommuneFactory, UserFactory


def _url(province) -> str:
    return reverse("criteria:commune_groups", args=[province.pk])


def _decide(world, groups, number="12/QĐ-UBND", day=date(2026, 3, 1), **extra):
    return commune_groups_decide(
        province=world.province,
        number=number,
        day=day,
        groups={commune.pk: group for commune, group in groups.items()},
        actor=world.staff,
        **extra,
    )


# --- The rule: the group in force on a day -------------------------------------------------------


def test_the_group_in_force_is_the_latest_decision_applying_on_that_day(two_tier):
    xa = two_tier.xa_1
    _decide(two_tier, {xa: 2}, number="10/QĐ-UBND", day=date(2026, 3, 1))
    _decide(
        two_tier,
        {xa: 1},
        number="55/QĐ-UBND",
        day=date(2026, 11, 20),
        applies_from=date(2027, 1, 1),
    )
    # A corrigendum applying from the same day as the first decision replaces it.
    _decide(two_tier, {two_tier.xa_2: 3}, number="11/QĐ-UBND", day=date(2026, 3, 1))
    _decide(two_tier, {two_tier.xa_2: 2}, number="11a/QĐ-UBND", day=date(2026, 3, 1))

    assert group_on(xa.pk, date(2026, 2, 28)) is None
    assert group_on(xa.pk, date(2026, 3, 1)) == 2
    assert group_on(xa.pk, date(2026, 12, 31)) == 2
    assert group_on(xa.pk, date(2027, 1, 1)) == 1
    assert group_on(two_tier.xa_2.pk, date(2026, 6, 30)) == 2
    assert groups_on([(xa.pk, date(2026, 6, 30)), (xa.pk, date(2027, 6, 30))]) == {
        (xa.pk, date(2026, 6, 30)): 2,
        (xa.pk, date(2027, 6, 30)): 1,
    }


def test_the_evaluation_takes_the_group_in_force_at_the_end_of_its_period(two_tier):
    _decide(two_tier, {two_tier.xa_1: 3}, day=date(2026, 6, 1), applies_from=date(2026, 7, 1))
    first_half = evaluation_create(
        commune=two_tier.xa_1, criteria_set=two_tier.qd51, year=2026, half=1, actor=None
    )
    second_half = evaluation_create(
        commune=two_tier.xa_1, criteria_set=two_tier.qd51, year=2026, half=2, actor=None
    )
    assert subject_of(first_half).group is None
    assert subject_of(second_half).group == 3


# --- Recompute after a decision -----------------------------------------------------------------


def _values(evaluation: Evaluation, actor, **by_number) -> None:
    ids = dict(evaluation.criteria_set.criteria.values_list("indicators__number", "indicators__pk"))
    evaluation_save_values(
        evaluation=evaluation,
        raw_values={ids[number.replace("_", ".")[1:]]: raw for number, raw in by_number.items()},
        notes={},
        version=evaluation.version,
        actor=actor,
    )


def test_a_decision_recomputes_open_evaluations_and_records_each_changed_tally(two_tier):
    evaluation = evaluation_create(
        commune=two_tier.xa_1, criteria_set=two_tier.qd51, year=2026, half=2, actor=None
    )
    # Criterion 4: three percentages with thresholds by group only.
    _values(evaluation, two_tier.official, i4_1="94", i4_2="78", i4_3="32")
    evaluation.refresh_from_db()
    result = evaluation.results.get(criterion__number=4)
    assert result.met is None
    before = evaluation.undecided_count
    assert before == 10  # nothing decided yet without a group (and most values missing)

    decision = _decide(two_tier, {two_tier.xa_1: 2})
    evaluation.refresh_from_db()
    assert evaluation.results.get(criterion__number=4).met is True  # ≥ 93, 75, 30 in group 2
    assert evaluation.met_count == 1
    assert evaluation.undecided_count == 9
    entry = evaluation.log.get(action=EvaluationLog.Action.RECOMPUTED)
    assert entry.old_value == "0/10 (10 chưa xác định)"
    assert entry.new_value == "1/10 (9 chưa xác định)"
    assert entry.reason == str(decision) == "Quyết định số 12/QĐ-UBND ngày 01/03/2026"
    assert entry.actor == two_tier.staff

    # Group 1 asks more (≥ 95%): the next decision moves the tally back, and says so.
    _decide(two_tier, {two_tier.xa_1: 1}, number="13/QĐ-UBND", day=date(2026, 4, 1))
    evaluation.refresh_from_db()
    assert evaluation.results.get(criterion__number=4).met is False
    assert evaluation.log.filter(action=EvaluationLog.Action.RECOMPUTED).count() == 2


def test_an_approved_evaluation_stays_locked_through_a_decision(two_tier):
    evaluation = evaluation_create(
        commune=two_tier.xa_1, criteria_set=two_tier.qd51, year=2026, half=2, actor=None
    )
    _values(evaluation, two_tier.official, i4_1="94", i4_2="78", i4_3="32")
    Evaluation.objects.filter(pk=evaluation.pk).update(status=Evaluation.Status.APPROVED)
    _decide(two_tier, {two_tier.xa_1: 2})
    evaluation.refresh_from_db()
    assert evaluation.met_count == 0
    assert not evaluation.log.filter(action=EvaluationLog.Action.RECOMPUTED).exists()


# --- The page -----------------------------------------------------------------------------------


def test_province_staff_record_a_decision_for_many_xa_at_once(client, two_tier):
    client.force_login(two_tier.staff)
    page = client.get(_url(two_tier.province)).content.decode()
    assert "Xã Ba Tầng" in page
    assert "Xã Hướng Lập" in page
    assert "Phường Đông Hà" not in page  # only xã have groups
    assert "Xã Ia Grai" not in page
    assert "chưa có nhóm" in page
    assert "giáp ranh đô thị" in page  # the groups are described
    assert "khu vực II, khu vực III" in page

    response = client.post(
        _url(two_tier.province),
        {
            "number": " 125/QĐ-UBND ",
            "date": "2026-03-10",
            "applies_from": "",
            "issuer": "",
            f"group_{two_tier.xa_1.pk}": "3",
            f"group_{two_tier.xa_2.pk}": "2",
        },
    )
    assert response.status_code == 302
    decision = CommuneGroupDecision.objects.get()
    assert (decision.number, decision.date, decision.applies_from) == (
        "125/QĐ-UBND",
        date(2026, 3, 10),
        date(2026, 3, 10),
    )
    assert decision.issuer == "UBND tỉnh Quảng Trị"
    assert decision.created_by == two_tier.staff
    assert dict(decision.settings.values_list("commune_id", "group")) == {
        two_tier.xa_1.pk: 3,
        two_tier.xa_2.pk: 2,
    }
    page = client.get(response["Location"]).content.decode()
    assert "Đã ghi nhận Quyết định số 125/QĐ-UBND ngày 10/03/2026: 2 xã." in page
    assert "Nhóm 3" in page
    assert "Số 125/QĐ-UBND ngày 10/03/2026" in page


def test_the_dd_mm_yyyy_date_is_read_and_blank_rows_are_not_in_the_decision(client, two_tier):
    client.force_login(two_tier.staff)
    response = client.post(
        _url(two_tier.province),
        {
            "number": "7/QĐ-UBND",
            "date": "05/03/2026",
            "applies_from": "01/04/2026",
            "issuer": "Chủ tịch UBND tỉnh Quảng Trị",
            f"group_{two_tier.xa_1.pk}": "1",
            f"group_{two_tier.xa_2.pk}": "",
        },
    )
    assert response.status_code == 302
    decision = CommuneGroupDecision.objects.get()
    assert decision.applies_from == date(2026, 4, 1)
    assert decision.issuer == "Chủ tịch UBND tỉnh Quảng Trị"
    assert list(decision.settings.values_list("commune_id", flat=True)) == [two_tier.xa_1.pk]


def _bad_inputs(world) -> list[tuple[str, dict, str]]:
    ok = {"number": "9/QĐ-UBND", "date": "2026-03-01", f"group_{world.xa_1.pk}": "2"}
    ancient = CommuneFactory(short_name="Ba Tầng cũ", name="Xã Ba Tầng")  # 2024 edition
    return [
        ("empty number", {**ok, "number": ""}, "Số quyết định: không được để trống."),
        ("blank number", {**ok, "number": "   "}, "Số quyết định: không được để trống."),
        ("long number", {**ok, "number": "9" * 51}, "Số quyết định: tối đa 50 ký tự."),
        ("no date", {**ok, "date": ""}, "Ngày quyết định: không được để trống"),
        ("bad date", {**ok, "date": "31/02/2026"}, "Ngày quyết định: ngày không hợp lệ"),
        ("text date", {**ok, "date": "hôm qua"}, "Ngày quyết định: ngày không hợp lệ"),
        ("date before", {**ok, "date": "2024-12-31"}, "Ngày quyết định: phải trong khoảng"),
        ("date after", {**ok, "date": "2101-01-01"}, "Ngày quyết định: phải trong khoảng"),
        ("huge year", {**ok, "date": "99999-01-01"}, "Ngày quyết định: ngày không hợp lệ"),
        (
            "applies before",
            {**ok, "applies_from": "01/01/1999"},
            "Áp dụng từ ngày: phải trong khoảng",
        ),
        ("applies bad", {**ok, "applies_from": "x"}, "Áp dụng từ ngày: ngày không hợp lệ"),
        ("long issuer", {**ok, "issuer": "U" * 201}, "Cơ quan ban hành: tối đa 200 ký tự."),
        ("no xã", {**ok, f"group_{world.xa_1.pk}": ""}, "Nhóm xã: chọn nhóm cho ít nhất một xã."),
        ("group 4", {**ok, f"group_{world.xa_1.pk}": "4"}, "Nhóm xã: chỉ chọn nhóm 1, 2 hoặc 3."),
        ("group text", {**ok, f"group_{world.xa_1.pk}": "hai"}, "Nhóm xã: chỉ chọn nhóm 1"),
        ("unknown xã", {**ok, "group_987654321": "1"}, "(không có, mã 987654321)"),
        ("not an id", {**ok, "group_abc": "1"}, "Xã: không xác định được xã «abc»."),
        (
            "other province",
            {**ok, f"group_{world.other_xa.pk}": "1"},
            "Xã: Xã Ia Grai không phải xã từ 01/07/2025 của Tỉnh Quảng Trị.",
        ),
        (
            "2024 edition",
            {**ok, f"group_{ancient.pk}": "1"},
            "Xã: Xã Ba Tầng không phải xã từ 01/07/2025",
        ),
        (
            "a ward",
            {**ok, f"group_{world.ward.pk}": "1"},
            "Xã: Phường Đông Hà không phải xã từ 01/07/2025",
        ),
    ]


def test_every_bad_input_is_named_in_vietnamese_and_nothing_is_written(client, two_tier):
    client.force_login(two_tier.staff)
    for name, data, message in _bad_inputs(two_tier):
        response = client.post(_url(two_tier.province), data)
        assert response.status_code == 200, name
        page = response.content.decode()
        assert message in page, (name, message)
        assert "Chưa ghi nhận quyết định" in page, name
        assert not CommuneGroupDecision.objects.exists(), name
        assert not CommuneGroupSetting.objects.exists(), name


def test_a_decision_number_and_date_are_recorded_once_per_province(client, two_tier):
    _decide(two_tier, {two_tier.xa_1: 2}, number="12/QĐ-UBND", day=date(2026, 3, 1))
    client.force_login(two_tier.staff)
    response = client.post(
        _url(two_tier.province),
        {"number": "12/qđ-ubnd", "date": "01/03/2026", f"group_{two_tier.xa_2.pk}": "1"},
    )
    assert response.status_code == 200
    assert (
        "Số quyết định: Tỉnh Quảng Trị đã ghi nhận quyết định số 12/qđ-ubnd ngày 01/03/2026."
        in response.content.decode()
    )
    assert CommuneGroupDecision.objects.count() == 1
    assert CommuneGroupSetting.objects.count() == 1
    # The same number on another day of the year: the register gave it to the first one.
    with pytest.raises(GroupDecisionRejected, match="đã dùng cho quyết định 12/QĐ-UBND"):
        _decide(two_tier, {two_tier.xa_2: 1}, number="12/QĐ-UBND", day=date(2026, 3, 2))
    # Another province's register has its own 12.
    commune_groups_decide(
        province=two_tier.other_province,
        number="12/QĐ-UBND",
        day=date(2026, 3, 1),
        groups={two_tier.other_xa.pk: 3},
        actor=two_tier.other_staff,
    )
    assert CommuneGroupDecision.objects.count() == 2


def test_the_service_refuses_a_province_of_the_2024_edition(two_tier, world):
    with pytest.raises(GroupDecisionRejected) as refused:
        commune_groups_decide(
            province=world.province_a,
            number="1/QĐ-UBND",
            day=date(2026, 3, 1),
            groups={world.commune_a1.pk: 1},
            actor=None,
        )
    assert "Tỉnh: nhóm xã chỉ xác định cho các xã từ 01/07/2025" in str(refused.value)
    assert not CommuneGroupDecision.objects.exists()


# --- Who may -------------------------------------------------------------------------------------


def test_only_the_provinces_own_staff_and_admins_reach_the_page(client, two_tier, world):
    admin = UserFactory(username="qt", role=Role.ADMIN, is_staff=True, is_superuser=True)
    agency_member = UserFactory(username="cq", role=Role.AGENCY, agency=world.agency_a)
    data = {"number": "1/QĐ-UBND", "date": "2026-03-01", f"group_{two_tier.xa_1.pk}": "1"}
    expected = [
        (two_tier.staff, two_tier.province, 200),
        (admin, two_tier.province, 200),
        (admin, two_tier.other_province, 200),
        (two_tier.other_staff, two_tier.province, 404),
        (two_tier.official, two_tier.province, 404),
        (agency_member, two_tier.province, 404),
        # A three-tier province has no groups, not even for admins.
        (admin, world.province_a, 404),
    ]
    for user, province, status in expected:
        client.force_login(user)
        assert client.get(_url(province)).status_code == status, (user, province)
        if status == 404:
            assert client.post(_url(province), data).status_code == 404, (user, province)
    assert not CommuneGroupDecision.objects.exists()
    client.logout()
    response = client.get(_url(two_tier.province))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_province_page_links_to_the_groups_for_its_staff(client, two_tier):
    client.force_login(two_tier.staff)
    page = client.get(reverse("communes:province_detail", args=[two_tier.province.pk]))
    assert _url(two_tier.province) in page.content.decode()
    client.force_login(two_tier.official)
    page = client.get(reverse("communes:province_detail", args=[two_tier.province.pk]))
    assert _url(two_tier.province) not in page.content.decode()


def test_the_list_keeps_its_query_count_whatever_the_number_of_xa(
    client, two_tier, django_assert_num_queries
):
    client.force_login(two_tier.staff)
    url = _url(two_tier.province)
    _decide(two_tier, {two_tier.xa_1: 1, two_tier.xa_2: 2})
    client.get(url)  # warm the session
    with django_assert_num_queries(6) as small:
        assert client.get(url).status_code == 200
    more = [
        CommuneFactory(district=None, province=two_tier.province, edition=Edition.TWO_TIER_2025)
        for _ in range(30)
    ]
    _decide(two_tier, dict.fromkeys(more[:20], 3), number="2/QĐ-UBND", day=date(2026, 5, 1))
    _decide(two_tier, dict.fromkeys(more[10:], 1), number="3/QĐ-UBND", day=date(2026, 6, 1))
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('name="group_') == 32


def test_the_list_exports_the_roster_columns(client, two_tier):
    _decide(two_tier, {two_tier.xa_1: 3}, number="12/QĐ-UBND", day=date(2026, 3, 1))
    client.force_login(two_tier.staff)
    response = client.get(_url(two_tier.province), {"xuat": "csv"})
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[0] == [
        "Tỉnh",
        "Mã xã",
        "Xã",
        "Nhóm",
        "Số quyết định",
        "Ngày quyết định",
        "Áp dụng từ ngày",
        "Cơ quan ban hành",
    ]
    by_name = {row[2]: row for row in rows[1:]}
    assert by_name["Xã Ba Tầng"][3:5] == ["3", "12/QĐ-UBND"]
    assert by_name["Xã Hướng Lập"][3] == ""
    assert Commune.objects.get(pk=two_tier.xa_1.pk).group_settings.count() == 1
