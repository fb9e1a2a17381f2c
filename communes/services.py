"""Writes to the geography. Each function runs in one transaction: all or nothing."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Count

from ntm_portal.api_tokens import api_tokens_revoke_all
from ntm_portal.models import RevokedReason, User
from ntm_portal.security import security_log
from ntm_portal.text import fold

from .access import province_lineage_changed
from .divisions import DivisionError, EditionData, Unit, read_edition
from .matching import Stored, loose_name, match_units
from .models import (
    AdministrativeUnit,
    Commune,
    CommuneLineage,
    District,
    DivisionCorrection,
    Edition,
    LineageKind,
    Province,
    ProvinceLineage,
    Village,
)


@dataclass(frozen=True)
class DivisionsLoadResult:
    provinces: int
    districts: int
    communes: int
    created: int
    updated: int
    # One line per unit whose code, name or kind was corrected in place (also kept as a
    # DivisionCorrection row), and per stored unit the source no longer has (left alone).
    corrections: tuple[str, ...] = ()
    not_in_source: tuple[str, ...] = ()

    def summary(self) -> str:
        return (
            f"provinces={self.provinces} districts={self.districts} communes={self.communes} "
            f"created={self.created} updated={self.updated}"
        )


def divisions_load(*, edition: int, fixture_dir: Path | None = None) -> DivisionsLoadResult:
    """Create or update one edition's provinces, districts and communes. Safe to run again.

    An existing database is corrected in place: each unit of the source is matched to its
    stored row by name within its parent first, then by code (see `communes.matching`), and
    that row takes the official code, name and kind, so that everything pointing at it
    (evaluations, assignments, users, documents) still does. Stored units missing from the
    source are left alone and reported: evaluations and assignments may point at them.
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
        self.corrections: list[DivisionCorrection] = []
        self.not_in_source: list[str] = []

    def run(self) -> DivisionsLoadResult:
        regions = _province_regions(self.edition)
        provinces = self._sync(
            Province,
            DivisionCorrection.Level.PROVINCE,
            self.data["provinces"],
            lambda unit: {"region": regions.get(unit["short_name"], "")},
            lambda row: "",
        )
        province_codes = {province.pk: code for code, province in provinces.items()}
        districts = self._sync(
            District,
            DivisionCorrection.Level.DISTRICT,
            self.data["districts"],
            lambda unit: {"province": provinces[unit["parent"]]},
            lambda row: province_codes.get(row.province_id, ""),
        )
        district_codes = {district.pk: code for code, district in districts.items()}
        if districts:
            provinces_by_id = {province.pk: province for province in provinces.values()}

            def commune_parents(unit: Unit) -> dict:
                district = districts[unit["parent"]]
                return {"district": district, "province": provinces_by_id[district.province_id]}

            def commune_parent_code(row: Commune) -> str:
                return district_codes.get(row.district_id, "")

        else:

            def commune_parents(unit: Unit) -> dict:
                return {"district": None, "province": provinces[unit["parent"]]}

            def commune_parent_code(row: Commune) -> str:
                return province_codes.get(row.province_id, "")

        communes = self._sync(
            Commune,
            DivisionCorrection.Level.COMMUNE,
            self.data["communes"],
            commune_parents,
            commune_parent_code,
        )
        DivisionCorrection.objects.bulk_create(self.corrections, batch_size=2000)
        return DivisionsLoadResult(
            provinces=len(provinces),
            districts=len(districts),
            communes=len(communes),
            created=self.created,
            updated=self.updated,
            corrections=tuple(_correction_line(c) for c in self.corrections),
            not_in_source=tuple(self.not_in_source),
        )

    def _sync(
        self,
        model: type[AdministrativeUnit],
        level: str,
        units: list[Unit],
        parents_of: Callable[[Unit], dict[str, AdministrativeUnit | None]],
        parent_code_of: Callable[[AdministrativeUnit], str],
    ) -> dict[str, AdministrativeUnit]:
        """Bring one level in line with the source, in a constant number of queries."""
        rows = {row.pk: row for row in model.objects.filter(edition=self.edition)}
        matched = match_units(
            [Stored(row.pk, row.code, row.name, parent_code_of(row)) for row in rows.values()],
            units,
        )
        by_code: dict[str, AdministrativeUnit] = {}
        to_create: list[AdministrativeUnit] = []
        to_update: list[AdministrativeUnit] = []
        recoded: list[AdministrativeUnit] = []
        changed_fields: set[str] = set()
        for unit in units:
            values = {
                "code": unit["code"],
                "name": unit["name"],
                "short_name": unit["short_name"],
                "search_name": fold(unit["name"]),
                "kind": unit["kind"],
                "valid_from": self.valid_from,
                "valid_to": self.valid_to,
                **self._parents(parents_of, unit),
            }
            row = rows.get(matched.get(unit["code"], 0))
            if row is None:
                by_code[unit["code"]] = row = model(edition=self.edition, **values)
                to_create.append(row)
                continue
            by_code[unit["code"]] = row
            before = (row.code, row.name, row.kind)
            differing = {name for name, value in values.items() if _value(row, name) != _key(value)}
            if not differing:
                continue
            if "code" in differing:
                recoded.append(row)
            for name in differing:
                setattr(row, name, values[name])
            changed_fields |= differing
            to_update.append(row)
            if before != (row.code, row.name, row.kind):
                self.corrections.append(self._correction(level, row, before))
        self._refuse_clashes(model, rows, set(matched.values()), by_code)
        model.objects.bulk_create(to_create, batch_size=2000)
        if recoded:
            # Codes are unique per edition and PostgreSQL checks that row by row, so a swap
            # (Cao Bằng's Vinh Quý, Lý Quốc and Hạ Lang traded codes) would collide halfway:
            # every moving row first parks on a temporary code no real code can equal.
            final = {row.pk: row.code for row in recoded}
            for index, row in enumerate(recoded):
                row.code = f"~{index:04x}"
            model.objects.bulk_update(recoded, ["code"], batch_size=2000)
            for row in recoded:
                row.code = final[row.pk]
        if to_update:
            model.objects.bulk_update(to_update, sorted(changed_fields), batch_size=2000)
        self.created += len(to_create)
        self.updated += len(to_update)
        return by_code

    def _refuse_clashes(
        self,
        model: type[AdministrativeUnit],
        rows: dict[int, AdministrativeUnit],
        matched_ids: set[int],
        by_code: dict[str, AdministrativeUnit],
    ) -> None:
        """A stored unit the source lacks keeps its code: the source may not reuse that code."""
        for pk, row in rows.items():
            if pk in matched_ids:
                continue
            self.not_in_source.append(
                f"không có trong nguồn, giữ nguyên: {self.edition} {row.code} {row.name}"
            )
            if row.code in by_code:
                raise DivisionError(
                    f"Mã {row.code} của {by_code[row.code].name} đang thuộc {row.name} "
                    f"({model._meta.verbose_name}, phiên bản {self.edition}), đơn vị không còn "
                    "trong nguồn: đổi mã hoặc gộp đơn vị đó trong trang quản trị rồi nạp lại."
                )

    def _correction(self, level: str, row: AdministrativeUnit, before: tuple) -> DivisionCorrection:
        old_code, old_name, old_kind = before
        return DivisionCorrection(
            edition=self.edition,
            level=level,
            unit_id=row.pk,
            old_code=old_code,
            new_code=row.code,
            old_name=old_name,
            new_name=row.name,
            old_kind=old_kind,
            new_kind=row.kind,
            source=self.data["source"][:200],
        )

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


