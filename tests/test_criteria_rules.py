"""The derivation rules: thresholds by region, group and year; at-most; missing values; revocation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from communes.models import Region
from criteria.models import Criterion, Indicator, Threshold
from criteria.rules import (
    Subject,
    applicable_threshold,
    criterion_met,
    indicator_met,
    revocation_risk,
    unmet_sentence,
)
from criteria.values import ValueRejected, parse_value
from ntm_portal.text import parse_decimal

NORTH = Region.NORTHERN_MIDLANDS_MOUNTAINS
DELTA = Region.RED_RIVER_DELTA


def _t(value, region="", group=None, year_from=None, year_to=None) -> Threshold:
    return Threshold(
        value=Decimal(value),
        region=region,
        commune_group=group,
        year_from=year_from,
        year_to=year_to,
    )


def _subject(region=DELTA, group=None, year=2024) -> Subject:
    return Subject(region=region, group=group, year=year)


def test_the_most_specific_threshold_wins():
    thresholds = [_t(70), _t(50, region=NORTH), _t(60, region=NORTH, year_from=2025)]
    assert applicable_threshold(thresholds, _subject(DELTA)) == 70
    assert applicable_threshold(thresholds, _subject(NORTH, year=2024)) == 50
    assert applicable_threshold(thresholds, _subject(NORTH, year=2025)) == 60


def test_thresholds_by_commune_group_and_year_range():
    thresholds = [_t(40, group=1), _t(35, group=2), _t(30, group=3, year_to=2027), _t(33, group=3)]
    assert applicable_threshold(thresholds, _subject(group=2, year=2026)) == 35
    assert applicable_threshold(thresholds, _subject(group=3, year=2026)) == 30
    assert applicable_threshold(thresholds, _subject(group=3, year=2029)) == 33
    assert applicable_threshold(thresholds, _subject(group=None, year=2026)) is None


def test_at_least_and_at_most_indicators():
    at_least = Indicator(kind=Indicator.Kind.PERCENT, direction=Indicator.Direction.AT_LEAST)
    at_most = Indicator(kind=Indicator.Kind.PERCENT, direction=Indicator.Direction.AT_MOST)
    assert indicator_met(at_least, Decimal("70"), [_t(70)], _subject()) is True
    assert indicator_met(at_least, Decimal("69.9"), [_t(70)], _subject()) is False
    assert indicator_met(at_most, Decimal("5"), [_t(5)], _subject()) is True
    assert indicator_met(at_most, Decimal("5.1"), [_t(5)], _subject()) is False


def test_missing_values_and_missing_thresholds_are_undecided():
    percent = Indicator(kind=Indicator.Kind.PERCENT)
    yes_no = Indicator(kind=Indicator.Kind.YES_NO)
    assert indicator_met(percent, None, [_t(70)], _subject()) is None
    assert indicator_met(percent, Decimal(80), [_t(70, region=NORTH)], _subject(DELTA)) is None
    assert indicator_met(yes_no, Decimal(1), [], _subject()) is True
    assert indicator_met(yes_no, Decimal(0), [], _subject()) is False


def test_a_criterion_is_met_only_when_every_indicator_is():
    assert criterion_met([True, True]) is True
    assert criterion_met([True, False]) is False
    assert criterion_met([True, None]) is None
    assert criterion_met([None, False]) is False
    assert criterion_met([]) is None


def _criteria(count: int, keys: set[int] = frozenset()) -> list[Criterion]:
    return [
        Criterion(number=n, short_name=f"tc{n}", revocation_key=n in keys)
        for n in range(1, count + 1)
    ]


def test_revocation_risk_from_half_of_the_criteria():
    criteria = _criteria(19)
    results = [(c, c.number > 10) for c in criteria]  # 10 of 19 fail
    assert revocation_risk(results) == "10/19 tiêu chí không đạt (từ 50% trở lên)"


def test_revocation_risk_between_30_and_50_percent_needs_a_key_criterion():
    criteria = _criteria(19, keys={10})
    six_fail_without_key = [(c, c.number not in {2, 3, 4, 5, 6, 7}) for c in criteria]
    assert revocation_risk(six_fail_without_key) is None
    six_fail_with_key = [(c, c.number not in {2, 3, 4, 5, 6, 10}) for c in criteria]
    assert revocation_risk(six_fail_with_key) == (
        "6/19 tiêu chí không đạt (từ 30% đến dưới 50%), trong đó có tc10"
    )
    five_fail_with_key = [(c, c.number not in {2, 3, 4, 5, 10}) for c in criteria]
    assert revocation_risk(five_fail_with_key) is None  # 26% < 30%


def test_unmet_sentence_reads_like_the_plans():
    assert unmet_sentence(["giao thông", "cơ sở vật chất văn hóa", "nhà ở"]) == (
        "Còn 3 tiêu chí chưa đạt gồm: giao thông, cơ sở vật chất văn hóa, nhà ở"
    )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("61,5", "61.5"),
        ("61.5", "61.5"),
        ("1.234,5", "1234.5"),
        ("45.000.000", "45000000"),
        ("45,000,000.5", "45000000.5"),
        (" 7 ", "7"),
        ("70\u00a0", "70"),
    ],
)
def test_numbers_typed_the_vietnamese_way(typed, expected):
    assert parse_decimal(typed) == Decimal(expected)


@pytest.mark.parametrize("typed", ["abc", "1,2,3", "1..2", "NaN", "Infinity", "1.23.4"])
def test_numbers_that_cannot_be_read(typed):
    with pytest.raises(ValueError):  # noqa: PT011 - the type is the contract
        parse_decimal(typed)


@pytest.mark.parametrize(
    ("kind", "typed", "reason"),
    [
        (Indicator.Kind.PERCENT, "101", "Tỷ lệ phải từ 0 đến 100."),
        (Indicator.Kind.PERCENT, "-1", "Giá trị không được âm."),
        (Indicator.Kind.COUNT, "2,5", "Số lượng phải là số nguyên."),
        (Indicator.Kind.MONEY, "nhiều", "«nhiều» không phải là số (ví dụ: 61,5)."),
        (Indicator.Kind.YES_NO, "có lẽ", "«có lẽ»: chọn Đạt hoặc Chưa đạt."),
    ],
)
def test_values_of_the_wrong_kind_are_refused_with_the_reason(kind, typed, reason):
    with pytest.raises(ValueRejected) as refused:
        parse_value(Indicator(kind=kind), typed)
    assert str(refused.value) == reason


@pytest.mark.parametrize(
    ("typed", "value"), [("Đạt", 1), ("x", 1), ("Có", 1), ("Chưa đạt", 0), ("không", 0)]
)
def test_yes_no_words(typed, value):
    assert parse_value(Indicator(kind=Indicator.Kind.YES_NO), typed) == value


def test_values_display_with_comma_decimals_and_units():
    percent = Indicator(kind=Indicator.Kind.PERCENT, unit="%")
    money = Indicator(kind=Indicator.Kind.MONEY, unit="triệu đồng/người/năm")
    yes_no = Indicator(kind=Indicator.Kind.YES_NO)
    assert percent.display_value(Decimal("61.500")) == "61,5 %"
    assert money.display_value(Decimal("45.000")) == "45 triệu đồng/người/năm"
    assert Indicator(kind=Indicator.Kind.NUMBER).display_value(Decimal("1234567.25")) == (
        "1.234.567,25"
    )
    assert yes_no.display_value(Decimal(1)) == "Đạt"
    assert yes_no.display_value(None) == "—"
