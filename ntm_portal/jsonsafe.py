"""JSON from users, read with bounds: every JSON the portal reads from a request or an upload
goes through `loads` here (the API through `BoundedJSONParser`, the default parser of
REST_FRAMEWORK; the commune boundaries through reports/boundaries.py).

The rule: nesting deeper than MAX_DEPTH arrays/objects, a number written with more than
MAX_NUMBER_DIGITS characters, or NaN/Infinity is refused with `JSONRefused` (a Vietnamese
message), before anything is built from it. Python's own parser would otherwise answer such a
text with a RecursionError (deep nesting) or a ValueError (an integer past the int-string
conversion limit), both 500s; no portal document needs more than a few levels or a number longer
than a decimal column holds.
"""

from __future__ import annotations

import codecs
import json
import math
import re
from itertools import accumulate
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 64
MAX_NUMBER_DIGITS = 100

# A JSON string (with its escapes), taken out before the brackets are counted so that a "[" in a
# name is not nesting. Unrolled, and an unterminated string runs to the end: one pass over any
# text (json.loads refuses the unterminated string afterwards).
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class JSONRefused(ValueError):
    """A JSON text the portal does not read; str() says why, in Vietnamese."""


def nesting_depth(text: str) -> int:
    """How deep the text's arrays and objects nest, counted on the text (nothing is built)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def _number(kind):
    def parse(literal: str):
        if len(literal) > MAX_NUMBER_DIGITS:
            raise JSONRefused(
                _("Dữ liệu JSON có một số dài %(length)s chữ số: tối đa %(limit)s chữ số.")
                % {"length": len(literal), "limit": MAX_NUMBER_DIGITS}
            )
        value = kind(literal)
        if not math.isfinite(value):  # 1e999 is a float, but not a number anyone measured
            raise JSONRefused(
                _("Dữ liệu JSON có một số quá lớn: %(number)s.") % {"number": literal}
            )
        return value

    return parse


def _constant(name: str):
    raise JSONRefused(_("Dữ liệu JSON có giá trị %(name)s: không phải số hợp lệ.") % {"name": name})


def loads(data: str | bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """Like json.loads, bounded; JSONRefused for what is too deep or too long, and for what is
    not JSON (or not UTF-8) at all."""
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise JSONRefused(_("Dữ liệu JSON không phải UTF-8.")) from None
    depth = nesting_depth(data)
    if depth > max_depth:
        raise JSONRefused(
            _("Dữ liệu JSON lồng nhau quá sâu: %(depth)s tầng, tối đa %(limit)s tầng.")
            % {"depth": depth, "limit": max_depth}
        )
    try:
        return json.loads(
            data,
            parse_int=_number(int),
            parse_float=_number(float),
            parse_constant=_constant,
        )
    except JSONRefused:
        raise
    except (json.JSONDecodeError, RecursionError, ValueError):
        raise JSONRefused(_("Dữ liệu gửi lên không phải JSON hợp lệ.")) from None


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser reading through `loads`: a refusal is a 400 ParseError whose message
    says what was too deep or too long (reports/api/errors.py keeps it)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", "utf-8")
        try:
            raw = stream.read() if stream is not None else b""
            text = codecs.decode(raw, encoding)
        except (UnicodeDecodeError, LookupError):
            raise ParseError(_("Nội dung gửi lên không đọc được (JSON không hợp lệ).")) from None
        try:
            return loads(text)
        except JSONRefused as error:
            raise ParseError(str(error)) from None
