"""A realistic evaluation roster at any size, for `manage.py benchmark_roster` and the national
benchmark (which times the preview page of a checked 10,000-row import).

The data lives in its own benchmark province (built here), so nothing else in the database is
touched; the caller decides whether to keep it.
"""

from __future__ import annotations

import io
import random
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from openpyxl import Workbook

from communes.models import Commune, District, Edition, Province
from criteria.catalogue import catalogue_load
from criteria.models import CriteriaSet, Evaluation, Indicator
from ntm_portal.models import RosterImport, User
from ntm_portal.rosters.services import roster_import_validate
from ntm_portal.text import fold

NATIONAL_SET = "QD318-2022-XA-NTM"
PROVINCE_NAME = "Tỉnh Thử Nghiệm Nhập Liệu"
HEADER = [
    "STT",
    "Tỉnh",
    "Huyện",
    "Xã",
    "Bộ tiêu chí",
    "Năm",
    "Kỳ",
    "Chỉ tiêu",
    "Giá trị",
    "Ghi chú",
]


def national_set() -> CriteriaSet:
    found = CriteriaSet.objects.filter(code=NATIONAL_SET).first()
    if found is None:
        catalogue_load(directory=Path(settings.BASE_DIR) / "fixtures" / "criteria")
        found = CriteriaSet.objects.get(code=NATIONAL_SET)
    return found


def benchmark_communes(count: int) -> list[Commune]:
    """`count` rural communes in ten districts of the benchmark province, each with a draft."""
    province, _ = Province.objects.get_or_create(
        edition=Edition.THREE_TIER_2024,
        code="99",
        defaults={
            "name": PROVINCE_NAME,
            "short_name": PROVINCE_NAME.removeprefix("Tỉnh "),
            "search_name": fold(PROVINCE_NAME),
            "kind": Province.Kind.PROVINCE,
            "region": "bac_trung_bo",
        },
    )
    districts = []
    for number in range(10):
        name = f"Huyện Thử Nghiệm {number + 1}"
        district, _ = District.objects.get_or_create(
            edition=province.edition,
            # Not a number: the national 2024 edition uses 900–973.
            code=f"T{number:02d}",
            defaults={
                "name": name,
                "short_name": name.removeprefix("Huyện "),
                "search_name": fold(name),
                "province": province,
                "kind": District.Kind.RURAL_DISTRICT,
            },
        )
        districts.append(district)
    existing = {c.code: c for c in Commune.objects.filter(province=province)}
    missing = []
    for number in range(count):
        code = f"9{number:04d}"
        if code not in existing:
            name = f"Xã Đông Thử {number + 1}"
            missing.append(
                Commune(
                    edition=province.edition,
                    code=code,
                    name=name,
                    short_name=name.removeprefix("Xã "),
                    search_name=fold(name),
                    kind=Commune.Kind.RURAL,
                    province=province,
                    district=districts[number % 10],
                )
            )
    Commune.objects.bulk_create(missing, batch_size=1000)
    communes = list(
        Commune.objects.filter(province=province, code__in=[f"9{n:04d}" for n in range(count)])
        .select_related("district", "province")
        .order_by("code")
    )
    criteria_set = national_set()
    have = set(
        Evaluation.objects.filter(criteria_set=criteria_set, year=2025, half=1).values_list(
            "commune_id", flat=True
        )
    )
    Evaluation.objects.bulk_create(
        [
            Evaluation(
                commune=commune,
                criteria_set=criteria_set,
                year=2025,
                half=1,
                period_end=Evaluation.period_end_of(2025, 1),
                criteria_count=criteria_set.criteria.count(),
            )
            for commune in communes
            if commune.pk not in have
        ],
        batch_size=1000,
    )
    return communes


def roster_rows(rows: int, seed: int = 2026) -> list[list[object]]:
    """One row per commune and indicator, written the way offices write: names without codes,
    short district names, comma decimals, Đạt/Chưa đạt, some NFD text and stray spaces."""
    import unicodedata

    rng = random.Random(seed)  # noqa: S311 - benchmark data, not a secret
    criteria_set = national_set()
    indicators = list(
        Indicator.objects.filter(criterion__criteria_set=criteria_set).order_by(
            "criterion__number", "position"
        )
    )
    communes = benchmark_communes(-(-rows // len(indicators)))
    table = []
    for commune in communes:
        for indicator in indicators:
            if len(table) == rows:
                return table
            if indicator.is_yes_no:
                value = rng.choice(["Đạt", "Chưa đạt", "x", "Có", "Không"])
            else:
                value = f"{Decimal(rng.randint(0, 1000)) / 10}".replace(".", ",")
            name = commune.short_name if rng.random() < 0.5 else commune.name
            if rng.random() < 0.2:
                name = unicodedata.normalize("NFD", name) + " "
            table.append(
                [
                    len(table) + 1,
                    commune.province.name,
                    commune.district.short_name,
                    name,
                    criteria_set.code,
                    2025,
                    "6 tháng đầu năm",
                    indicator.number,
                    value,
                    "",
                ]
            )
    return table


def roster_workbook(rows: list[list[object]], *, titles: bool = True) -> bytes:
    """The rows under two title rows, as the offices' files look (with the sheet dimension
    Excel writes, which openpyxl's write-only mode leaves out). Without titles, the header comes
    first, as django-import-export needs."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    if titles:
        sheet.append(["UBND TỈNH THỬ NGHIỆM"])
        sheet.append(["KẾT QUẢ ĐÁNH GIÁ TIÊU CHÍ 6 THÁNG ĐẦU NĂM 2025"])
        sheet.append([])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def previewable_import(*, actor: User | None = None, rows: int = 10_000) -> RosterImport:
    """A checked evaluation import of `rows` rows, ready for `rosters:import_detail`."""
    data = roster_workbook(roster_rows(rows))
    record = RosterImport(
        kind="evaluations",
        original_name=f"danh-gia-{rows}-dong.xlsx",
        size=len(data),
        sha256="0" * 64,
        uploaded_by=actor,
    )
    record.file.save(record.original_name, ContentFile(data), save=False)
    record.save()
    roster_import_validate(record_id=record.pk)
    record.refresh_from_db()
    return record
