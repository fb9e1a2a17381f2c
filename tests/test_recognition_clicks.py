"""The province office's part of a recognition case in fewer actions (issue 28 §9): every step
the procedure requires stays, but the review confirms every criterion in one action (returning
single ones stays the table's), the appraisal form starts from the council of the province's last
appraisal, and the case says where it stands and what comes next.

A "click" here is what the office's user must do on the page as it loads: each control to change
from what the page shows (a radio to turn, an empty required field to fill) and each button to
press. Counted from the pages themselves, before (the table, an empty council) and after."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from criteria.models import RecognitionCase
from criteria.recognition import recognition_case_open, recognition_case_submit
from ntm_portal.models import Role

from .conftest import ALL_MET, approved_evaluation, fill_assessment
from .factories import UserFactory

COUNCIL = {
    "lead_department": "Sở Nông nghiệp và Môi trường",
    "council_members": "Giám đốc Sở\nĐại diện Sở Tài chính\nĐại diện Sở Xây dựng",
    "council_size": "9",
}


def _form(page: str, form_id: str) -> str:
    start = page.index(f'id="{form_id}"')
    return page[start : page.index("</form>", start)]


def radios_to_turn(page: str) -> int:
    """In the review table: the criteria whose checked verdict is not "Xác nhận đạt"."""
    form = _form(page, "review-form")
    checked = re.findall(r'name="verdict_(\d+)" value="(\d)" checked', form)
    return sum(1 for _pk, value in checked if value != "1")


def empty_required(page: str) -> int:
    """In the appraisal form: the required fields that are empty as the page loads."""
    form = _form(page, "appraisal-form")
    empty = 0
    for tag in re.findall(
        r"<(?:input|textarea)\b[^>]*\brequired\b[^>]*>(?:[^<]*</textarea>)?", form
    ):
        if tag.startswith("<textarea"):
            empty += not re.search(r">\s*[^<\s][^<]*</textarea>$", tag)
        else:
            empty += not re.search(r'value="[^"]+"', tag)
    return empty


def _case_at_review(commune, criteria_set, reviewer) -> RecognitionCase:
    official = UserFactory(role=Role.COMMUNE, commune=commune)
    year = timezone.localdate().year
    approved_evaluation(
        commune, criteria_set, year, 1, ALL_MET, submitter=official, reviewer=reviewer
    )
    case = recognition_case_open(
        commune=commune, kind="recognition", level="ntm", year=year, actor=official
    )
    fill_assessment(case, official)
    case.refresh_from_db()
    return recognition_case_submit(case=case, version=case.version, actor=official)


@pytest.fixture
def office(world):
    return UserFactory(username="vpdp_click", role=Role.PROVINCE, province=world.province_a)


def test_the_office_reviews_and_appraises_in_fewer_clicks(client, world, office):
    client.force_login(office)
    today = timezone.localdate()
    criteria = list(world.criteria_set.criteria.order_by("number"))

    # First case: the province's first appraisal, no council to carry.
    first = _case_at_review(world.commune_a1, world.criteria_set, office)
    url = reverse("criteria:case_detail", args=[first.pk])
    page = client.get(url).content.decode()
    assert "Đến lượt bạn: " in page
    assert "Sau đó: " in page
    assert "Xác nhận đạt cả 3 tiêu chí" in page
    response = client.post(
        reverse("criteria:case_review", args=[first.pk]), {"version": first.version, "all": "1"}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.step.kind == "appraisal"
    assert first.checks.filter(confirmed=True).count() == len(criteria)
    page = client.get(url).content.decode()
    assert empty_required(page) == 6  # nothing to carry yet
    client.post(
        reverse("criteria:case_appraise", args=[first.pk]),
        {
            "version": first.version,
            **COUNCIL,
            "council_met_on": f"{today:%d/%m/%Y}",
            "votes_for": "9",
            "votes_against": "0",
        },
    )
    first.refresh_from_db()
    assert first.step.kind == "decision"

    # Second case: returned once for one criterion, answered, sent again.
    second = _case_at_review(world.commune_a2, world.criteria_set, office)
    verdicts = {f"verdict_{c.pk}": "1" for c in criteria}
    verdicts[f"verdict_{criteria[0].pk}"] = "0"
    verdicts[f"reason_{criteria[0].pk}"] = "Thiếu bản đồ quy hoạch"
    client.post(
        reverse("criteria:case_review", args=[second.pk]), {"version": second.version, **verdicts}
    )
    second.refresh_from_db()
    assert second.status == "returned"
    answer = {criteria[0].pk: "Đã bổ sung bản đồ quy hoạch (tệp đính kèm)."}
    fill_assessment(second, second.submitted_by, responses=answer)
    second.refresh_from_db()
    second = recognition_case_submit(case=second, version=second.version, actor=second.submitted_by)
    url = reverse("criteria:case_detail", args=[second.pk])
    page = client.get(url).content.decode()
    # Before: the table shows the returned criterion as returned; turning it and sending = 2.
    review_before = radios_to_turn(page) + 1
    review_after = 1  # "Xác nhận đạt cả 3 tiêu chí"
    client.post(
        reverse("criteria:case_review", args=[second.pk]), {"version": second.version, "all": "1"}
    )
    second.refresh_from_db()
    assert second.step.kind == "appraisal"
    page = client.get(url).content.decode()
    assert 'id="council-carried"' in page
    assert "Đại diện Sở Xây dựng" in _form(page, "appraisal-form")
    appraisal_after = empty_required(page) + 1
    appraisal_before = appraisal_after + len(COUNCIL)  # what was carried had to be typed
    response = client.post(
        reverse("criteria:case_appraise", args=[second.pk]),
        {
            "version": second.version,
            **COUNCIL,
            "council_met_on": f"{today:%d/%m/%Y}",
            "votes_for": "9",
            "votes_against": "0",
        },
    )
    second.refresh_from_db()
    assert second.step.kind == "decision"
    assert second.council_members == COUNCIL["council_members"]
    page = client.get(url).content.decode()
    assert "Đây là bước cuối." in page

    before, after = review_before + appraisal_before, review_after + appraisal_after
    print(f"review+appraisal clicks: before {before}, after {after}")
    assert (review_before, appraisal_before) == (2, 7)
    assert (review_after, appraisal_after) == (1, 4)
