"""The transfer of assignments across 01/07/2025: the proposal (whole merges, splits, conflicts),
its confirmation as one decision (once, whatever happens), bad input refused with nothing
written, the calendar planning the new communes only, and the page's constant query count."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection, connections
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communes.models import CommuneLineage, LineageKind
from ntm_portal.models import Role
from sponsorships.models import (
    Assignment,
    AssignmentDecision,
    AssignmentTransfer,
    Inspection,
    InspectionLog,
)
from sponsorships.services import (
    AlreadyTransferred,
    TransferRefused,
    agency_merge,
    assignments_transfer,
    inspections_plan,
)
from sponsorships.transfers import TransferChoices, transfer_plan

from .conftest import REORGANISED_ON
from .factories import AgencyFactory, AssignmentFactory, CommuneFactory, UserFactory

LAST_DAY = date(2025, 6, 30)
TODAY = date(2026, 12, 10)


@pytest.fixture(autouse=True)
def _december_2026(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)


@pytest.fixture
def assigned(world, reorganised):
    """Hội CCB sponsors Ba Tầng (target NTM 2025) and supervises Triệu Long (split); Sở KH&ĐT
    (world.agency_a) sponsors Thuận since 2020: Ba Tầng and Thuận both go into Xã Lìa."""
    ccb = AgencyFactory(province=world.province_a, name="Hội Cựu chiến binh tỉnh Quảng Trị")
    ba_tang = AssignmentFactory(
        agency=ccb, commune=world.commune_a1, target_level="ntm", target_year=2025
    )
    ba_tang.criteria_to_support.set(world.criteria_set.criteria.filter(number=2))
    trieu_long = AssignmentFactory(agency=ccb, commune=world.commune_a3, kind="phu_trach")
    return {
        "ccb": ccb,
        "ba_tang": ba_tang,
        "thuan": world.inspection_a2.assignment,
        "trieu_long": trieu_long,
    }


@pytest.fixture
def office(reorganised):
    return UserFactory(username="vpdp_2025", role=Role.PROVINCE, province=reorganised.province)


def _form(**fields) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            data.appendlist(name, str(item))
    return data


def _choices(reorganised, assigned, **extra) -> TransferChoices:
    """Triệu Long to Triệu Phong; Lìa keeps Hội CCB's sponsorship of Ba Tầng."""
    fields = {
        "assignment": [a.pk for a in assigned.values() if isinstance(a, Assignment)],
        f"successor_{assigned['trieu_long'].pk}": reorganised.trieu_phong.pk,
        f"keep_{reorganised.lia.pk}": assigned["ba_tang"].pk,
    }
    fields.update(extra)
    return TransferChoices.from_form(
        _form(**{name: value for name, value in fields.items() if value is not None})
    )


def _confirm(reorganised, office, choices, number="215/QĐ-UBND", day="15/07/2025", issuer=""):
    return assignments_transfer(
        province=reorganised.province,
        number=number,
        day=day,
        issuer=issuer,
        choices=choices,
        actor=office,
    )


def _written() -> tuple[int, ...]:
    return (
        AssignmentDecision.objects.count(),
        Assignment.objects.count(),
        AssignmentTransfer.objects.count(),
        InspectionLog.objects.count(),
        Inspection.objects.exclude(status="planned").count(),
        Assignment.objects.filter(end=LAST_DAY).count(),
    )


# --- The proposal ---------------------------------------------------------------------------


def test_proposal_gives_one_successor_to_a_whole_merger_and_candidates_to_a_split(
    world, reorganised, assigned
):
    plan = transfer_plan(province=reorganised.province)
    rows = {row.assignment.pk: row for row in plan.rows}
    assert set(rows) == {assigned["ba_tang"].pk, assigned["thuan"].pk, assigned["trieu_long"].pk}
    ba_tang = rows[assigned["ba_tang"].pk]
    assert (ba_tang.candidates, ba_tang.successor) == ([reorganised.lia], reorganised.lia)
    split = rows[assigned["trieu_long"].pk]
    assert split.is_split
    assert split.choice is None
    assert {c.name for c in split.candidates} == {"Xã Triệu Phong", "Xã Ái Tử"}
    assert split.lineage_kinds[reorganised.ai_tu.pk] == LineageKind.PART
    # Two agencies sponsor what is now one commune: shown, never merged silently.
    [conflict] = plan.conflicts
    assert conflict.successor == reorganised.lia
    assert conflict.reasons == [
        "2 cơ quan cùng đỡ đầu Xã Lìa: mỗi xã chỉ một cơ quan đỡ đầu, hãy giữ một."
    ]
    assert not conflict.may_keep_several
    assert plan.errors == {}


