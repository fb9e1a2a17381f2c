"""Finding provinces, districts and communes the way people write them in their spreadsheets.

By official code (Excel drops the leading zeros: 1234 is commune 01234), or by name within the
province or district given on the row, whatever the Unicode form, spacing, case and prefix
("Xã", "Phường", "Thị trấn", "Huyện", "Thị xã", "TX.", "TP.", "Thành phố", "Tỉnh"). A name that
fits several units is an error listing them, never a guess.

Everything is loaded once per file into dictionaries: a 10,000-row roster costs three queries.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rapidfuzz import fuzz, process

from communes.models import Commune, CommuneLineage, District, Edition, Province
from ntm_portal.text import fold, lower_first

PREFIX = re.compile(
    r"^(?:(?:tinh|thanh pho|tp|thi xa|tx|huyen|quan|xa|phuong|thi tran|tt|dac khu)(?:\s*\.\s*|\s+)"
    r"|(?:h|x|p)\.\s*)"
)


class NotMatched(ValueError):
    """No unit, or several: str() is the Vietnamese reason (listing the candidates)."""


PROVINCE, DISTRICT, COMMUNE = gettext_lazy("tỉnh"), gettext_lazy("huyện"), gettext_lazy("xã")
# How alike a written name and a unit's name must be to be offered: rapidfuzz's plain ratio
# (0–100, an edit distance): a slip of one or two letters, not a shared word ("Sở …").
SUGGEST_SCORE = 75
SUGGEST_COUNT = 3


def suggestions(written: str, names: list[str], *, limit: int = SUGGEST_COUNT) -> list[str]:
    """The names nearest to what was written ("Huong Phung" → "Xã Hướng Phùng"), best first,
    compared without diacritics, case or prefix; only those alike enough to be a slip."""
    keys: dict[str, str] = {}
    for name in names:
        keys.setdefault(name, name_key(name))
    found = process.extract(
        name_key(written),
        keys,
        scorer=fuzz.ratio,
        processor=None,
        limit=limit,
        score_cutoff=SUGGEST_SCORE,
    )
    return [name for _key, _score, name in found]


def did_you_mean(written: str, names: list[str]) -> str:
    """ " Có phải «Xã Hướng Phùng»?" to end a "not found" reason, or nothing."""
    near = suggestions(written, names)
    if not near:
        return ""
    return " " + _("Có phải %(names)s?") % {"names": _(" hoặc ").join(f"«{name}»" for name in near)}


@lru_cache(maxsize=65_536)
def name_key(text: str) -> str:
    """ "TP. Đông Hà", "Thành phố  Đông Hà", "đông hà" → "dong ha"."""
    folded = fold(text).replace("\u00a0", " ")
    stripped = PREFIX.sub("", folded, count=1).strip()
    return stripped or folded


def code_key(text: str, width: int) -> str:
    text = text.strip()
    if text.endswith(".0"):  # a code typed as a number and read back as a float
        text = text[:-2]
    return text.zfill(width) if text.isdigit() else text


@dataclass(frozen=True)
class Unit:
    pk: int
    code: str
    name: str
    edition: int
    province_id: int | None = None
    district_id: int | None = None
    former_name: str = ""  # found by the name of a 2024 unit it was formed from

    def label(self) -> str:
        return f"{self.name} (mã {self.code})"


def _describe(units: list[Unit], places: Places) -> str:
    parts = []
    for unit in units[:6]:
        if unit.district_id:
            parent = places.district_by_pk.get(unit.district_id)
        else:
            parent = places.province_by_pk.get(unit.province_id or 0)
        parts.append(f"{unit.label()} – {parent.name}" if parent else unit.label())
    more = len(units) - 6
    text = "; ".join(parts)
    return f"{text}; … (+{more})" if more > 0 else text


class Places:
    """The geography, indexed for matching. Optionally limited to one edition."""

    def __init__(self, edition: int | None = None) -> None:
        editions = {"edition": edition} if edition else {}
        self.provinces = [
            Unit(pk, code, name, ed)
            for pk, code, name, ed in Province.objects.filter(**editions).values_list(
                "pk", "code", "name", "edition"
            )
        ]
        self.districts = [
            Unit(pk, code, name, ed, province_id=province)
            for pk, code, name, ed, province in District.objects.filter(**editions).values_list(
                "pk", "code", "name", "edition", "province_id"
            )
        ]
        self.communes = [
            Unit(pk, code, name, ed, province_id=province, district_id=district)
            for pk, code, name, ed, province, district in Commune.objects.filter(
                **editions
            ).values_list("pk", "code", "name", "edition", "province_id", "district_id")
        ]
        self.province_by_pk = {unit.pk: unit for unit in self.provinces}
        self.commune_by_pk = {unit.pk: unit for unit in self.communes}
        self._successors: dict[int, list[int]] | None = None
        self._not_found: dict[tuple, str] = {}
        self.district_by_pk = {unit.pk: unit for unit in self.districts}
        self._index_provinces = self._index(self.provinces)
        self._index_districts = self._index(self.districts)
        self._index_communes = self._index(self.communes)

    @staticmethod
    def _index(units: list[Unit]) -> dict[str, dict]:
        by_code, by_full, by_key = defaultdict(list), defaultdict(list), defaultdict(list)
        for unit in units:
            by_code[unit.code].append(unit)
            by_full[fold(unit.name)].append(unit)
            by_key[name_key(unit.name)].append(unit)
        return {"code": by_code, "full": by_full, "key": by_key, "all": units}

    def describe(self, unit: Unit) -> str:
        """What a row's place was found to be: "Xã Triệu Phước – Huyện Triệu Phong, mã 19xxx",
        with "(trước 01/07/2025)" for a unit of the three-tier map."""
        if unit.district_id:
            parent = self.district_by_pk.get(unit.district_id)
        elif unit.province_id:
            parent = self.province_by_pk.get(unit.province_id)
        else:
            parent = None
        text = f"{unit.name} – {parent.name}" if parent else unit.name
        text += ", " + _("mã %(code)s") % {"code": unit.code}
        if unit.edition != Edition.current():
            text += " " + _("(trước 01/07/2025)")
        if unit.former_name:
            text += " " + _("(từ %(name)s)") % {"name": unit.former_name}
        return text

    # --- one level at a time ---

    def province(self, *, code: str = "", name: str = "") -> Unit | None:
        return self._find(self._index_provinces, code, name, 2, lambda unit: True, PROVINCE, None)

    def district(
        self, *, code: str = "", name: str = "", province: Unit | None = None
    ) -> Unit | None:
        def inside(unit: Unit) -> bool:
            return province is None or self._same_province(unit, province)

        return self._find(self._index_districts, code, name, 3, inside, DISTRICT, province)

    def commune(
        self,
        *,
        code: str = "",
        name: str = "",
        province: Unit | None = None,
        district: Unit | None = None,
        follow_lineage: bool = False,
    ) -> Unit | None:
        """With `follow_lineage`, a 2024 commune named without its district stands for the 2025
        commune it went into (the villages roster is about today's villages)."""

        def inside(unit: Unit) -> bool:
            if district is not None and unit.district_id != district.pk:
                return False
            return province is None or self._same_province(unit, province)

        found = self._find(
            self._index_communes, code, name, 5, inside, COMMUNE, district or province
        )
        if follow_lineage and found and not code and district is None:
            return self._present(found)
        return found

    def _present(self, unit: Unit) -> Unit:
        """The 2025 commune a 2024 one went into, when it went into one: a name written without
        its district means today's commune ("Ba Tầng" is now part of "Xã Lìa")."""
        if unit.edition == Edition.current():
            return unit
        if self._successors is None:
            self._successors = defaultdict(list)
            for predecessor_id, successor_id in CommuneLineage.objects.exclude(
                predecessor=None
            ).values_list("predecessor_id", "successor_id"):
                self._successors[predecessor_id].append(successor_id)
        successors = [self.commune_by_pk[pk] for pk in self._successors.get(unit.pk, [])]
        if not successors:
            return unit
        if len(successors) == 1:
            return replace(successors[0], former_name=unit.name)
        raise NotMatched(
            _("%(name)s đã chia vào %(successors)s từ 01/07/2025: hãy ghi tên hoặc mã xã mới.")
            % {"name": unit.name, "successors": ", ".join(s.label() for s in successors)}
        )

    def _same_province(self, unit: Unit, province: Unit) -> bool:
        # By name, not by row: "Tỉnh Quảng Trị" is a row in each edition, and the row's province
        # is whichever edition the commune belongs to.
        return name_key(self.province_by_pk[unit.province_id].name) == name_key(province.name)

    @staticmethod
    def _one_per_edition(candidates: list[Unit]) -> Unit | None:
        """The same unit in both editions: the current one (written with a district, the row
        reaches the three-tier edition through its district instead)."""
        if len({unit.edition for unit in candidates}) != len(candidates):
            return None
        current = [unit for unit in candidates if unit.edition == Edition.current()]
        return current[0] if len(current) == 1 else None

    def _find(self, index, code, name, width, inside, what, scope: Unit | None) -> Unit | None:
        """The one unit; None when neither code nor name was given; NotMatched otherwise,
        saying where it looked (`scope`, the district or province written) and offering the
        nearest names there."""
        where = lower_first(scope.name) if scope else _("danh mục đơn vị hành chính")
        code, name = code.strip(), name.strip()
        if code:
            candidates = [
                unit for unit in index["code"].get(code_key(code, width), []) if inside(unit)
            ]
            if len(candidates) == 1:
                return candidates[0]
            if name and len(candidates) > 1:
                named = [unit for unit in candidates if name_key(unit.name) == name_key(name)]
                if len(named) == 1:
                    return named[0]
            if not candidates:
                raise NotMatched(
                    _("Không có %(what)s nào mang mã %(code)s trong %(where)s.")
                    % {"what": what, "code": code, "where": where}
                )
            raise NotMatched(
                _("Mã %(code)s ứng với nhiều %(what)s: %(candidates)s. Hãy ghi thêm tỉnh.")
                % {"code": code, "what": what, "candidates": _describe(candidates, self)}
            )
        if not name:
            return None
        # The exact name with its prefix first ("Phường Tân Thành" next to "Xã Tân Thành"), then
        # the name without it.
        for candidates in (
            index["full"].get(fold(name), []),
            index["key"].get(name_key(name), []),
        ):
            candidates = [unit for unit in candidates if inside(unit)]
            if len(candidates) == 1:
                return candidates[0]
            if len(candidates) > 1 and (found := self._one_per_edition(candidates)):
                return found
            if len(candidates) > 1:
                raise NotMatched(
                    _(
                        "Tên «%(name)s» ứng với nhiều %(what)s: %(candidates)s. Hãy ghi mã hoặc ghi thêm huyện/tỉnh."
                    )
                    % {"name": name, "what": what, "candidates": _describe(candidates, self)}
                )
        # The same wrong name comes back on many rows: look for the nearest names once.
        memo = (str(what), name_key(name), scope)
        if memo not in self._not_found:
            nearby = [unit.name for unit in index["all"] if inside(unit)]
            self._not_found[memo] = _("Không có %(what)s «%(name)s» trong %(where)s.") % {
                "what": what,
                "name": name,
                "where": where,
            } + did_you_mean(name, nearby)
        raise NotMatched(self._not_found[memo])
