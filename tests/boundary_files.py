"""GeoJSON files for the commune-boundary tests: squares around a point, one per commune."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile


def square(lon: float, lat: float, size: float = 0.05) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(code: str, geometry: dict) -> dict:
    return {"type": "Feature", "properties": {"code": code, "ten": "…"}, "geometry": geometry}


def collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def upload(data, name: str = "ranh-gioi.geojson") -> SimpleUploadedFile:
    content = data if isinstance(data, bytes) else json.dumps(data).encode()
    return SimpleUploadedFile(name, content, content_type="application/geo+json")


def communes_file(communes) -> dict:
    """Side by side squares in Quảng Trị's latitudes, one per commune."""
    return collection(
        [feature(c.code, square(106.8 + 0.06 * index, 16.7)) for index, c in enumerate(communes)]
    )


BOW_TIE = {
    "type": "Polygon",
    "coordinates": [[[106.8, 16.7], [106.9, 16.8], [106.9, 16.7], [106.8, 16.8], [106.8, 16.7]]],
}
