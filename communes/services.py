"""Writes to the geography. Each function runs in one transaction: all or nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from ntm_portal.text import fold

from .divisions import DivisionError, EditionData, Unit, read_edition
from .models import AdministrativeUnit, Commune, District, Edition, Province


@dataclass(frozen=True)
class DivisionsLoadResult:
    provinces: int
    districts: int
    communes: int
    created: int
    updated: int

    def summary(self) -> str:
        return (
            f"provinces={self.provinces} districts={self.districts} communes={self.communes} "
            f"created={self.created} updated={self.updated}"
        )


def divisions_load(*, edition: int, fixture_dir: Path | None = None) -> DivisionsLoadResult:
    """Create or update one edition's provinces, districts and communes. Safe to run again.

    Units missing from the source are left alone: evaluations and assignments may point at them.
    """
    data = read_edition(edition, fixture_dir or settings.DIVISIONS_FIXTURE_DIR)
    with transaction.atomic():
        return _DivisionsLoader(data).run()


class _DivisionsLoader:
    def __init__(self, data: EditionData) -> None:
        self.data = data
        self.edition = data["edition"]
        self.valid_from, self.valid_to = Edition.validity(self.edition)
        self.created = 0
        self.updated = 0

    def run(self) -> DivisionsLoadResult:
        regions = _province_regions(self.edition)
        provinces = self._sync(
            Province,
            self.data["provinces"],
            lambda unit: {"region": regions.get(unit["short_name"], "")},
        )
        districts = self._sync(
            District,
            self.data["districts"],
            lambda unit: {"province": provinces[unit["parent"]]},
        )
        if districts:
            provinces_by_id = {province.pk: province for province in provinces.values()}

            def commune_parents(unit: Unit) -> dict:
                district = districts[unit["parent"]]
                return {"district": district, "province": provinces_by_id[district.province_id]}

        else:

            def commune_parents(unit: Unit) -> dict:
                return {"district": None, "province": provinces[unit["parent"]]}

        communes = self._sync(Commune, self.data["communes"], commune_parents)
        return DivisionsLoadResult(
            provinces=len(provinces),
            districts=len(districts),
            communes=len(communes),
            created=self.created,
            updated=self.updated,
        )

    def _sync(
        self,
        model: type[AdministrativeUnit],
        units: list[Unit],
        parents_of: Callable[[Unit], dict[str, AdministrativeUnit | None]],
    ) -> dict[str, AdministrativeUnit]:
        """Bring one level in line with the source, in a constant number of queries."""
        existing = {row.code: row for row in model.objects.filter(edition=self.edition)}
        to_create: list[AdministrativeUnit] = []
        to_update: list[AdministrativeUnit] = []
        changed_fields: set[str] = set()
        for unit in units:
            values = {
                "name": unit["name"],
                "short_name": unit["short_name"],
                "search_name": fold(unit["name"]),
                "kind": unit["kind"],
                "valid_from": self.valid_from,
                "valid_to": self.valid_to,
                **self._parents(parents_of, unit),
            }
            row = existing.get(unit["code"])
            if row is None:
                existing[unit["code"]] = row = model(
                    edition=self.edition, code=unit["code"], **values
                )
                to_create.append(row)
                continue
            differing = {name for name, value in values.items() if _value(row, name) != _key(value)}
            if differing:
                for name in differing:
                    setattr(row, name, values[name])
                changed_fields |= differing
                to_update.append(row)
        model.objects.bulk_create(to_create, batch_size=2000)
        if to_update:
            model.objects.bulk_update(to_update, sorted(changed_fields), batch_size=2000)
        self.created += len(to_create)
        self.updated += len(to_update)
        return existing

    @staticmethod
    def _parents(parents_of: Callable[[Unit], dict], unit: Unit) -> dict:
        try:
            return parents_of(unit)
        except KeyError:
            raise DivisionError(
                f"Đơn vị {unit['code']} ({unit['name']}) thuộc mã {unit['parent']!r} không có "
                "trong cùng dữ liệu: tệp phiên bản bị hỏng, hãy tạo lại bằng `make vendor-divisions`."
            ) from None


def _province_regions(edition: int) -> dict[str, str]:
    """Province short name → region code, from fixtures/divisions/regions.json (editable data)."""
    path = Path(settings.BASE_DIR) / "fixtures" / "divisions" / "regions.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text("utf-8")).get(str(edition), {})


def _key(value: object) -> object:
    """A related unit compares by its primary key."""
    return value.pk if isinstance(value, AdministrativeUnit) else value


def _value(row: AdministrativeUnit, name: str) -> object:
    field = row._meta.get_field(name)
    return getattr(row, field.attname)
