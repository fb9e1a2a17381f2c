"""The rules that derive status from values. Each rule lives here and nowhere else.

- which threshold applies to a commune (region, group, year: the most specific rule wins), and
  that an indicator whose thresholds differ by commune group has none for a xã without a group;
- whether an indicator is met, a criterion is met (all its indicators met), and the tally;
- when a recognised commune is at risk of revocation (QĐ 18/2022/QĐ-TTg; docs/domain.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from .models import YES, Criterion, Indicator, Threshold


@dataclass(frozen=True)
class Subject:
    """What decides which thresholds apply."""

    region: str
    group: int | None
    year: int


def depends_on_group(thresholds: Iterable[Threshold]) -> bool:
    """Whether the thresholds differ by commune group (QĐ 51/2025/QĐ-TTg)."""
    return any(threshold.commune_group for threshold in thresholds)


def lacks_group(thresholds: Iterable[Threshold], subject: Subject) -> bool:
    """A group-dependent indicator of a xã with no group in force: it cannot be judged."""
    return subject.group is None and depends_on_group(thresholds)


def applicable_threshold(thresholds: Iterable[Threshold], subject: Subject) -> Decimal | None:
    """The most specific threshold matching the subject; None when the catalogue has none, or
    when the thresholds differ by group and the xã has no group in force (a general threshold
    beside them is not the xã's: using it would score a xã of unknown group)."""
    thresholds = list(thresholds)
    if lacks_group(thresholds, subject):
        return None
    best: tuple[int, Threshold] | None = None
    for threshold in thresholds:
        if threshold.region and threshold.region != subject.region:
            continue
        if threshold.commune_group and threshold.commune_group != subject.group:
            continue
        if threshold.year_from and subject.year < threshold.year_from:
            continue
        if threshold.year_to and subject.year > threshold.year_to:
            continue
        specificity = (
            bool(threshold.region) * 4
            + bool(threshold.commune_group) * 2
            + bool(threshold.year_from or threshold.year_to)
        )
        if best is None or specificity > best[0]:
            best = (specificity, threshold)
    return best[1].value if best else None


def indicator_met(
    indicator: Indicator,
    value: Decimal | None,
    thresholds: Iterable[Threshold],
    subject: Subject,
) -> bool | None:
    """True/False, or None when there is no value (or no threshold) to judge by."""
    if value is None:
        return None
    if indicator.is_yes_no:
        return value == YES
    threshold = applicable_threshold(thresholds, subject)
    if threshold is None:
        return None
    if indicator.direction == Indicator.Direction.AT_MOST:
        return value <= threshold
    return value >= threshold


def criterion_met(indicator_results: Sequence[bool | None]) -> bool | None:
    """Met when every indicator is met; not met as soon as one is not; else undecided."""
    if any(result is False for result in indicator_results):
        return False
    if indicator_results and all(result is True for result in indicator_results):
        return True
    return None


def revocation_risk(results: Sequence[tuple[Criterion, bool | None]]) -> str | None:
    """Why a recognised commune is at risk of losing recognition, or None.

    At risk when at least half of its criteria fail, or 30% to under 50% fail including a key
    criterion (Thu nhập, Môi trường, Chất lượng môi trường sống, Quốc phòng và An ninh: marked
    `revocation_key` in the catalogue).
    """
    if not results:
        return None
    failed = [criterion for criterion, met in results if met is False]
    share = len(failed) / len(results)
    if share >= 0.5:
        return _("%(failed)s/%(total)s tiêu chí không đạt (từ 50%% trở lên)") % {
            "failed": len(failed),
            "total": len(results),
        }
    keys = [criterion for criterion in failed if criterion.revocation_key]
    if share >= 0.3 and keys:
        return _(
            "%(failed)s/%(total)s tiêu chí không đạt (từ 30%% đến dưới 50%%), trong đó có %(keys)s"
        ) % {
            "failed": len(failed),
            "total": len(results),
            "keys": ", ".join(criterion.short_name for criterion in keys),
        }
    return None


def tally_sentence(met: int, total: int, undecided: int) -> str:
    """ "Đạt 7/10 tiêu chí", and how many are still undecided: "(3 tiêu chí chưa xác định)"."""
    sentence = _("Đạt %(met)s/%(total)s tiêu chí") % {"met": met, "total": total}
    if undecided:
        sentence += " " + _("(%(count)s tiêu chí chưa xác định)") % {"count": undecided}
    return sentence


def tally_phrase(met: int | None, total: int | None, undecided: int = 0) -> str:
    """A result in a document's words: "đạt 3/10 tiêu chí, 7 chưa xác định". The one place
    documents phrase a tally, so that what is undecided is never dropped (a xã with 3 met and
    7 undecided does not read "đạt 3/10 tiêu chí"). Document text is Vietnamese by nature: no
    gettext here. "" when there is no result."""
    if met is None or not total:
        return ""
    phrase = f"đạt {met}/{total} tiêu chí"
    if undecided:
        phrase += f", {undecided} chưa xác định"
    return phrase


def data_sentence(filled: int, total: int) -> str:
    """ "Chưa đủ số liệu: 0/47 chỉ tiêu có giá trị": said instead of a tally while values are
    missing, so an empty draft never reads as "Đạt 0/10" (issue 14)."""
    return _("Chưa đủ số liệu: %(filled)s/%(total)s chỉ tiêu có giá trị") % {
        "filled": filled,
        "total": total,
    }


def unmet_sentence(short_names: Sequence[str], undecided: int = 0) -> str:
    """ "Còn 3 tiêu chí chưa đạt gồm: giao thông, cơ sở vật chất văn hóa, nhà ở" (seed 000).
    With nothing unmet but criteria still undecided, nothing is claimed ("")."""
    if not short_names:
        return "" if undecided else _("Đạt tất cả các tiêu chí")
    return _("Còn %(count)s tiêu chí chưa đạt gồm: %(names)s") % {
        "count": len(short_names),
        "names": ", ".join(short_names),
    }
