"""Sponsoring and supervising agencies of a province (Hội CCB tỉnh, Sở Tài chính, …)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes.places import NotMatched, Places
from ntm_portal import rosters
from ntm_portal.models import User
from ntm_portal.rosters.base import (
    ERROR,
    NEW,
    UNCHANGED,
    UPDATED,
    Progress,
    Roster,
    RowChecker,
    Validation,
    duplicate_check,
    report_progress,
)
from ntm_portal.rosters.reading import Column
from ntm_portal.text import fold
from sponsorships.models import Agency

# As officials write them (folded); the labels shown are translated, these are not.
AGENCY_KINDS = {
    "so, ban, nganh": Agency.Kind.DEPARTMENT,
    "so ban nganh": Agency.Kind.DEPARTMENT,
    "so": Agency.Kind.DEPARTMENT,
    "mat tran, doan the": Agency.Kind.MASS_ORGANISATION,
    "mat tran doan the": Agency.Kind.MASS_ORGANISATION,
    "doan the": Agency.Kind.MASS_ORGANISATION,
    "hoi": Agency.Kind.MASS_ORGANISATION,
    "doanh nghiep": Agency.Kind.ENTERPRISE,
    "khac": Agency.Kind.OTHER,
}


def agency_kind(text: str) -> str | None:
    return AGENCY_KINDS.get(fold(text)) if text else Agency.Kind.DEPARTMENT


class AgencyIndex:
    """Agencies by province and folded name (current names and former ones)."""

    def __init__(self) -> None:
        self.by_name: dict[tuple[str, str], list[Agency]] = {}
        for agency in Agency.objects.select_related("province").prefetch_related("former_names"):
            names = {agency.name, agency.short_name, *(f.name for f in agency.former_names.all())}
            for name in filter(None, names):
                key = (fold(agency.province.name), fold(name))
                self.by_name.setdefault(key, [])
                if agency not in self.by_name[key]:
                    self.by_name[key].append(agency)

    def find(self, province_name: str, name: str) -> list[Agency]:
        return self.by_name.get((fold(province_name), fold(name)), [])


@rosters.register
class AgencyRoster(Roster):
    kind = "agencies"
    label = gettext_lazy("Cơ quan đỡ đầu, phụ trách")
    position = 20
    title = gettext_lazy("Danh sách cơ quan đỡ đầu, phụ trách")
    columns = [
        Column(
            "province", "Tỉnh", required=True, aliases=["Tỉnh/thành phố"], example="Tỉnh Quảng Trị"
        ),
        Column(
            "name",
            "Tên cơ quan",
            required=True,
            aliases=["Cơ quan", "Tên cơ quan, đơn vị", "Cơ quan, đơn vị"],
            example="Hội Cựu chiến binh tỉnh Quảng Trị",
        ),
        Column("short_name", "Tên viết tắt", aliases=["Viết tắt"], example="CCB"),
        Column("kind", "Loại", aliases=["Loại cơ quan"], example="Mặt trận, đoàn thể"),
    ]
    instructions = [
        gettext_lazy("Mỗi dòng là một cơ quan, đơn vị của một tỉnh."),
        gettext_lazy("Cơ quan đã có (cùng tỉnh, cùng tên) được cập nhật tên viết tắt và loại."),
        gettext_lazy(
            "Loại: Sở, ban, ngành; Mặt trận, đoàn thể; Doanh nghiệp; Khác (để trống là Sở, ban, ngành)."
        ),
    ]
    examples = [
        ["Tỉnh Quảng Trị", "Hội Cựu chiến binh tỉnh Quảng Trị", "CCB", "Mặt trận, đoàn thể"],
        ["Quảng Trị", "Sở Tài chính tỉnh Quảng Trị", "STC", "Sở, ban, ngành"],
    ]

    def validate_rows(
        self, rows: list[RowChecker], *, actor: User | None, progress: Progress
    ) -> None:
        places = Places()
        agencies = AgencyIndex()
        keyed = []
        for index, row in enumerate(rows, start=1):
            report_progress(progress, index, len(rows))
            name = row.required("name")
            kind = agency_kind(row.value("kind"))
            if kind is None:
                row.fail(
                    "kind",
                    _(
                        "Loại cơ quan không hợp lệ: chọn Sở, ban, ngành; Mặt trận, đoàn thể; Doanh nghiệp; Khác."
                    ),
                )
            province = None
            if row.required("province"):
                try:
                    province = places.province(name=row.value("province"))
                except NotMatched as error:
                    row.fail("province", str(error))
            if row.outcome.status == ERROR or province is None:
                continue
            keyed.append((row, (province.pk, fold(name))))
            existing = agencies.find(province.name, name)
            short_name = row.value("short_name")
            row.outcome.label = name
            if not existing:
                row.outcome.status = NEW
                row.outcome.payload = (None, province.pk, name, short_name, kind)
                continue
            agency = existing[0]
            same = agency.kind == kind and (not short_name or agency.short_name == short_name)
            row.outcome.status = UNCHANGED if same else UPDATED
            row.outcome.payload = (
                agency.pk,
                province.pk,
                agency.name,
                short_name or agency.short_name,
                kind,
            )
        duplicate_check(keyed, "name")

    def apply(self, validation: Validation, *, actor: User | None, reason: str = "") -> None:
        new, changed = [], []
        for outcome in validation.outcomes:
            if outcome.status not in (NEW, UPDATED):
                continue
            pk, province_id, name, short_name, kind = outcome.payload
            agency = Agency(
                pk=pk, province_id=province_id, name=name, short_name=short_name, kind=kind
            )
            (changed if pk else new).append(agency)
        Agency.objects.bulk_create(new, batch_size=1000)
        Agency.objects.bulk_update(changed, ["short_name", "kind"], batch_size=1000)
