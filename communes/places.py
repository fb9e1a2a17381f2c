"""Finding provinces, districts and communes the way people write them in their spreadsheets.

By official code (Excel drops the leading zeros: 1234 is commune 01234), or by name within the
province or district given on the row, whatever the Unicode form, spacing, case and prefix
("Xã", "Phường", "Thị trấn", "Huyện", "Thị xã", "TX.", "TP.", "Thành phố", "Tỉnh"), in the
edition of the map the roster is about (`Places`). A code and a name written together must be
one unit; a name that fits several units is an error listing them, never a guess.

Everything is loaded once per file into dictionaries: a 10,000-row roster costs four queries.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rapidfuzz import fuzz, process

from communes.models import Commune, CommuneLineage, District, Edition, Province, ProvinceLineage
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


def bare_key(text: str) -> str:
    """A name written without its prefix, as it is: "Phượng Dực" → "phuong duc" (which
    `name_key` would take for "Phường Dực"), "Quan Sơn" → "quan son" (not "Quận Sơn")."""
    return " ".join(fold(text).replace("\u00a0", " ").split())


def name_readings(written: str) -> tuple[Callable[[Unit], bool], ...]:
    """The ways a written name may be a unit's, the surest first: the whole name with its
    prefix ("Phường Tân Thành" next to "Xã Tân Thành"); the bare name as written ("Quan Sơn" is
    Xã Quan Sơn); the name with a leading "Xã", "Phường", … taken off ("Xã Ba Tầng" is Ba
    Tầng)."""
    folded, bare, key = fold(written), bare_key(written), name_key(written)
    return (
        lambda unit: fold(unit.name) == folded,
        lambda unit: name_key(unit.name) == bare,
        lambda unit: name_key(unit.name) == key,
    )


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


class Places:
    """Both editions of the map, indexed for matching: read once per file (four queries).

    Every lookup is made for an `edition`, the one the roster (or its row) is about: today's
    for today's work, the edition of a period or start date for history. Its units are looked
    in first; the other edition's only when that one has nothing for what the row wrote (a
    district, a province or a name that exists only there), and the match says so. Codes are
    unique only within an edition: 1,538 of the 2,621 xã of 2025 share their province and code
    with a 2024 unit, so a code alone never picks between the two editions."""

    def __init__(self) -> None:
        self.provinces = [
            Unit(pk, code, name, ed)
            for pk, code, name, ed in Province.objects.values_list("pk", "code", "name", "edition")
        ]
        self.districts = [
            Unit(pk, code, name, ed, province_id=province)
            for pk, code, name, ed, province in District.objects.values_list(
                "pk", "code", "name", "edition", "province_id"
            )
        ]
        self.communes = [
            Unit(pk, code, name, ed, province_id=province, district_id=district)
            for pk, code, name, ed, province, district in Commune.objects.values_list(
                "pk", "code", "name", "edition", "province_id", "district_id"
            )
        ]
        self.province_by_pk = {unit.pk: unit for unit in self.provinces}
        self.district_by_pk = {unit.pk: unit for unit in self.districts}
        self.commune_by_pk = {unit.pk: unit for unit in self.communes}
        # A province is the same place in both editions when it has the same name (see
        # `_same_province`): its key, once per province rather than once per candidate.
        self._province_key = {unit.pk: name_key(unit.name) for unit in self.provinces}
        # Today's province also holds the old units of the provinces it was formed from: its
        # office writes «Tỉnh Quảng Trị» beside a commune of the 2024 Quảng Bình.
        self._covered: dict[int, set[str]] = {pk: {key} for pk, key in self._province_key.items()}
        for successor, predecessor in ProvinceLineage.objects.values_list(
            "successor_id", "predecessor_id"
        ):
            self._covered[successor].add(self._province_key[predecessor])
        self._successors: dict[int, list[int]] | None = None
        self._not_found: dict[tuple, str] = {}
        self._described: dict[tuple, str] = {}
        self._provinces_written: dict[tuple, Unit | NotMatched | None] = {}
        self._index_provinces = self._index(self.provinces)
        self._index_districts = self._index(self.districts)
        self._index_communes = self._index(self.communes)

    @staticmethod
    def _index(units: list[Unit]) -> dict[str, dict]:
        by_code, by_key = defaultdict(list), defaultdict(list)
        for unit in units:
            by_code[unit.code].append(unit)
            by_key[name_key(unit.name)].append(unit)
        return {"code": by_code, "key": by_key, "all": units}

    def describe(
        self, unit: Unit, *, edition: int | None = None, with_province: bool = False
    ) -> str:
        """What a row's place was found to be: "Xã Triệu Phước – Huyện Triệu Phong, mã 19xxx
        (trước 01/07/2025)". A unit of the three-tier map is always marked; one of today's map
        when the lookup was for the three-tier edition (`edition`). `with_province` names the
        province under the district too, as a list of candidates from several places needs."""
        # The same few hundred units on thousands of rows: each told once per file.
        key = (unit, edition, with_province)
        if key not in self._described:
            self._described[key] = self._describe(unit, edition, with_province)
        return self._described[key]

    def _describe(self, unit: Unit, edition: int | None, with_province: bool) -> str:
        parents = []
        if unit.district_id and (district := self.district_by_pk.get(unit.district_id)):
            parents.append(district.name)
        province = self.province_by_pk.get(unit.province_id or 0)
        if province and (with_province or not parents):
            parents.append(province.name)
        text = " – ".join([unit.name, *parents])
        text += ", " + _("mã %(code)s") % {"code": unit.code}
        if unit.edition != Edition.current():
            text += " " + _("(trước 01/07/2025)")
        elif edition is not None and edition != unit.edition:
            text += " " + _("(từ 01/07/2025)")
        if unit.former_name:
            text += " " + _("(từ %(name)s)") % {"name": unit.former_name}
        return text

    def _candidates(
        self, units: list[Unit], *, edition: int | None = None, joiner: str = "; "
    ) -> str:
        """Several units as a refusal lists them, each with its parents, code and edition,
        those of the roster's `edition` first; at most six."""
        units = sorted(units, key=lambda unit: unit.edition != edition)
        # Both editions among them: each says its own (today's units are unmarked otherwise).
        mark = Edition.THREE_TIER_2024 if len({unit.edition for unit in units}) > 1 else None
        shown = [self.describe(unit, edition=mark, with_province=True) for unit in units[:6]]
        more = len(units) - len(shown)
        return joiner.join(shown) + (f"; … (+{more})" if more > 0 else "")

    # --- one level at a time ---

    def province(
        self, *, code: str = "", name: str = "", edition: int | None = None
    ) -> Unit | None:
        """The province written, in `edition` (today's when None) or else in the other one."""
        # Every row writes its province, and a file names a few: each answered once.
        key = (code, name, edition)
        if key not in self._provinces_written:
            try:
                self._provinces_written[key] = self._find(
                    self._index_provinces, code, name, 2, lambda unit: True, PROVINCE, None, edition
                )
            except NotMatched as error:
                self._provinces_written[key] = error
        found = self._provinces_written[key]
        if isinstance(found, NotMatched):
            raise NotMatched(str(found))
        return found

    def district(
        self,
        *,
        code: str = "",
        name: str = "",
        province: Unit | None = None,
        edition: int | None = None,
    ) -> Unit | None:
        """Districts are only on the three-tier map: one written names the 2024 edition."""

        def inside(unit: Unit) -> bool:
            return province is None or self._same_province(unit, province)

        return self._find(self._index_districts, code, name, 3, inside, DISTRICT, province, edition)

    def commune(
        self,
        *,
        code: str = "",
        name: str = "",
        province: Unit | None = None,
        district: Unit | None = None,
        edition: int | None = None,
        follow_lineage: bool = False,
    ) -> Unit | None:
        """The commune written, in `edition` (today's when None) or else in the other one.
        With `follow_lineage`, a 2024 commune named without its district stands for the 2025
        commune it went into (the villages roster is about today's villages)."""

        def inside(unit: Unit) -> bool:
            if district is not None and unit.district_id != district.pk:
                return False
            return province is None or self._same_province(unit, province)

        found = self._find(
            self._index_communes, code, name, 5, inside, COMMUNE, district or province, edition
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
        # is whichever edition the commune belongs to; a 2025 province written also holds the
        # 2024 units of the provinces it was formed from.
        return self._province_key[unit.province_id] in self._covered[province.pk]

    @staticmethod
    def _in_edition_order(units: list[Unit], edition: int) -> list[list[Unit]]:
        """The units of `edition`, then those of the other one (each list may be empty)."""
        return [
            [unit for unit in units if unit.edition == edition],
            [unit for unit in units if unit.edition != edition],
        ]

    def _find(
        self, index, code, name, width, inside, what, scope: Unit | None, edition: int | None
    ) -> Unit | None:
        """The one unit; None when neither code nor name was given; NotMatched otherwise,
        saying where it looked (`scope`, the district or province written), naming the
        candidates when several fit, offering the nearest names when none does."""
        edition = edition or Edition.current()
        code, name = code.strip(), name.strip()
        if code:
            return self._by_code(index, code, name, width, inside, what, scope, edition)
        if not name:
            return None
        # The roster's edition first, then the other; in each, the closest reading of the name
        # (see `name_readings`) that any unit answers to.
        key, bare = name_key(name), bare_key(name)
        named = index["key"].get(key, [])
        if bare != key:
            named = named + index["key"].get(bare, [])
        for units in self._in_edition_order([unit for unit in named if inside(unit)], edition):
            for same in name_readings(name):
                candidates = [unit for unit in units if same(unit)]
                if len(candidates) == 1:
                    return candidates[0]
                if len(candidates) > 1:
                    raise NotMatched(
                        _("Tên «%(name)s» ứng với %(count)s %(what)s: %(candidates)s. %(hint)s")
                        % {
                            "name": name,
                            "count": len(candidates),
                            "what": what,
                            "candidates": self._candidates(candidates),
                            "hint": self._telling_apart(candidates, what),
                        }
                    )
        # The same wrong name comes back on many rows: look for the nearest names once.
        memo = (str(what), key, scope)
        if memo not in self._not_found:
            nearby = [unit.name for unit in index["all"] if inside(unit)]
            self._not_found[memo] = _("Không có %(what)s «%(name)s» trong %(where)s.") % {
                "what": what,
                "name": name,
                "where": self._where(scope),
            } + did_you_mean(name, nearby)
        raise NotMatched(self._not_found[memo])

    def _by_code(self, index, code, name, width, inside, what, scope, edition) -> Unit:
        """The unit bearing the code in the roster's edition, or else in the other one; a name
        written beside it must be that unit's (or a slip of it): it decides between the two
        editions, and a code and a name that disagree are refused rather than one believed."""
        bearing = index["code"].get(code_key(code, width), [])
        with_code = [unit for unit in bearing if inside(unit)]
        if not with_code:
            reason = _("Không có %(what)s nào mang mã %(code)s trong %(where)s.") % {
                "what": what,
                "code": code,
                "where": self._where(scope),
            }
            if bearing:  # the code is right, the province or district is not (or the reverse)
                reason += " " + _("Mã này là của %(candidates)s.") % {
                    "candidates": self._candidates(bearing, edition=edition, joiner=_(" hoặc "))
                }
            raise NotMatched(reason)
        # The name as written in either edition before a slip of it in either: "Tân Hà" is the
        # 2024 unit of its code, not a misspelt "Tân Hòa" of 2025.
        for slips in (False, True) if name else (False,):
            for units in self._in_edition_order(with_code, edition):
                fitting = self._named(units, name, slips=slips) if name else units
                if len(fitting) == 1:
                    return fitting[0]
                if len(fitting) > 1:  # one edition holds each code once: a unit loaded twice
                    raise NotMatched(
                        _("Mã %(code)s ứng với nhiều %(what)s: %(candidates)s.")
                        % {"code": code, "what": what, "candidates": self._candidates(fitting)}
                    )
        raise NotMatched(
            _("Mã %(code)s là %(candidates)s, không phải «%(name)s»: hãy kiểm tra lại mã hoặc tên.")
            % {
                "code": code,
                "name": name,
                "candidates": self._candidates(with_code, edition=edition, joiner=_(" hoặc ")),
            }
        )

    @staticmethod
    def _named(units: list[Unit], name: str, *, slips: bool) -> list[Unit]:
        """The units the name written beside a code is, read as `name_readings` read it (the
        closest reading any of them answers to); with `slips`, those it misspells by a letter
        or two."""
        if slips:
            key = name_key(name)
            return [unit for unit in units if fuzz.ratio(name_key(unit.name), key) >= SUGGEST_SCORE]
        for same in name_readings(name):
            if found := [unit for unit in units if same(unit)]:
                return found
        return []

    def _telling_apart(self, units: list[Unit], what: object) -> str:
        """What the row should add to single out one of `units`: the province when they lie in
        several, else the (old) district when they lie in several, else the code."""
        provinces = {self._province_key[unit.province_id] for unit in units if unit.province_id}
        if what is not COMMUNE:
            return _("Hãy ghi thêm tỉnh.")
        if len(provinces) > 1:
            return _("Hãy ghi thêm tỉnh hoặc ghi mã xã.")
        if len({unit.district_id for unit in units}) > 1:
            return _("Hãy ghi thêm huyện (với xã trước 01/07/2025) hoặc ghi mã xã.")
        return _("Hãy ghi mã xã.")

    @staticmethod
    def _where(scope: Unit | None) -> str:
        return lower_first(scope.name) if scope else _("danh mục đơn vị hành chính")
