"""The QĐ 51/2025/QĐ-TTg set (2026–2030) as published: its ten criteria, the group numbering of
its thresholds, and load_criteria correcting an existing database in place."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from criteria.models import CriteriaSet, Criterion, Indicator, Threshold

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "criteria" / "qd51-2025-xa-ntm.json"
PUBLISHED = {
    1: "Quy hoạch",
    2: "Hạ tầng kinh tế – xã hội",
    3: "Phát triển kinh tế nông thôn",
    4: "Đào tạo nguồn nhân lực nông thôn",
    5: "Văn hóa – giáo dục – y tế",
    6: "Giảm nghèo và an sinh xã hội",
    7: "Khoa học, công nghệ và chuyển đổi số",
    8: "Môi trường và cảnh quan nông thôn",
    9: "Xây dựng hệ thống chính trị và hành chính công",
    10: "Tiếp cận pháp luật và an ninh, quốc phòng",
}


def _document() -> dict:
    return json.loads(FIXTURE.read_text("utf-8"))


def test_the_fixture_names_the_ten_criteria_as_published_with_47_indicators():
    document = _document()
    assert {c["number"]: c["name"] for c in document["criteria"]} == PUBLISHED
    assert sum(len(c["indicators"]) for c in document["criteria"]) == 47
    short_names = [c["short_name"] for c in document["criteria"]]
    assert len(set(short_names)) == 10
    # Short names are joined by commas in "Còn 2 tiêu chí chưa đạt gồm: …".
    assert all("," not in name for name in short_names)


def test_group_1_is_the_strictest_and_group_3_the_most_lenient():
    """Group 1 = next to urban areas (highest bar), group 3 = mountain and ethnic-minority
    communes of area II/III; the draft numbered them the other way round."""
    checked = 0
    for criterion in _document()["criteria"]:
        for indicator in criterion["indicators"]:
            by_group = {
                t["commune_group"]: float(t["value"])
                for t in indicator["thresholds"]
                if t["commune_group"]
            }
            if not by_group:
                continue
            assert set(by_group) == {1, 2, 3}, indicator["number"]
            ordered = [by_group[1], by_group[2], by_group[3]]
            if indicator["direction"] == "at_most":
                ordered.reverse()
            assert ordered == sorted(ordered, reverse=True), indicator["number"]
            assert ordered[0] > ordered[2], indicator["number"]
            checked += 1
    assert checked >= 15


def test_unconfirmed_thresholds_stay_marked_for_review():
    for criterion in _document()["criteria"]:
        for indicator in criterion["indicators"]:
            if any(t["commune_group"] for t in indicator["thresholds"]):
                assert indicator["needs_review"], indicator["number"]
    assert _document()["needs_review"]


@pytest.mark.django_db
def test_load_criteria_corrects_an_existing_database_in_place_and_is_idempotent():
    call_command("load_criteria", stdout=StringIO())
    qd51 = CriteriaSet.objects.get(code="QD51-2025-XA-NTM")
    # The database as the old fixture left it.
    Criterion.objects.filter(criteria_set=qd51, number=4).update(
        name="Đào tạo nguồn nhân lực và việc làm", short_name="lao động"
    )
    Criterion.objects.filter(criteria_set=qd51, number=10).update(name="Quốc phòng và an ninh")
    ids = dict(qd51.criteria.values_list("number", "pk"))
    indicator_ids = set(Indicator.objects.filter(criterion__criteria_set=qd51).values_list("pk"))
    thresholds = Threshold.objects.filter(indicator__criterion__criteria_set=qd51).count()

    out = StringIO()
    call_command("load_criteria", stdout=out)
    assert "created=0" in out.getvalue()
    assert dict(qd51.criteria.values_list("number", "name")) == PUBLISHED
    assert dict(qd51.criteria.values_list("number", "pk")) == ids
    assert (
        set(Indicator.objects.filter(criterion__criteria_set=qd51).values_list("pk"))
        == indicator_ids
    )
    assert Threshold.objects.filter(indicator__criterion__criteria_set=qd51).count() == thresholds

    again = StringIO()
    call_command("load_criteria", stdout=again)
    assert again.getvalue().strip().endswith("created=0 updated=0")
