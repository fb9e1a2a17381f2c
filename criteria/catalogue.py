"""Loading the criteria catalogue from fixtures/criteria/*.json, idempotently, all or nothing.

A file describes one set: its criteria, their indicators and thresholds (see any file there).
Loading again updates what changed and leaves ids alone, so evaluations keep pointing at the
same indicators. Indicators and criteria removed from a file are not deleted: past evaluations
use them; the admin can retire them.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from communes.models import CommuneGroup, Region

from .catalogue_cache import catalogue_changed
from .models import CriteriaSet, Criterion, Indicator, Threshold


class CatalogueError(Exception):
    """A catalogue file that cannot be loaded; the message names the file and the place."""


@dataclass
class CatalogueLoadResult:
    sets: int = 0
    criteria: int = 0
    indicators: int = 0
    created: int = 0
    updated: int = 0

    def summary(self) -> str:
        return (
            f"sets={self.sets} criteria={self.criteria} indicators={self.indicators} "
            f"created={self.created} updated={self.updated}"
        )


def catalogue_load(*, directory: Path) -> CatalogueLoadResult:
    files = sorted(directory.glob("*.json"))
    if not files:
        raise CatalogueError(f"Không có tệp bộ tiêu chí nào trong {directory}.")
    documents = [(path, _read(path)) for path in files]
    result = CatalogueLoadResult()
    with transaction.atomic():
        for path, document in documents:
            _load_set(path, document, result)
        catalogue_changed()
    return result


def _read(path: Path) -> dict:
    try:
        return json.loads(unicodedata.normalize("NFC", path.read_text("utf-8")))
    except (OSError, ValueError) as error:
        raise CatalogueError(f"{path.name}: không đọc được JSON ({error}).") from None


def _upsert(model, result: CatalogueLoadResult, lookup: dict, values: dict):
    row = model.objects.filter(**lookup).first()
    if row is None:
        result.created += 1
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if changed:
        for name in changed:
            setattr(row, name, values[name])
        row.save(update_fields=changed)
        result.updated += 1
    return row


def _load_set(path: Path, doc: dict, result: CatalogueLoadResult) -> None:
    where = path.name
    try:
        criteria_set = _upsert(
            CriteriaSet,
            result,
            {"code": doc["code"]},
            {
                "name": doc["name"],
                "legal_basis": doc["legal_basis"],
                "level": _choice(doc["level"], CriteriaSet.Level, where),
                "province_name": doc.get("province") or "",
                "valid_from": date.fromisoformat(doc["valid_from"]),
                "valid_to": date.fromisoformat(doc["valid_to"]) if doc.get("valid_to") else None,
                "needs_review": bool(doc.get("needs_review")),
                "review_note": doc.get("review_note") or "",
            },
        )
        result.sets += 1
        for criterion_doc in doc["criteria"]:
            where = f"{path.name}, tiêu chí {criterion_doc.get('number')}"
            criterion = _upsert(
                Criterion,
                result,
                {"criteria_set": criteria_set, "number": int(criterion_doc["number"])},
                {
                    "name": criterion_doc["name"],
                    "short_name": criterion_doc["short_name"],
                    "group": criterion_doc.get("group") or "",
                    "revocation_key": bool(criterion_doc.get("revocation_key")),
                },
            )
            result.criteria += 1
            if not criterion_doc["indicators"]:
                raise CatalogueError(f"{where}: không có chỉ tiêu nào.")
            for position, indicator_doc in enumerate(criterion_doc["indicators"]):
                where = f"{path.name}, chỉ tiêu {indicator_doc.get('number')}"
                _load_indicator(criterion, position, indicator_doc, where, result)
    except CatalogueError:
        raise
    except (KeyError, TypeError, ValueError) as error:
        raise CatalogueError(f"{where}: thiếu hoặc sai trường {error}.") from None


def _load_indicator(
    criterion: Criterion, position: int, doc: dict, where: str, result: CatalogueLoadResult
) -> None:
    indicator = _upsert(
        Indicator,
        result,
        {"criterion": criterion, "number": doc["number"]},
        {
            "position": position,
            "name": doc["name"],
            "kind": _choice(doc["kind"], Indicator.Kind, where),
            "unit": doc.get("unit") or "",
            "direction": _choice(doc.get("direction", "at_least"), Indicator.Direction, where),
            "needs_review": bool(doc.get("needs_review")),
            "review_note": doc.get("review_note") or "",
        },
    )
    result.indicators += 1
    wanted = {_threshold_key(rule, where) for rule in doc.get("thresholds", [])}
    if indicator.kind != Indicator.Kind.YES_NO and not wanted:
        raise CatalogueError(f"{where}: chỉ tiêu dạng số cần ít nhất một ngưỡng.")
    current = {
        (t.value, t.region, t.commune_group, t.year_from, t.year_to)
        for t in indicator.thresholds.all()
    }
    if wanted != current:
        indicator.thresholds.all().delete()
        Threshold.objects.bulk_create(
            Threshold(
                indicator=indicator,
                value=value,
                region=region,
                commune_group=group,
                year_from=year_from,
                year_to=year_to,
            )
            for value, region, group, year_from, year_to in wanted
        )
        if current:
            result.updated += 1


def _threshold_key(rule: dict, where: str) -> tuple:
    try:
        value = Decimal(str(rule["value"])).quantize(Decimal("0.001"))
    except (InvalidOperation, KeyError):
        raise CatalogueError(f"{where}: ngưỡng {rule.get('value')!r} không phải là số.") from None
    region = rule.get("region") or ""
    if region and region not in Region.values:
        raise CatalogueError(f"{where}: vùng {region!r} không có trong danh mục 7 vùng.")
    group = rule.get("commune_group")
    if group is not None and group not in CommuneGroup.values:
        raise CatalogueError(f"{where}: nhóm xã {group!r} phải là 1, 2 hoặc 3.")
    return (value, region, group, rule.get("year_from"), rule.get("year_to"))


def _choice(value: str, choices, where: str) -> str:
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        raise CatalogueError(f"{where}: giá trị {value!r} không hợp lệ (chọn: {allowed}).")
    return value
