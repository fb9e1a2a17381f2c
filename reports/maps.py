"""The maps of the dashboards and the public pages: which shape, which colour, which figure.

Province shapes come from the vendored fixture (fixtures/boundaries/provinces.json, made by
`make vendor-boundaries`), commune shapes from what the province uploaded
(reports.models.CommuneBoundarySet); both are SVG path data drawn by reports/charts.py.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.utils.translation import gettext as _

from ntm_portal.text import format_number

from .charts import Area, Chart, choropleth
from .models import CommuneBoundarySet

PROVINCE_MAP = settings.BASE_DIR / "fixtures" / "boundaries" / "provinces.json"


@cache
def province_map() -> dict:
    return json.loads(PROVINCE_MAP.read_text("utf-8"))


def share_figure(part: int, whole: int) -> tuple[Decimal | None, str]:
    """A share and how the tooltip and the table say it: "12/40 xã (30 %)"."""
    if not whole:
        return None, ""
    share = (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))
    return share, _("%(part)s/%(whole)s xã (%(share)s %%)") % {
        "part": part,
        "whole": whole,
        "share": format_number(share),
    }


def province_choropleth(
    *,
    title: str,
    edition: int,
    rows: list[tuple[str, str, int, int, str]],
    no_data: str = "",
    summary: str = "",
) -> Chart:
    """`rows`: (province code, name, xã recognised, xã in all, link) per province of the edition;
    a province missing from the rows, or without xã, is drawn grey (`no_data`: "chưa có xã")."""
    frame = province_map()
    paths = frame["editions"][str(edition)]
    given = {code: row for code, *row in rows}
    areas = []
    for code, path in paths.items():
        name, part, whole, url = given.get(code, (code, 0, 0, ""))
        share, figure = share_figure(part, whole)
        areas.append(Area(code, name, path, share, figure, url))
    areas.sort(key=lambda area: area.label)
    return choropleth(
        title=title,
        areas=areas,
        width=frame["width"],
        height=frame["height"],
        insets=frame["insets"],
        no_data=no_data or _("chưa có xã"),
        legend_top=540,
        summary=summary
        or _("Tỷ lệ xã đã được công nhận đạt chuẩn nông thôn mới (mọi mức), theo tỉnh"),
    )


def commune_choropleth(
    *, boundaries: CommuneBoundarySet, rows: list[tuple[str, str, int, int]]
) -> Chart:
    """`rows`: (commune code, name, criteria met, criteria in all) for the communes scored."""
    given = {code: row for code, *row in rows}
    areas = []
    for code, path in boundaries.paths.items():
        name, met, total = given.get(code, (code, 0, 0))
        share = (Decimal(met) * 100 / total).quantize(Decimal("0.1")) if total else None
        figure = _("đạt %(met)s/%(total)s tiêu chí") % {"met": met, "total": total} if total else ""
        areas.append(Area(code, name, path, share, figure))
    areas.sort(key=lambda area: area.label)
    return choropleth(
        title=_("Tỷ lệ tiêu chí đạt của từng xã"),
        areas=areas,
        width=boundaries.width,
        height=boundaries.height,
        no_data=_("chưa có đánh giá được duyệt"),
        summary=_("Tỷ lệ tiêu chí đạt trong đánh giá được duyệt mới nhất của từng xã"),
    )
