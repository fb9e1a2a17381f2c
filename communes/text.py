"""Vietnamese text as people type it: NFC everywhere, and a folded form for search."""

import unicodedata


def nfc(text: str) -> str:
    """NFC with runs of white space (including non-breaking spaces) folded to one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def fold(text: str) -> str:
    """Lower case without diacritics, so that "ba tang" and "BA TẦNG" both find "Ba Tầng"."""
    decomposed = unicodedata.normalize("NFD", nfc(text).lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
