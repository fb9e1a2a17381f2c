"""Every list page can be taken away as .xlsx or .csv, within the user's scope, safely."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from .factories import VillageFactory

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows_of(response) -> list[list[str]]:
    if response["Content-Type"].startswith("text/csv"):
        text = response.getvalue().decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text)))
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


LISTS = [
    ("communes:province_list", None, "Tỉnh Quảng Trị"),
    ("communes:commune_list", None, "Xã Ba Tầng"),
    ("communes:province_detail", "province_a", "Xã Triệu Long"),
    ("communes:district_detail", "district_a1", "Xã Thuận"),
    ("communes:commune_detail", "commune_a1", "Bản Xa Doan"),
    ("criteria:review_queue", None, "Xã Ba Tầng"),
    ("criteria:criteria_set_list", None, "QD318-THU"),
    ("criteria:criteria_set_detail", "criteria_set", "Tỷ lệ đường được cứng hóa"),
    ("sponsorships:calendar", None, "Xã Thuận"),
]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(("name", "target", "expected"), LISTS)
def test_each_list_page_exports_its_rows(client, world, personas, name, target, expected, fmt):
    client.force_login(personas["admin"])
    args = [getattr(world, target).pk] if target else []
    query = {"xuat": fmt}
    if name == "criteria:review_queue":
        query["status"] = "draft"
    if name == "sponsorships:calendar":
        query["year"] = "2024"
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    cells = {cell for row in rows_of(response) for cell in row}
    assert expected in cells


def test_an_export_stays_within_the_users_scope(client, world, personas):
    client.force_login(personas["province"])
    response = client.get(reverse("communes:commune_list"), {"xuat": "csv"})
    names = [row[1] for row in rows_of(response)[1:]]
    assert sorted(names) == ["Xã Ba Tầng", "Xã Thuận", "Xã Triệu Long"]


def test_exported_cells_that_look_like_formulas_are_defused(client, world, personas):
    VillageFactory(commune=world.commune_a1, name='=HYPERLINK("http://x","bấm")')
    VillageFactory(commune=world.commune_a1, name="@SUM(1)\x07")
    client.force_login(personas["commune"])
    for fmt in ("xlsx", "csv"):
        response = client.get(
            reverse("communes:commune_detail", args=[world.commune_a1.pk]), {"xuat": fmt}
        )
        names = [row[4] for row in rows_of(response)[1:]]
        assert '\'=HYPERLINK("http://x","bấm")' in names
        assert "'@SUM(1)" in names


def test_a_list_page_shows_its_export_links(client, world, personas):
    client.force_login(personas["admin"])
    page = client.get(reverse("communes:commune_list"), {"q": "ba"}).content.decode()
    assert "?q=ba&amp;xuat=xlsx" in page
    assert "?q=ba&amp;xuat=csv" in page
