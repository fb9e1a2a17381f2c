"""Official administrative-division editions, in one normalised form for the loader.

Both editions are vendored under fixtures/divisions/ and nothing installed decides our
geography at run time (see `make vendor-divisions`):

- edition-2024.json, the three-tier units before 01/07/2025, from `vietnam-provinces` 0.6.0
  (the last version that has them), made by running this module with it installed:
  `python communes/divisions.py > fixtures/divisions/edition-2024.json`;
- edition-2025.json, the two-tier units of the official register from 01/07/2025, read out
  of the `vietnam-provinces` 2026.x wheel by `communes/vendoring.py` (2025.x carried the
  draft codes).

This module imports nothing from Django, so that it can run in a throwaway environment.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path
from typing import TextIO, TypedDict

SUPPORTED_EDITIONS = (2024, 2025)

PROVINCE_PREFIXES = {"Thành phố": "thanh_pho_tw", "Tỉnh": "tinh"}
DISTRICT_PREFIXES = {"Thị xã": "thi_xa", "Thành phố": "thanh_pho", "Huyện": "huyen", "Quận": "quan"}
COMMUNE_PREFIXES = {"Thị trấn": "thi_tran", "Đặc khu": "dac_khu", "Phường": "phuong", "Xã": "xa"}
# The 2025 package gives province kinds but bare names ("Quảng Trị"); 0.6.x the reverse.
PACKAGE_PROVINCE_KINDS = {"tỉnh": "tinh", "thành phố trung ương": "thanh_pho_tw"}


class DivisionError(Exception):
    """An edition that cannot be read; the message says what to do."""


class Unit(TypedDict):
    code: str
    name: str
    short_name: str
    kind: str
    parent: str  # the code of the enclosing unit; "" for a province


class EditionData(TypedDict):
    edition: int
    source: str
    provinces: list[Unit]
    districts: list[Unit]
    communes: list[Unit]


def _nfc(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _split_kind(name: str, prefixes: dict[str, str]) -> tuple[str, str, str]:
    """("Huyện Hướng Hóa", DISTRICT_PREFIXES) → ("huyen", "Huyện", "Hướng Hóa").

    Case-insensitive, since the source writes "Thành Phố Bắc Kạn" beside "Thành phố Huế".
    """
    for prefix, kind in prefixes.items():
        if name.lower().startswith(prefix.lower() + " "):
            return kind, prefix, name[len(prefix) + 1 :]
    raise DivisionError(f"Không nhận ra loại đơn vị hành chính của tên {name!r}.")


def _unit(raw: dict, prefixes: dict[str, str], parent: str, width: int) -> Unit:
    kind, prefix, short_name = _split_kind(_nfc(raw["name"]), prefixes)
    return Unit(
        code=str(raw["code"]).zfill(width),
        name=f"{prefix} {short_name}",
        short_name=short_name,
        kind=kind,
        parent=parent,
    )


def _province(raw: dict) -> Unit:
    name = _nfc(raw["name"])
    if raw.get("division_type") in PACKAGE_PROVINCE_KINDS and not name.startswith(
        tuple(PROVINCE_PREFIXES)
    ):
        kind = PACKAGE_PROVINCE_KINDS[raw["division_type"]]
        name = f"{'Tỉnh' if kind == 'tinh' else 'Thành phố'} {name}"
    return _unit({"name": name, "code": raw["code"]}, PROVINCE_PREFIXES, "", 2)


def normalise_package_tree(tree: list[dict], source: str) -> EditionData:
    """Turn the package's nested-divisions.json into this module's form.

    Kinds come from the official names, because 0.6.x labels every unit "xã".
    """
    three_tier = any("districts" in province for province in tree)
    data = EditionData(
        edition=2024 if three_tier else 2025, source=source, provinces=[], districts=[], communes=[]
    )
    for raw_province in tree:
        province = _province(raw_province)
        data["provinces"].append(province)
        if three_tier:
            for raw_district in raw_province["districts"]:
                district = _unit(raw_district, DISTRICT_PREFIXES, province["code"], 3)
                data["districts"].append(district)
                data["communes"].extend(
                    _unit(raw, COMMUNE_PREFIXES, district["code"], 5)
                    for raw in raw_district["wards"]
                )
        else:
            data["communes"].extend(
                _unit(raw, COMMUNE_PREFIXES, province["code"], 5) for raw in raw_province["wards"]
            )
    return data


def installed_package_edition() -> EditionData:
    import vietnam_provinces

    tree = json.loads(Path(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH).read_text("utf-8"))
    source = (
        f"vietnam-provinces {vietnam_provinces.__version__} "
        f"(dữ liệu {vietnam_provinces.__data_version__})"
    )
    return normalise_package_tree(tree, source)


def vendored_path(fixture_dir: Path, edition: int) -> Path:
    return fixture_dir / f"edition-{edition}.json"


def read_edition(edition: int, fixture_dir: Path) -> EditionData:
    """The vendored edition; a one-line error that says how to make it when it is missing."""
    if edition not in SUPPORTED_EDITIONS:
        editions = " hoặc ".join(str(e) for e in SUPPORTED_EDITIONS)
        raise DivisionError(f"Phiên bản {edition} không có: chọn {editions}.")
    path = vendored_path(fixture_dir, edition)
    if not path.exists():
        raise DivisionError(f"Không có tệp {path}: tạo tệp đó bằng lệnh `make vendor-divisions`.")
    try:
        vendored = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise DivisionError(
            f"Không đọc được {path}: {error}. Tạo lại bằng `make vendor-divisions`."
        ) from None
    if vendored.get("edition") != edition:
        raise DivisionError(f"Tệp {path} không chứa phiên bản {edition}.")
    return vendored


def write_edition(data: EditionData, out: TextIO) -> None:
    """The vendored form: one unit per line, so that a new edition reads as a short diff."""
    out.write(
        f'{{"edition": {data["edition"]}, "source": {json.dumps(data["source"], ensure_ascii=False)},\n'
    )
    for index, level in enumerate(("provinces", "districts", "communes")):
        out.write(f' "{level}": [')
        rows = [json.dumps(unit, ensure_ascii=False) for unit in data[level]]
        out.write(("\n  " + ",\n  ".join(rows) + "\n ") if rows else "")
        out.write("]" + (",\n" if index < 2 else "\n"))
    out.write("}\n")


def main() -> None:
    """Print the installed package's edition in vendored form."""
    write_edition(installed_package_edition(), sys.stdout)


if __name__ == "__main__":
    main()