def test_one_agency_with_two_assignments_merging_is_a_conflict(world, reorganised, assigned):
    AssignmentFactory(agency=assigned["ccb"], commune=world.commune_a2, kind="phu_trach")
    [conflict] = transfer_plan(province=reorganised.province).conflicts
    assert conflict.reasons[0] == (
        "Hội Cựu chiến binh tỉnh Quảng Trị có 2 phân công (Xã Ba Tầng, Xã Thuận) cùng nhập vào "
        "Xã Lìa: một cơ quan chỉ giữ một phân công ở một xã."
    )
    # Sở KH&ĐT's sponsorship with Hội CCB's supervision may stay together.
    assert conflict.may_keep_several


def test_supervisors_may_both_be_kept(world, reorganised, assigned):
    assigned["ba_tang"].kind = "phu_trach"
    assigned["ba_tang"].save()
    assigned["thuan"].kind = "phu_trach"
    assigned["thuan"].save()
    choices = _choices(
        reorganised,
        assigned,
        **{f"keep_{reorganised.lia.pk}": [assigned["ba_tang"].pk, assigned["thuan"].pk]},
    )
    plan = transfer_plan(province=reorganised.province, choices=choices)
    assert plan.conflicts[0].reasons == [
        "2 cơ quan cùng phụ trách Xã Lìa: giữ một cơ quan hoặc giữ cả."
    ]
    assert plan.errors == {}
    assert sum(row.carried for row in plan.rows) == 3


def test_a_merged_agencys_assignment_is_proposed_for_the_agency_that_absorbed_it(
    world, reorganised, assigned, office
):
    ccb_qb = AgencyFactory(province=reorganised.neighbour, name="Hội Cựu chiến binh Quảng Bình")
    old = AssignmentFactory(agency=ccb_qb, commune=reorganised.quang_phu_2024)
    agency_merge(absorbed=ccb_qb, into=assigned["ccb"], on=REORGANISED_ON, actor=office)
    row = next(r for r in transfer_plan(province=reorganised.province).rows if r.assignment == old)
    assert (row.agency, row.successor) == (assigned["ccb"], reorganised.quang_phu)
    _confirm(
        reorganised, office, _choices(reorganised, assigned, assignment=_all_pending(assigned, old))
    )
    assert assigned["ccb"].assignments.filter(commune=reorganised.quang_phu).exists()


def _all_pending(assigned, *more) -> list[int]:
    return [a.pk for a in assigned.values() if isinstance(a, Assignment)] + [m.pk for m in more]


def test_an_assignment_the_new_commune_already_has_stays(world, reorganised, assigned, office):
    later = AssignmentFactory(
        agency=assigned["ccb"], commune=reorganised.lia, kind="phu_trach", start=date(2025, 8, 1)
    )
    plan = transfer_plan(province=reorganised.province)
    ba_tang = next(r for r in plan.rows if r.assignment == assigned["ba_tang"])
    assert ba_tang.blocked_by == later
    assert "đã được phân công Xã Lìa từ 01/08/2025" in ba_tang.blocked_reason
    assert plan.conflicts == []  # Sở KH&ĐT alone is carried to Lìa
    choices = TransferChoices.from_form(
        _form(
            assignment=_all_pending(assigned),
            **{f"successor_{assigned['trieu_long'].pk}": reorganised.ai_tu.pk},
        )
    )
    _confirm(reorganised, office, choices)
    record = AssignmentTransfer.objects.get(previous=assigned["ba_tang"])
    assert (record.outcome, record.assignment) == ("ended", later)


# --- Confirming ------------------------------------------------------------------------------


