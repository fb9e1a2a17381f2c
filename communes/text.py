"""Vietnamese text as people type it: NFC everywhere, and a folded form for search."""

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation


def nfc(text: str) -> str:
    """NFC with runs of white space (including non-breaking spaces) folded to one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def lower_first(text: str) -> str:
    """ "Xã Ba Tầng" inside a sentence: "UBND xã Ba Tầng"."""
    return text[:1].lower() + text[1:]


def fold(text: str) -> str:
    """Lower case without diacritics, so that "ba tang" and "BA TẦNG" both find "Ba Tầng"."""
    decomposed = unicodedata.normalize("NFD", nfc(text).lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def parse_decimal(raw: str) -> Decimal:
    """A number as Vietnamese officials type it: "61,5", "1.234,5", "45.000.000", or "61.5".

    The last of "," and "." is the decimal mark when both appear; a lone comma is decimal; dots
    alone are thousands separators when they group by three ("45.000.000"). Raises ValueError.
    """
    text = nfc(raw).replace(" ", "").replace("\u00a0", "")
    if not text:
        raise ValueError("empty")
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        text = text.replace(thousands, "").replace(decimal_mark, ".")
    elif "," in text:
        if text.count(",") > 1:
            raise ValueError(raw)
        text = text.replace(",", ".")
    elif text.count(".") > 1 or _GROUPED_BY_THREE.fullmatch(text):
        if not _GROUPED_BY_THREE.fullmatch(text):
            raise ValueError(raw)
        text = text.replace(".", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(raw) from None
    if not value.is_finite():
        raise ValueError(raw)
    return value


_GROUPED_BY_THREE = re.compile(r"-?\d{1,3}(\.\d{3}){2,}")


def parse_day(text: str) -> date | None:
    """A date as officials type it ("05/07/2024"), or ISO ("2024-07-05"); None if neither."""
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        day, month, year = (int(part) for part in text.split("/"))
        return date(year, month, day)
    except ValueError:
        return None