def _correction_line(correction: DivisionCorrection) -> str:
    kind = (
        f" (loại {correction.old_kind} → {correction.new_kind})"
        if correction.old_kind != correction.new_kind
        else ""
    )
    return (
        f"đính chính {correction.edition} {correction.level}: {correction.old_code} "
        f"{correction.old_name} → {correction.new_code} {correction.new_name}{kind}"
    )


# --- Lineage 2024 → 2025 ------------------------------------------------------------------------

LINEAGE_FILE = "lineage-2025.json"
# The resolutions that made the 2025 map, kept by hand with a source for each (no vendored package
# carries them): the National Assembly's for the 34 provinces, the Standing Committee's for each
# province's communes. A link whose row names no basis of its own gets its province's.
LEGAL_BASES_FILE = "legal-bases-2025.json"


@dataclass(frozen=True)
class LineageLoadResult:
    old_mapped: int
    old_total: int
    new_covered: int
    new_total: int
    splits: int
    unresolved: int
    unresolved_xa: int
    provinces_old: int
    provinces_new: int
    created: int
    updated: int
    deleted: int
    unresolved_units: tuple[str, ...] = ()

    def summary(self) -> str:
        return (
            f"old_mapped={self.old_mapped}/{self.old_total} "
            f"new_covered={self.new_covered}/{self.new_total} splits={self.splits} "
            f"unresolved={self.unresolved} unresolved_xa={self.unresolved_xa} "
            f"provinces={self.provinces_old}/{self.provinces_new} "
            f"created={self.created} updated={self.updated} deleted={self.deleted}"
        )