def test_confirming_ends_the_old_assignments_and_starts_the_new_ones_in_one_decision(
    world, reorganised, assigned, office
):
    # Planned before the reorganisation was entered: it goes with the assignment kept.
    q3 = Inspection.objects.create(
        assignment=assigned["ba_tang"],
        period_start=date(2025, 7, 1),
        period_end=date(2025, 9, 30),
        due_date=date(2025, 9, 30),
    )
    dropped_q3 = Inspection.objects.create(
        assignment=assigned["thuan"],
        period_start=date(2025, 7, 1),
        period_end=date(2025, 9, 30),
        due_date=date(2025, 9, 30),
    )
    decision = _confirm(reorganised, office, _choices(reorganised, assigned))

    assert (decision.province, decision.number, decision.date, decision.issuer) == (
        reorganised.province,
        "215/QĐ-UBND",
        date(2025, 7, 15),
        "UBND tỉnh Quảng Trị",
    )
    for old in (assigned["ba_tang"], assigned["thuan"], assigned["trieu_long"]):
        old.refresh_from_db()
        assert old.end == LAST_DAY
    lia = Assignment.objects.get(commune=reorganised.lia)
    assert (lia.agency, lia.kind, lia.start, lia.end, lia.decision) == (
        assigned["ccb"],
        "do_dau",
        REORGANISED_ON,
        None,
        decision,
    )
    assert (lia.target_level, lia.target_year) == ("ntm", 2025)
    # Criteria belong to the old criteria set: not carried, but written down.
    assert not lia.criteria_to_support.exists()
    assert "chưa chuyển sang bộ tiêu chí mới" in lia.notes
    split = Assignment.objects.get(commune=reorganised.trieu_phong)
    assert (split.agency, split.kind) == (assigned["ccb"], "phu_trach")
    assert not Assignment.objects.filter(commune=reorganised.ai_tu).exists()
    outcomes = dict(AssignmentTransfer.objects.values_list("previous__commune__name", "outcome"))
    assert outcomes == {"Xã Ba Tầng": "carried", "Xã Thuận": "ended", "Xã Triệu Long": "carried"}
    ended = AssignmentTransfer.objects.get(previous=assigned["thuan"])
    assert ended.assignment == lia
    assert "Giữ phân công của Hội Cựu chiến binh" in ended.reason
    assert AssignmentTransfer.objects.filter(created_by=office).count() == 3
    q3.refresh_from_db()
    dropped_q3.refresh_from_db()
    assert (q3.assignment, q3.status) == (lia, "planned")
    assert dropped_q3.status == "cancelled"
    # The transferred assignments leave the proposal.
    assert transfer_plan(province=reorganised.province).rows == []


def test_a_second_confirmation_writes_nothing_new(world, reorganised, assigned, office):
    _confirm(reorganised, office, _choices(reorganised, assigned))
    before = _written()
    with pytest.raises(AlreadyTransferred, match="215/QĐ-UBND"):
        _confirm(reorganised, office, _choices(reorganised, assigned))
    with pytest.raises(AlreadyTransferred):
        _confirm(reorganised, office, _choices(reorganised, assigned), number="216/QĐ-UBND")
    assert _written() == before


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_once_write_once(world, reorganised, assigned, office):
    outcomes, barrier = [], threading.Barrier(2)

    def confirm(number: str) -> None:
        try:
            barrier.wait()
            _confirm(reorganised, office, _choices(reorganised, assigned), number=number)
            outcomes.append("written")
        except AlreadyTransferred:
            outcomes.append("already")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(f"{n}/QĐ-UBND",)) for n in (301, 302)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already", "written"]
    assert AssignmentDecision.objects.filter(province=reorganised.province).count() == 1
    assert AssignmentTransfer.objects.count() == 3


BAD_INPUT = [
    ({"number": ""}, "number", "Số quyết định: hãy ghi số quyết định"),
    ({"day": "30/06/2025"}, "date", "Ngày quyết định: từ 01/07/2025 đến hôm nay (10/12/2026)."),
    ({"day": "01/01/2027"}, "date", "Ngày quyết định: từ 01/07/2025"),
    ({"day": "15-07-2025"}, "date", "Ngày quyết định: ghi theo dạng dd/mm/yyyy."),
    ({"issuer": "x" * 201}, "issuer", "Cơ quan ban hành: tối đa 200 ký tự."),
]


