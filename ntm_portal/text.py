"""Vietnamese text as people type and read it, for every floor of the house: NFC everywhere, a
folded form for search, dd/mm/yyyy dates, comma decimals, Đạt/Chưa đạt ticks."""

import functools
import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import get_language, gettext, gettext_noop

# Bidirectional embeddings, overrides and isolates: no Vietnamese text needs them, and one left
# in a name (U+202E) reverses whatever a page prints after it. The pages isolate user text too
# (portal.css); what is typed in loses them here, whatever the door.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def nfc(text: str) -> str:
    """NFC with runs of white space (including non-breaking spaces) folded to one space, and no
    bidirectional controls."""
    return " ".join(unicodedata.normalize("NFC", text).translate(BIDI_CONTROLS).split())


def nfc_values(values: dict) -> dict:
    """A form's cleaned values with one-line text in NFC (a name typed on a phone's keyboard is
    often decomposed); text of several lines only trimmed, its line breaks kept; neither keeps
    bidirectional controls."""
    return {
        name: (nfc(value) if "\n" not in value else value.translate(BIDI_CONTROLS).strip())
        if isinstance(value, str)
        else value
        for name, value in values.items()
    }


def lower_first(text: str) -> str:
    """ "Xã Ba Tầng" inside a sentence: "UBND xã Ba Tầng"."""
    return text[:1].lower() + text[1:]


# The common nouns an administrative unit's name starts with, longest first ("Thành phố" before
# "Thôn"). Only these are lower-cased in running text: the proper name after them never is.
PLACE_WORDS = (
    "Thành phố",
    "Thị trấn",
    "Thị xã",
    "Đặc khu",
    "Phường",
    "Huyện",
    "Quận",
    "Tỉnh",
    "Thôn",
    "Bản",
    "Xóm",
    "Làng",
    "Khu phố",
    "Tổ dân phố",
    "Ấp",
    "Buôn",
    "Bon",
    "Plei",
    "Phum",
    "Sóc",
    "Xã",
)


def place_in_text(name: str) -> str:
    """A place named in running text: "Tỉnh Quảng Trị" → "tỉnh Quảng Trị", "Xã A Dơi" → "xã A
    Dơi". Only the leading common noun (tỉnh, huyện, xã, …) changes case; a name that does not
    start with one (or already reads lower) is returned as it is, so a proper name is never
    lower-cased (issue 26: "trên địa bàn tỉnh quảng trị")."""
    name = nfc(name)
    for word in PLACE_WORDS:
        if name.startswith(word + " ") and name[len(word) + 1 : len(word) + 2].isupper():
            return word.lower() + name[len(word) :]
    return name


def place_kind_word(name: str) -> str:
    """ "tỉnh" of "Tỉnh Quảng Trị": the common noun alone, as a plan refers to its own area
    ("trên địa bàn huyện" in seed 003); "" when the name has none."""
    lowered = place_in_text(name)
    for word in PLACE_WORDS:
        if lowered.startswith(word.lower() + " "):
            return word.lower()
    return ""


# A roster folds the same names thousands of times (every row's place, set, period), and the
# places it matches them against are folded for each file: each text once.
@functools.lru_cache(maxsize=65_536)
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


def format_number(value: Decimal) -> str:
    """Grouped, with no trailing zeros, in the active language's separators ("1.234,5" in vi)."""
    return _format_number(value, get_language())


# A roster shows the same few hundred values thousands of times, and number_format looks the
# language's separators up afresh each time. Equal decimals ("61.5", "61.50") print alike.
@functools.lru_cache(maxsize=8192)
def _format_number(value: Decimal, language: str | None) -> str:
    if value == value.to_integral():
        return number_format(value.quantize(Decimal(1)), decimal_pos=0, force_grouping=True)
    places = -value.normalize().as_tuple().exponent
    return number_format(value, decimal_pos=places, force_grouping=True)


YES_WORDS = {"dat", "co", "x", "1", "yes", "true", "met", "v"}
NO_WORDS = {"chua dat", "khong", "khong dat", "0", "no", "false", ""}


def parse_yes_no(text: str) -> bool:
    """Đạt/Chưa đạt/Có/Không/x, as officials tick them; ValueError otherwise."""
    word = fold(text).strip()
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise ValueError(text)


# --- Sentences the portal stored in Vietnamese, read in the reader's language --------------------

# Period labels as they are stored inside such sentences (criteria and inspections).
PERIOD_TEMPLATES = (
    gettext_noop("6 tháng đầu năm %(year)s"),
    gettext_noop("6 tháng cuối năm %(year)s"),
    gettext_noop("Quý %(quarter)s/%(year)s"),
    gettext_noop("năm %(year)s"),
)


@functools.cache
def _pattern(template: str) -> re.Pattern[str]:
    escaped = re.escape(template)
    return re.compile(re.sub(r"%\\\(([a-z_]+)\\\)s", r"(?P<\1>.+?)", escaped))


def retranslate(
    text: str, templates: Sequence[str], nested: Sequence[str] = PERIOD_TEMPLATES
) -> str:
    """A sentence the portal wrote in Vietnamese from one of `templates` (catalogue entries), in
    the active language; its values are retranslated from `nested` (period labels). Anything
    else, such as a reason a person typed, is returned as it is."""
    for template in templates:
        match = _pattern(template).fullmatch(text)
        if match:
            params = {
                name: retranslate(value, nested, ()) if nested else value
                for name, value in match.groupdict().items()
            }
            return gettext(template) % params
    return text