def lineage_load(*, fixture_dir: Path | None = None) -> LineageLoadResult:
    """Link every 2024 unit to its 2025 successor(s), and the 63 provinces to the 34. Safe to run again.

    Needs both editions loaded (the official 2025 one: the links are by code). A legal basis
    entered in the admin survives a reload whose fixture has none.
    """
    path = (fixture_dir or settings.DIVISIONS_FIXTURE_DIR) / LINEAGE_FILE
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise DivisionError(
            f"Không đọc được {path}: {error}. Tạo bằng `make vendor-divisions`."
        ) from None
    bases_path = path.with_name(LEGAL_BASES_FILE)
    try:
        bases = json.loads(bases_path.read_text("utf-8")) if bases_path.exists() else {}
    except ValueError as error:
        raise DivisionError(f"Không đọc được {bases_path}: {error}.") from None
    with transaction.atomic():
        result = _LineageLoader(data, bases).run()
        province_lineage_changed()
        return result


class _LineageLoader:
    COMMUNE_FIELDS = (
        "kind",
        "effective_on",
        "legal_basis",
        "intermediate_code",
        "intermediate_name",
        "source",
        "note",
        "needs_review",
    )

    def __init__(self, data: dict, bases: dict | None = None) -> None:
        self.data = data
        self.effective_on = date.fromisoformat(data["effective"])
        self.created = self.updated = self.deleted = 0
        bases = bases or {}
        self.province_basis = bases.get("provinces", {}).get("basis", "")
        self.commune_bases = {
            code: entry["basis"] for code, entry in bases.get("communes", {}).items()
        }
        # A 2025 unit's province, for the basis of the links that end in it.
        self.province_of = dict(
            Commune.objects.filter(edition=Edition.TWO_TIER_2025).values_list(
                "code", "province__code"
            )
        )

    @staticmethod
    def _ids(model: type[AdministrativeUnit], edition: int) -> dict[str, tuple[int, str]]:
        rows = model.objects.filter(edition=edition).values_list("code", "pk", "name")
        return {code: (pk, name) for code, pk, name in rows}

    def _id(self, ids: dict, code: str, name: str, edition: int) -> int:
        """The row of a code, checked by name: a database still on the draft codes is refused."""
        if code not in ids:
            raise DivisionError(
                f"Chưa có đơn vị {code} ({name}) của phiên bản {edition}: chạy "
                f"`python manage.py load_divisions --edition {edition}` trước."
            )
        pk, stored = ids[code]
        if loose_name(stored) != loose_name(name):
            raise DivisionError(
                f"Mã {code} của phiên bản {edition} là {stored}, bảng nguồn gốc ghi {name}: "
                f"chạy `python manage.py load_divisions --edition {edition}` để đính chính trước."
            )
        return pk

    def run(self) -> LineageLoadResult:
        communes_2024 = self._ids(Commune, Edition.THREE_TIER_2024)
        communes_2025 = self._ids(Commune, Edition.TWO_TIER_2025)
        districts_2024 = self._ids(District, Edition.THREE_TIER_2024)
        provinces_2024 = self._ids(Province, Edition.THREE_TIER_2024)
        provinces_2025 = self._ids(Province, Edition.TWO_TIER_2025)
        wanted: dict[tuple[int | None, int | None, int], dict] = {}
        for row in self.data["communes"]:
            key = (
                self._id(communes_2024, row["old"], row["old_name"], 2024),
                None,
                self._id(communes_2025, row["new"], row["new_name"], 2025),
            )
            wanted[key] = self._commune_values(row)
        for row in self.data["districts"]:
            key = (
                None,
                self._id(districts_2024, row["old_district"], row["old_name"], 2024),
                self._id(communes_2025, row["new"], row["new_name"], 2025),
            )
            wanted[key] = self._commune_values(row)
        self._sync(
            CommuneLineage,
            lambda link: (link.predecessor_id, link.predecessor_district_id, link.successor_id),
            lambda key: {
                "predecessor_id": key[0],
                "predecessor_district_id": key[1],
                "successor_id": key[2],
            },
            wanted,
        )
        provinces = {
            (
                self._id(provinces_2024, row["old"], row["old_name"], 2024),
                self._id(provinces_2025, row["new"], row["new_name"], 2025),
            ): {
                "kind": row["kind"],
                "effective_on": self.effective_on,
                "legal_basis": row.get("legal_basis") or self.province_basis,
            }
            for row in self.data["provinces"]
        }
        self._sync(
            ProvinceLineage,
            lambda link: (link.predecessor_id, link.successor_id),
            lambda key: {"predecessor_id": key[0], "successor_id": key[1]},
            provinces,
        )
        return self._result(len(communes_2024), len(communes_2025))

    def _commune_values(self, row: dict) -> dict:
        return {
            "kind": row["kind"],
            "effective_on": self.effective_on,
            "legal_basis": row.get("legal_basis")
            or self.commune_bases.get(self.province_of.get(row["new"], ""), ""),
            "intermediate_code": row.get("via", ""),
            "intermediate_name": row.get("via_name", ""),
            "source": row["source"],
            "note": row.get("note", ""),
            "needs_review": bool(row.get("needs_review", False)),
        }

    def _sync(self, model, key_of, key_fields, wanted: dict) -> None:
        existing = {key_of(link): link for link in model.objects.all()}
        to_create, to_update, changed = [], [], set()
        for key, values in wanted.items():
            link = existing.pop(key, None)
            if link is None:
                to_create.append(model(**key_fields(key), **values))
                continue
            # The row's own basis, else its province's resolution (legal-bases-2025.json), else
            # one entered in the admin: a correction of the file reaches every link on reload.
            if not values["legal_basis"]:
                values = {**values, "legal_basis": link.legal_basis}
            differing = {name for name, value in values.items() if getattr(link, name) != value}
            if differing:
                for name in differing:
                    setattr(link, name, values[name])
                changed |= differing
                to_update.append(link)
        model.objects.bulk_create(to_create, batch_size=2000)
        if to_update:
            model.objects.bulk_update(to_update, sorted(changed), batch_size=2000)
        if existing:
            model.objects.filter(pk__in=[link.pk for link in existing.values()]).delete()
        self.created += len(to_create)
        self.updated += len(to_update)
        self.deleted += len(existing)

    def _result(self, old_total: int, new_total: int) -> LineageLoadResult:
        # Counted from the database, not the file: what the pages will show.
        old = Commune.objects.of_edition(Edition.THREE_TIER_2024)
        per_old = (
            CommuneLineage.objects.filter(predecessor__isnull=False)
            .values("predecessor")
            .annotate(n=Count("successor"))
        )
        unresolved = old.filter(successions__isnull=True)
        return LineageLoadResult(
            old_mapped=per_old.count(),
            old_total=old_total,
            new_covered=CommuneLineage.objects.values("successor").distinct().count(),
            new_total=new_total,
            splits=per_old.filter(n__gt=1).count(),
            unresolved=unresolved.count(),
            unresolved_xa=unresolved.xa().count(),
            provinces_old=ProvinceLineage.objects.values("predecessor").distinct().count(),
            provinces_new=ProvinceLineage.objects.values("successor").distinct().count(),
            created=self.created,
            updated=self.updated,
            deleted=self.deleted,
            unresolved_units=tuple(
                f"chưa xác định đơn vị kế tiếp: {c.code} {c.name} ({c.district}, {c.province})"
                for c in unresolved.with_places()
            ),
        )