@pytest.mark.parametrize(("fields", "key", "message"), BAD_INPUT)
def test_bad_decision_fields_are_named_and_nothing_is_written(
    world, reorganised, assigned, office, fields, key, message
):
    before = _written()
    with pytest.raises(TransferRefused) as refused:
        _confirm(reorganised, office, _choices(reorganised, assigned), **fields)
    assert refused.value.errors[key].startswith(message)
    assert _written() == before


def test_a_decision_number_already_used_in_the_province_is_refused(
    world, reorganised, assigned, office
):
    AssignmentDecision.objects.create(
        province=reorganised.province, number="215/QĐ-UBND", date=date(2025, 7, 2), issuer="x"
    )
    before = _written()
    with pytest.raises(TransferRefused) as refused:
        _confirm(reorganised, office, _choices(reorganised, assigned))
    assert refused.value.errors["number"] == (
        "Số quyết định: Tỉnh Quảng Trị đã có quyết định số 215/QĐ-UBND."
    )
    assert _written() == before


def test_bad_choices_are_named_and_nothing_is_written(world, reorganised, assigned, office):
    trieu_long, lia = assigned["trieu_long"].pk, reorganised.lia.pk
    cases = [
        ({f"successor_{trieu_long}": None}, f"successor_{trieu_long}", "hãy chọn một xã"),
        (
            {f"successor_{trieu_long}": reorganised.lia.pk},
            f"successor_{trieu_long}",
            "không phải đơn vị kế tiếp của Xã Triệu Long",
        ),
        ({f"successor_{trieu_long}": "abc"}, f"successor_{trieu_long}", "không hợp lệ"),
        ({"successor_999999": 1}, "successor_999999", "không có trong danh sách"),
        ({f"keep_{lia}": None}, f"keep_{lia}", "Xã Lìa: chọn phân công được giữ."),
        ({f"keep_{lia}": assigned["trieu_long"].pk}, f"keep_{lia}", "một trong các phân công"),
        (
            {f"keep_{lia}": [assigned["ba_tang"].pk, assigned["thuan"].pk]},
            f"keep_{lia}",
            "Xã Lìa: Mỗi xã chỉ một cơ quan đỡ đầu.",
        ),
        ({"keep_999999": 1}, "keep_999999", "Không có xung đột"),
        ({"assignment": [assigned["ba_tang"].pk]}, "assignment", "tải lại trang"),
    ]
    before = _written()
    for extra, key, words in cases:
        with pytest.raises(TransferRefused) as refused:
            _confirm(reorganised, office, _choices(reorganised, assigned, **extra))
        assert words in refused.value.errors[key], (key, refused.value.errors)
    assert _written() == before


# --- The calendar ----------------------------------------------------------------------------


def test_the_calendar_plans_the_new_communes_only(world, reorganised, assigned, office):
    # Until the transfer is entered, beat keeps the old assignments' calendar going.
    inspections_plan(today=TODAY)
    after = Inspection.objects.filter(period_start__gt=LAST_DAY)
    old = set(after.values_list("assignment__commune__name", flat=True))
    assert old == {"Xã Ba Tầng", "Xã Thuận", "Xã Triệu Long", "Xã Bình Lư"}
    _confirm(reorganised, office, _choices(reorganised, assigned))
    # What was planned follows the assignment that continues; the rest is cancelled.
    planned = after.filter(status="planned")
    assert set(planned.values_list("assignment__commune__name", flat=True)) == {
        "Xã Lìa",
        "Xã Triệu Phong",
        "Xã Bình Lư",  # Lai Châu's, not this province's to transfer
    }
    assert after.filter(status="cancelled", assignment__commune=world.commune_a2).count() == 2
    assert inspections_plan(today=TODAY).created == 0
    # The next quarter: Lìa (sponsored) is planned, the old communes are not.
    next_quarter = date(2027, 4, 2)
    before = set(Inspection.objects.values_list("pk", flat=True))
    assert inspections_plan(today=next_quarter).created > 0
    new = Inspection.objects.exclude(pk__in=before)
    assert set(new.values_list("assignment__commune__name", flat=True)) == {
        "Xã Lìa",
        "Xã Triệu Phong",
        "Xã Bình Lư",
    }


