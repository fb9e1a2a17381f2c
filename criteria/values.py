"""Reading an indicator value as people type it, with a Vietnamese reason when it cannot be read."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from ntm_portal.text import fold, parse_decimal

from .models import NO, YES, Indicator

YES_WORDS = {"dat", "co", "x", "1", "yes", "true", "met"}
NO_WORDS = {"chua dat", "khong", "khong dat", "0", "no", "false"}
HUNDRED = Decimal(100)


class ValueRejected(ValueError):
    """The typed value cannot be used; str() is the reason, in the active language."""


def parse_value(indicator: Indicator, raw: str | None) -> Decimal | None:
    """None for an empty answer; the value otherwise; ValueRejected with the reason."""
    text = (raw or "").strip()
    if not text:
        return None
    if indicator.is_yes_no:
        word = fold(text)
        if word in YES_WORDS:
            return YES
        if word in NO_WORDS:
            return NO
        raise ValueRejected(_("«%(value)s»: chọn Đạt hoặc Chưa đạt.") % {"value": text})
    try:
        value = parse_decimal(text)
    except ValueError:
        raise ValueRejected(
            _("«%(value)s» không phải là số (ví dụ: 61,5).") % {"value": text}
        ) from None
    if value < 0:
        raise ValueRejected(_("Giá trị không được âm."))
    if indicator.kind == Indicator.Kind.PERCENT and value > HUNDRED:
        raise ValueRejected(_("Tỷ lệ phải từ 0 đến 100."))
    if indicator.kind == Indicator.Kind.COUNT and value != value.to_integral():
        raise ValueRejected(_("Số lượng phải là số nguyên."))
    if value.normalize().as_tuple().exponent < -3 or value >= Decimal(10) ** 13:
        raise ValueRejected(_("Giá trị quá lớn hoặc quá nhiều chữ số thập phân."))
    return value