@transaction.atomic
def villages_carry_over() -> int:
    """The villages of a 2024 commune that went wholly (or unchanged) into one 2025 commune
    continue there as rows of their own, linked to the old ones (`Village.formed_from`), so the
    2024 commune keeps its history and the 2025 commune has its villages. A split commune's
    villages are left to the villages roster, which says which new commune each went into.
    A name the new commune already has (two merged communes each with a "Thôn 1") is told apart
    by the old commune's name. Safe to run again: a carried village is not carried twice.
    """
    whole = CommuneLineage.objects.filter(
        predecessor__isnull=False, kind__in=[LineageKind.WHOLE, LineageKind.UNCHANGED]
    )
    successors = defaultdict(set)
    for predecessor_id, successor_id in CommuneLineage.objects.filter(
        predecessor__in=whole.values("predecessor")
    ).values_list("predecessor_id", "successor_id"):
        successors[predecessor_id].add(successor_id)
    into = {old: next(iter(new)) for old, new in successors.items() if len(new) == 1}
    villages = (
        Village.objects.filter(commune_id__in=into, carried_to__isnull=True)
        .select_related("commune")
        .order_by("commune_id", "search_name")
    )
    taken = set(
        Village.objects.filter(commune_id__in=set(into.values())).values_list(
            "commune_id", "search_name"
        )
    )
    codes = set(
        Village.objects.filter(commune_id__in=set(into.values()))
        .exclude(code="")
        .values_list("commune_id", "code")
    )
    carried = []
    for village in villages:
        commune_id = into[village.commune_id]
        name = village.name
        if (commune_id, fold(name)) in taken:
            name = f"{village.name} ({village.commune.short_name})"
        code = village.code if (commune_id, village.code) not in codes else ""
        copy = Village(
            commune_id=commune_id, kind=village.kind, name=name, code=code, formed_from=village
        )
        copy.refresh_search_name()
        if (commune_id, copy.search_name) in taken:
            continue  # the disambiguated name is taken too: left to the villages roster
        taken.add((commune_id, copy.search_name))
        if code:
            codes.add((commune_id, code))
        carried.append(copy)
    Village.objects.bulk_create(carried, batch_size=1000)
    return len(carried)


@transaction.atomic
def district_account_lock(*, account: User, actor: User) -> int:
    """Lock the account of a district that ended (communes.access.can_lock_district_account): it
    is kept, not deleted (what it reviewed keeps its reviewer), its sessions end at the next
    request and its API tokens are revoked. Returns how many tokens were."""
    account.is_active = False
    account.save(update_fields=["is_active"])
    revoked = api_tokens_revoke_all(user=account, reason=RevokedReason.LOCKED, actor=actor)
    security_log.info(
        "district account %s (district=%s) locked by user=%s",
        account.pk,
        account.district_id,
        actor.pk,
    )
    return revoked
