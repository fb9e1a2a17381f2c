"""Shapes to SVG path data (shapely, no Django): for the vendored province map and for the
commune boundaries a province uploads. Drawing reads the paths only."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from shapely.geometry import MultiPolygon, Polygon

Transform = Callable[[float, float], tuple[float, float]]


def polygons(geometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [geometry]
    if isinstance(geometry, MultiPolygon):
        return list(geometry.geoms)
    return [g for part in getattr(geometry, "geoms", []) for g in polygons(part)]


def ring_path(points: list[tuple[float, float]]) -> str:
    """A closed ring in relative integer steps ("M12 30l3-1 …z"); repeated points dropped."""
    steps, last = [], None
    for x, y in points:
        here = (round(x), round(y))
        if here != last:
            steps.append(here)
            last = here
    if len(steps) > 1 and steps[0] == steps[-1]:
        steps.pop()
    if len(steps) < 3:
        return ""
    moves = [f"{x1 - x0} {y1 - y0}" for (x0, y0), (x1, y1) in itertools.pairwise(steps)]
    return f"M{steps[0][0]} {steps[0][1]}l" + " ".join(moves).replace(" -", "-") + "z"


def to_path(geometry, transform: Transform, *, min_area: float = 0.0) -> str:
    """Every polygon of the geometry, projected; those smaller than `min_area` (square units)
    once projected are left out."""
    parts = []
    for polygon in polygons(geometry):
        projected = [
            [transform(x, y) for x, y in ring.coords]
            for ring in [polygon.exterior, *polygon.interiors]
        ]
        if Polygon(projected[0]).area < min_area:
            continue
        parts.extend(filter(None, (ring_path(ring) for ring in projected)))
    return "".join(parts)
