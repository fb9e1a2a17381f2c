"""Agencies merge and move across the reorganisation: Sở Kế hoạch và Đầu tư into Sở Tài chính
(01/03/2025), Hội CCB Quảng Bình into Hội CCB Quảng Trị once Quảng Trị is a 2025 province.
The absorbed agency stays readable under its own name; its members and work move on."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from communes.models import Commune
from ntm_portal.models import Role
from reports.access import documents_visible_to
from sponsorships.access import agencies_visible_to, can_file_report, inspections_visible_to
from sponsorships.models import Agency, AgencyChange, Assignment, Inspection, InspectionLog
from sponsorships.services import SponsorshipError, agency_merge, agency_rehome, assignment_create

from .factories import AgencyFactory, AssignmentFactory, UserFactory

MERGER = date(2025, 3, 1)


@pytest.fixture
def finance(world) -> Agency:
    return AgencyFactory(province=world.province_a, name="Sở Tài chính Quảng Trị")


def _planned(assignment: Assignment, start: date, end: date) -> Inspection:
    return Inspection.objects.create(
        assignment=assignment, period_start=start, period_end=end, due_date=end
    )


def test_merge_keeps_history_moves_members_and_carries_running_assignments(
    world, personas, finance
):
    old = world.inspection_a2.assignment  # Sở KH&ĐT sponsors Thuận since 14/07/2020
    old.criteria_to_support.set(world.criteria_set.criteria.all()[:1])
    first_quarter = _planned(old, date(2025, 1, 1), date(2025, 3, 31))
    change = agency_merge(
        absorbed=world.agency_a, into=finance, on=MERGER, actor=personas["province"]
    )

    world.agency_a.refresh_from_db()
    assert (world.agency_a.merged_into, world.agency_a.merged_on) == (finance, MERGER)
    assert world.agency_a.name == "Sở Kế hoạch và Đầu tư Quảng Trị"  # its name stays
    assert (change.actor, change.kind, change.into) == (personas["province"], "merge", finance)
    assert change.detail["members"] == [{"id": personas["agency"].pk, "username": "skhdt_p"}]
    personas["agency"].refresh_from_db()
    assert personas["agency"].agency == finance

    old.refresh_from_db()
    assert old.end == date(2025, 2, 28)
    new = finance.assignments.get()
    assert (new.commune, new.kind, new.start, new.end) == (old.commune, old.kind, MERGER, None)
    assert list(new.criteria_to_support.all()) == list(old.criteria_to_support.all())
    assert "Tiếp nhận từ Sở Kế hoạch và Đầu tư Quảng Trị" in new.notes
    # The quarter still to inspect goes with the assignment that continues; the past stays.
    first_quarter.refresh_from_db()
    assert first_quarter.assignment == new
    assert first_quarter.log.get().action == InspectionLog.Action.TRANSFERRED
    assert Inspection.objects.get(pk=world.inspection_a2.pk).assignment == old


def test_the_surviving_agencys_members_read_the_absorbed_agencys_work(world, personas, finance):
    agency_merge(absorbed=world.agency_a, into=finance, on=MERGER, actor=personas["province"])
    member = personas["agency"]
    member.refresh_from_db()
    assert world.inspection_a2 in inspections_visible_to(member)
    assert world.document_a in documents_visible_to(member)
    assert world.agency_a in agencies_visible_to(member)
    # Reading, not writing: the old inspection's report is the absorbed agency's.
    assert not can_file_report(member, world.inspection_a2)
    newcomer = UserFactory(role=Role.AGENCY, agency=finance)
    assert world.inspection_a2 in inspections_visible_to(newcomer)
    # Mergers of mergers are followed: Sở Tài chính merged in turn.
    treasury = AgencyFactory(province=world.province_a, name="Kho bạc")
    agency_merge(absorbed=finance, into=treasury, on=date(2025, 6, 1), actor=personas["admin"])
    assert world.inspection_a2 in inspections_visible_to(
        UserFactory(role=Role.AGENCY, agency=treasury)
    )
    assert world.inspection_a2 not in inspections_visible_to(
        UserFactory(role=Role.AGENCY, agency=world.agency_b)
    )


def test_merge_refusals_write_nothing(world, personas, finance):
    cases = [
        (world.agency_a, world.agency_a, MERGER, "cơ quan khác"),
        (world.agency_a, world.agency_b, MERGER, "không thuộc cùng một tỉnh"),
        (world.agency_a, finance, date(2099, 1, 1), "tương lai"),
    ]
    for absorbed, into, on, words in cases:
        with pytest.raises(SponsorshipError, match=words):
            agency_merge(absorbed=absorbed, into=into, on=on, actor=personas["province"])
    assert not AgencyChange.objects.exists()
    assert Agency.objects.filter(merged_into__isnull=False).count() == 0
    agency_merge(absorbed=world.agency_a, into=finance, on=MERGER, actor=personas["province"])
    counts = (AgencyChange.objects.count(), Assignment.objects.count())
    with pytest.raises(SponsorshipError, match="đã sáp nhập vào Sở Tài chính Quảng Trị"):
        agency_merge(absorbed=world.agency_a, into=finance, on=MERGER, actor=personas["province"])
    assert (AgencyChange.objects.count(), Assignment.objects.count()) == counts
    # A merged agency takes no new assignment after the merger.
    with pytest.raises(SponsorshipError, match="đã sáp nhập"):
        assignment_create(
            agency=world.agency_a, commune=world.commune_a3, kind="do_dau", start=date(2025, 4, 1)
        )


def test_merge_ends_without_carrying_where_the_surviving_agency_is_already(
    world, personas, finance
):
    AssignmentFactory(agency=finance, commune=world.commune_a2, kind="phu_trach")
    agency_merge(absorbed=world.agency_a, into=finance, on=MERGER, actor=personas["province"])
    assert finance.assignments.count() == 1
    assert world.inspection_a2.assignment.__class__.objects.get(
        pk=world.inspection_a2.assignment_id
    ).end == date(2025, 2, 28)


def test_province_agencies_move_to_the_2025_province_and_merge_there(world, reorganised, personas):
    ccb_qt = AgencyFactory(province=world.province_a, name="Hội Cựu chiến binh tỉnh Quảng Trị")
    ccb_qb = AgencyFactory(
        province=reorganised.neighbour, name="Hội Cựu chiến binh tỉnh Quảng Bình"
    )
    old = AssignmentFactory(agency=ccb_qb, commune=reorganised.quang_phu_2024)
    office = UserFactory(role=Role.PROVINCE, province=reorganised.province)

    change = agency_rehome(agency=ccb_qt, province=reorganised.province, actor=office)
    assert (change.from_province, change.to_province, change.on) == (
        world.province_a,
        reorganised.province,
        date(2025, 7, 1),
    )
    ccb_qt.refresh_from_db()
    assert ccb_qt.province == reorganised.province
    with pytest.raises(SponsorshipError, match="không phải tỉnh"):
        agency_rehome(agency=world.agency_b, province=reorganised.province, actor=office)
    twin = AgencyFactory(province=world.province_a, name=ccb_qt.name)
    with pytest.raises(SponsorshipError, match="hãy sáp nhập"):
        agency_rehome(agency=twin, province=reorganised.province, actor=office)

    merge = agency_merge(absorbed=ccb_qb, into=ccb_qt, on=date(2025, 7, 1), actor=office)
    # Its assignment is on a 2024 commune: the transfer page carries it, to Hội CCB Quảng Trị.
    assert merge.detail["left_for_transfer"] == [old.pk]
    old.refresh_from_db()
    assert (old.agency, old.end) == (ccb_qb, None)


def test_merge_and_rehome_pages(client, world, reorganised, personas, finance):
    office = UserFactory(role=Role.PROVINCE, province=reorganised.province)
    client.force_login(office)
    url = reverse("sponsorships:agency_merge", args=[world.agency_a.pk])
    page = client.get(url, {"into": finance.pk, "on": "01/03/2025"})
    assert page.status_code == 200
    assert "Chuyển cho Sở Tài chính Quảng Trị từ 01/03/2025." in page.content.decode()
    assert not AgencyChange.objects.exists()  # the preview writes nothing
    bad = client.post(url, {"into": world.agency_b.pk, "on": "01/03/2025"})
    assert "Cơ quan tiếp nhận: hãy chọn một cơ quan trong danh sách." in bad.content.decode()
    bad = client.post(url, {"into": finance.pk, "on": "31/02/2025"})
    assert "Ngày sáp nhập: ghi theo dạng dd/mm/yyyy" in bad.content.decode()
    assert not AgencyChange.objects.exists()
    done = client.post(url, {"into": finance.pk, "on": "01/03/2025"})
    assert done.status_code == 302
    detail = client.get(reverse("sponsorships:agency_detail", args=[world.agency_a.pk]))
    assert "Đã sáp nhập từ 01/03/2025 vào" in detail.content.decode()

    rehome = reverse("sponsorships:agency_rehome", args=[finance.pk])
    assert "Tỉnh Quảng Trị" in client.get(rehome).content.decode()
    assert "hãy chọn một tỉnh" in client.post(rehome, {"province": "x"}).content.decode()
    assert client.post(rehome, {"province": reorganised.province.pk}).status_code == 302
    finance.refresh_from_db()
    assert finance.province == reorganised.province
    listing = client.get(reverse("sponsorships:agency_list")).content.decode()
    assert "Đã sáp nhập vào Sở Tài chính Quảng Trị từ 01/03/2025" in listing
    assert Commune.objects.filter(pk=world.commune_a2.pk).exists()
