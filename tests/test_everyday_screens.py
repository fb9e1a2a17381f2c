"""What the criteria screens say on an ordinary day (issue 14, points 1–5): what is required and
what is met, an undecided tally, the commune's open evaluation first, confirmed acts, and what a
comparison is against."""

from __future__ import annotations

import re

from django.urls import reverse

from criteria.models import Evaluation, Threshold
from criteria.services import (
    evaluation_approve,
    evaluation_create,
    evaluation_return,
    evaluation_save_values,
    evaluation_submit,
)

from .factories import UserFactory, small_catalogue


def _fill(evaluation: Evaluation, actor, **by_number: str) -> Evaluation:
    ids = {
        indicator.number: indicator.pk
        for criterion in evaluation.criteria_set.criteria.all()
        for indicator in criterion.indicators.all()
    }
    evaluation_save_values(
        evaluation=evaluation,
        raw_values={ids[number.replace("_", ".")[1:]]: raw for number, raw in by_number.items()},
        notes={},
        version=evaluation.version,
        actor=actor,
    )
    evaluation.refresh_from_db()
    return evaluation


def _text(response) -> str:
    """The page's text, tags stripped and spaces folded, to read it as a person does."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_an_empty_draft_says_values_are_missing_and_offers_no_submit(client, world, personas):
    client.force_login(personas["commune"])
    url = reverse("criteria:evaluation_detail", args=[world.evaluation_a1.pk])
    response = client.get(url)
    text = _text(response)
    assert "Chưa đủ số liệu: 0/3 chỉ tiêu có giá trị" in text
    assert "Đạt 0/3" not in text
    assert "Đạt tất cả các tiêu chí" not in text
    assert "Chưa gửi thẩm định được: còn 3 chỉ tiêu chưa có giá trị: 1.1, 2.1, 3.1" in text
    submit_url = reverse("criteria:evaluation_submit", args=[world.evaluation_a1.pk])
    assert submit_url not in response.content.decode()

    # Posted anyway (an old tab), it is refused with the list of what is missing.
    response = client.post(submit_url, {"version": world.evaluation_a1.version}, follow=True)
    assert "Chưa nhập giá trị cho 3 chỉ tiêu: 1.1, 2.1, 3.1." in _text(response)
    world.evaluation_a1.refresh_from_db()
    assert world.evaluation_a1.status == Evaluation.Status.DRAFT


def test_a_partly_filled_draft_counts_its_values_and_its_decided_criteria(client, world, personas):
    _fill(world.evaluation_a1, personas["commune"], i1_1="1", i2_1="40")
    client.force_login(personas["commune"])
    text = _text(client.get(reverse("criteria:evaluation_detail", args=[world.evaluation_a1.pk])))
    assert "Chưa đủ số liệu: 2/3 chỉ tiêu có giá trị" in text
    assert "Đạt 1/3 tiêu chí (1 tiêu chí chưa xác định)" in text
    assert "còn 1 chỉ tiêu chưa có giá trị: 3.1" in text


def test_a_numeric_indicator_without_threshold_never_requires_dat_and_the_reviewer_is_told(
    client, world, personas
):
    """Issue 14.1: "nước sạch 35 % | yêu cầu: Đạt", and an approval with criteria silently
    undecided."""
    Threshold.objects.filter(indicator__number="2.1").delete()
    evaluation = _fill(world.evaluation_a1, personas["commune"], i1_1="1", i2_1="35", i3_1="3")
    evaluation_submit(evaluation=evaluation, version=evaluation.version, actor=personas["commune"])
    client.force_login(personas["province"])
    response = client.get(reverse("criteria:evaluation_detail", args=[evaluation.pk]))
    html, text = response.content.decode(), _text(response)
    row = re.search(r"Tỷ lệ đường được cứng hóa.*?</tr>", html, re.S).group(0)
    assert "chưa có ngưỡng" in row
    assert ">Đạt<" not in row.split("35 %")[1].split("</td>")[1]
    assert (
        "1 tiêu chí chưa xác định được đạt hay chưa đạt: "
        "2. Giao thông: chỉ tiêu chưa có ngưỡng áp dụng cho xã"
    ) in text
    approve_url = reverse("criteria:evaluation_approve", args=[evaluation.pk])
    assert html.index("chưa xác định được đạt hay chưa đạt") < html.index(approve_url)
    # Approving is confirmed, and says what will be recorded; returning is a separate box.
    assert "Duyệt với 1 tiêu chí chưa xác định?" in text
    confirm = html[html.index('<details class="confirm">', html.index('id="review-title"')) :]
    assert confirm.index(approve_url) < confirm.index("</details>")
    return_url = reverse("criteria:evaluation_return", args=[evaluation.pk])
    assert html.index('class="card return"') < html.index(return_url)
    assert html.index("</details>", html.index(approve_url)) < html.index('class="card return"')


def test_submitting_is_confirmed_before_it_is_sent(client, world, personas):
    evaluation = _fill(world.evaluation_a1, personas["commune"], i1_1="1", i2_1="80", i3_1="3")
    client.force_login(personas["commune"])
    html = client.get(reverse("criteria:evaluation_detail", args=[evaluation.pk])).content.decode()
    submit_url = reverse("criteria:evaluation_submit", args=[evaluation.pk])
    details = html.index('<details class="confirm">')
    assert details < html.index(submit_url) < html.index("</details>", details)
    assert "Gửi «Đạt 3/3 tiêu chí» lên tỉnh thẩm định?" in _text(
        client.get(reverse("criteria:evaluation_detail", args=[evaluation.pk]))
    )


def test_the_commune_home_shows_the_returned_evaluation_first_with_its_reason(
    client, world, personas
):
    """Issue 14.4: the home headlined the approved one and hid the return in a notification."""
    reviewer = personas["province"]
    earlier = evaluation_create(
        commune=world.commune_a1,
        criteria_set=world.criteria_set,
        year=2024,
        half=1,
        actor=personas["commune"],
    )
    earlier = _fill(earlier, personas["commune"], i1_1="1", i2_1="80", i3_1="3")
    evaluation_submit(evaluation=earlier, version=earlier.version, actor=personas["commune"])
    earlier.refresh_from_db()
    evaluation_approve(evaluation=earlier, version=earlier.version, actor=reviewer)
    later = Evaluation.objects.get(pk=world.evaluation_a1.pk)
    later = _fill(later, personas["commune"], i1_1="1", i2_1="60", i3_1="3")
    evaluation_submit(evaluation=later, version=later.version, actor=personas["commune"])
    later.refresh_from_db()
    evaluation_return(
        evaluation=later, version=later.version, reason="Thiếu biên bản nghiệm thu", actor=reviewer
    )

    client.force_login(personas["commune"])
    response = client.get(reverse("criteria:commune_status", args=[world.commune_a1.pk]))
    html, text = response.content.decode(), _text(response)
    assert "Kỳ đang làm: 6 tháng cuối năm 2024 Bị trả lại" in text
    assert "Lý do trả lại: Thiếu biên bản nghiệm thu" in text
    assert "Kết quả đã duyệt gần nhất: 6 tháng đầu năm 2024" in text
    open_card = html.index("Kỳ đang làm")
    new_period = html.index("Bắt đầu kỳ đánh giá mới")
    approved = html.index("Kết quả đã duyệt gần nhất")
    assert open_card < new_period < approved
    assert html.index(reverse("criteria:evaluation_detail", args=[later.pk])) < approved


def test_the_new_period_form_comes_before_the_grid(client, world, personas):
    client.force_login(personas["commune"])
    html = client.get(
        reverse("criteria:commune_status", args=[world.commune_a1.pk])
    ).content.decode()
    assert html.index("Bắt đầu kỳ đánh giá mới") < html.index('class="grid"')


def test_a_first_period_of_a_set_names_the_earlier_one_of_another_set(client, world, personas):
    """Issue 14.5: "Đây là kỳ đánh giá đầu tiên" although a 2020 evaluation existed."""
    older_set = small_catalogue(code="QD1980-2016")
    type(older_set).objects.filter(pk=older_set.pk).update(name="Bộ tiêu chí 2016–2020 (thử)")
    evaluation_create(
        commune=world.commune_a1, criteria_set=older_set, year=2020, half=0, actor=None
    )
    client.force_login(personas["commune"])
    text = _text(client.get(reverse("criteria:evaluation_detail", args=[world.evaluation_a1.pk])))
    assert "Đây là kỳ đánh giá đầu tiên theo bộ tiêu chí “Bộ tiêu chí xã NTM (thử)”." in text
    assert "Kỳ trước đó (năm 2020) đánh giá theo “Bộ tiêu chí 2016–2020 (thử)”, khác bộ" in text
    assert "QD1980-2016" not in text
    assert "Đây là kỳ đánh giá đầu tiên." not in text


def test_a_comparison_names_its_period_and_set(client, world, personas):
    reviewer = UserFactory(username="tham_dinh", role="province", province=world.province_a)
    earlier = evaluation_create(
        commune=world.commune_a1, criteria_set=world.criteria_set, year=2024, half=1, actor=None
    )
    earlier = _fill(earlier, personas["commune"], i1_1="1", i2_1="80", i3_1="3")
    evaluation_submit(evaluation=earlier, version=earlier.version, actor=personas["commune"])
    earlier.refresh_from_db()
    evaluation_approve(evaluation=earlier, version=earlier.version, actor=reviewer)
    client.force_login(personas["commune"])
    text = _text(client.get(reverse("criteria:evaluation_detail", args=[world.evaluation_a1.pk])))
    # Issue 28: the set's name, never its internal code.
    assert "So với 6 tháng đầu năm 2024, cùng bộ tiêu chí “Bộ tiêu chí xã NTM (thử)”." in text
    assert "QD318-THU" not in text