# --- The page --------------------------------------------------------------------------------


def test_page_proposes_and_confirms(client, world, reorganised, assigned, office):
    client.force_login(office)
    url = reverse("sponsorships:transfer", args=[reorganised.province.pk])
    page = client.get(url).content.decode()
    assert "Xã tách (nhập một phần): chọn một xã." in page
    assert "2 cơ quan cùng đỡ đầu Xã Lìa" in page
    assert 'value="UBND tỉnh Quảng Trị"' in page
    assert "không chuyển được" in page
    data = {
        "assignment": _all_pending(assigned),
        f"successor_{assigned['trieu_long'].pk}": reorganised.trieu_phong.pk,
        f"keep_{reorganised.lia.pk}": assigned["ba_tang"].pk,
        "number": "",
        "date": "15/07/2025",
        "issuer": "UBND tỉnh Quảng Trị",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "Số quyết định: hãy ghi số quyết định" in refused.content.decode()
    assert not AssignmentDecision.objects.filter(province=reorganised.province).exists()
    done = client.post(url, {**data, "number": "215/QĐ-UBND"})
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert "2 phân công chuyển sang xã mới, 1 phân công kết thúc" in page
    assert "Không còn phân công nào trên xã cũ cần chuyển." in page
    again = client.post(url, {**data, "number": "215/QĐ-UBND"}, follow=True)
    assert "đã được chuyển theo quyết định 215/QĐ-UBND" in again.content.decode()
    assert AssignmentDecision.objects.filter(province=reorganised.province).count() == 1


def test_index_sends_an_office_to_its_province(client, reorganised, office, personas):
    client.force_login(office)
    response = client.get(reverse("sponsorships:transfer_index"))
    assert response["Location"] == reverse("sponsorships:transfer", args=[reorganised.province.pk])
    client.force_login(personas["admin"])
    assert "Tỉnh Quảng Trị" in client.get(reverse("sponsorships:transfer_index")).content.decode()


def test_other_offices_are_refused_and_nothing_is_written(client, world, reorganised, assigned):
    url = reverse("sponsorships:transfer", args=[reorganised.province.pk])
    for user in (
        UserFactory(role=Role.PROVINCE, province=world.province_b),
        UserFactory(role=Role.AGENCY, agency=assigned["ccb"]),
    ):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"number": "1/QĐ", "date": "15/07/2025"}).status_code == 404
    assert not AssignmentDecision.objects.filter(province=reorganised.province).exists()


def _more_communes(world, reorganised, count: int) -> None:
    """`count` more 2024 communes, each with two agencies' assignments, into new communes (every
    third one split), with criteria to support."""
    for index in range(count):
        old = CommuneFactory(district=world.district_a2)
        new = CommuneFactory(district=None, province=reorganised.province)
        CommuneLineage.objects.create(
            predecessor=old, successor=new, kind="whole", effective_on=REORGANISED_ON, source="t"
        )
        if index % 3 == 0:
            other = CommuneFactory(district=None, province=reorganised.province)
            CommuneLineage.objects.create(
                predecessor=old, successor=other, kind="part", effective_on=REORGANISED_ON
            )
        for kind in ("do_dau", "phu_trach"):
            assignment = AssignmentFactory(
                agency=AgencyFactory(province=world.province_a), commune=old, kind=kind
            )
            assignment.criteria_to_support.set(world.criteria_set.criteria.all())


def test_page_query_count_does_not_grow_with_the_province(
    client, world, reorganised, assigned, office
):
    client.force_login(office)
    url = reverse("sponsorships:transfer", args=[reorganised.province.pk])
    client.get(url)  # warm the session and the translation catalogue

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    _more_communes(world, reorganised, 3)
    small = count()
    _more_communes(world, reorganised, 30)
    large = count()
    assert len(transfer_plan(province=reorganised.province).rows) == 3 + 2 * 33
    assert small == large, (small, large)
