"""Shared fixtures: a small two-province world and one persona per role.

The world (2024 edition):
    province_a ─ district_a1 ─ commune_a1 (the commune official's; villages), commune_a2 (agency_a's)
               └ district_a2 ─ commune_a3
    province_b ─ district_b1 ─ commune_b1 (agency_b's)

`reorganised` adds 01/07/2025 on top (asked for by the tests that need it):
    province_a + Quảng Bình → Tỉnh Quảng Trị (2025)
    commune_a1 (Ba Tầng) + commune_a2 (Thuận) → Xã Lìa (whole)
    commune_a3 (Triệu Long) → Xã Triệu Phong, Xã Ái Tử (split: part into each)
    Quảng Bình's Xã Quảng Phú → Xã Quảng Phú (unchanged)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from importlib import import_module

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.db.models.signals import post_migrate
from django.utils import timezone, translation

from communes.models import (
    Commune,
    CommuneLineage,
    Edition,
    LineageKind,
    Province,
    ProvinceLineage,
)
from criteria.models import CriteriaSet, Evaluation, Evidence
from criteria.services import evaluation_create
from ntm_portal.models import Role, User
from reports.models import Document
from sponsorships.models import Agency, Inspection, InspectionAttachment
from sponsorships.services import report_start

from .factories import (
    AgencyFactory,
    AssignmentFactory,
    CommuneFactory,
    DistrictFactory,
    ProvinceFactory,
    UserFactory,
    VillageFactory,
    small_catalogue,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Rows the migrations seed (the inheritance rules, the procedures of QĐ 18/2022) are emptied with
# every table when a transactional or live-server test ends. Django's flush then sends post_migrate,
# as it does for content types: the seeds run again (they are idempotent), so a test that runs
# after one of those finds the database as migrate left it, whichever worker and order it gets.
MIGRATION_SEEDS = (
    ("criteria.migrations.0005_recognition_inheritance", "default_rules"),
    ("criteria.migrations.0007_recognition_cases", "default_procedures"),
)


def _seed_again_after_flush(sender, using: str = "default", **kwargs) -> None:
    if sender.label != "criteria":
        return
    from django.apps import apps

    for module, name in MIGRATION_SEEDS:
        getattr(import_module(module), name)(apps, None)


post_migrate.connect(_seed_again_after_flush, dispatch_uid="tests.seed_again_after_flush")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI a skipped (or expected-to-fail) test is a failure: CI must run everything."""
    if os.environ.get("CI") != "true":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    stats = reporter.stats if reporter else {}
    not_run = len(stats.get("skipped", [])) + len(stats.get("xfailed", []))
    if not_run:
        reporter.write_line(f"CI: {not_run} test(s) skipped or xfailed: failing the run.", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """PBKDF2 is slow on purpose; tests hash hundreds of passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _static_files_without_collectstatic(settings) -> None:
    """The hashed-manifest storage needs `collectstatic`; tests serve the source files."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _an_empty_cache(settings) -> None:
    """Cached figures and counts are keyed by versions and ids that a rolled-back test may hand
    to the next one: each test starts with none. The dashboard figures and unread counts are not
    cached unless a test asks (tests/test_cached_figures.py): a warm cache would hide queries
    from the query-count tests."""
    from django.core.cache import cache

    cache.clear()
    settings.DASHBOARD_CACHE_SECONDS = 0
    settings.UNREAD_COUNT_CACHE_SECONDS = 0
    settings.PROVINCE_FAMILY_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _each_test_starts_in_vietnamese():
    """A request in English leaves English active in the thread it ran in; under pytest-xdist the
    next test on that worker is any test, so every test starts in the portal's own language."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@dataclass
class World:
    province_a: object
    province_b: object
    district_a1: object
    district_a2: object
    district_b1: object
    commune_a1: object
    commune_a2: object
    commune_a3: object
    commune_b1: object
    agency_a: Agency
    agency_b: Agency
    criteria_set: CriteriaSet
    evaluation_a1: Evaluation
    evidence_a1: Evidence
    inspection_a2: Inspection
    attachment_a2: InspectionAttachment
    document_a: Document


@pytest.fixture
def world(db) -> World:
    province_a = ProvinceFactory(short_name="Quảng Trị", name="Tỉnh Quảng Trị")
    province_b = ProvinceFactory(short_name="Lai Châu", name="Tỉnh Lai Châu")
    district_a1 = DistrictFactory(
        province=province_a, short_name="Hướng Hóa", name="Huyện Hướng Hóa"
    )
    district_a2 = DistrictFactory(
        province=province_a, short_name="Triệu Phong", name="Huyện Triệu Phong"
    )
    district_b1 = DistrictFactory(
        province=province_b, short_name="Tam Đường", name="Huyện Tam Đường"
    )
    commune_a1 = CommuneFactory(district=district_a1, short_name="Ba Tầng", name="Xã Ba Tầng")
    commune_a2 = CommuneFactory(district=district_a1, short_name="Thuận", name="Xã Thuận")
    commune_a3 = CommuneFactory(district=district_a2, short_name="Triệu Long", name="Xã Triệu Long")
    commune_b1 = CommuneFactory(district=district_b1, short_name="Bình Lư", name="Xã Bình Lư")
    VillageFactory(commune=commune_a1, name="Bản Xa Doan")
    VillageFactory(commune=commune_a1, name="Bản Vầng")
    agency_a = AgencyFactory(province=province_a, name="Sở Kế hoạch và Đầu tư Quảng Trị")
    agency_b = AgencyFactory(province=province_b, name="Hội Nông dân tỉnh Lai Châu")
    assignment_a2 = AssignmentFactory(agency=agency_a, commune=commune_a2)
    AssignmentFactory(agency=agency_b, commune=commune_b1)
    criteria_set = small_catalogue()
    evaluation_a1 = evaluation_create(
        commune=commune_a1, criteria_set=criteria_set, year=2024, half=2, actor=None
    )
    evidence_a1 = Evidence.objects.create(
        evaluation=evaluation_a1,
        file=ContentFile(PDF_BYTES, name="bien-ban.pdf"),
        original_name="Biên bản.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256="0" * 64,
        uploaded_by=UserFactory(username="nguoi_tai_len"),
    )
    inspection_a2 = Inspection.objects.create(
        assignment=assignment_a2,
        period_start=date(2024, 10, 1),
        period_end=date(2024, 12, 31),
        due_date=date(2024, 12, 31),
    )
    report = report_start(inspection=inspection_a2, actor=evidence_a1.uploaded_by)
    attachment_a2 = InspectionAttachment.objects.create(
        report=report,
        file=ContentFile(PDF_BYTES, name="bien-ban-kiem-tra.pdf"),
        original_name="Biên bản kiểm tra.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256="1" * 64,
        uploaded_by=evidence_a1.uploaded_by,
    )
    document_a = Document.objects.create(
        kind=Document.Kind.SPONSORSHIP_PLAN,
        issuer=agency_a,
        series=f"agency:{agency_a.pk}",
        year=2026,
        number=1,
        symbol="KH-SKHĐT",
        issued_on=date(2026, 1, 5),
        status=Document.Status.DONE,
        pdf=ContentFile(PDF_BYTES, name="ke-hoach.pdf"),
        docx=ContentFile(b"PK\x03\x04", name="ke-hoach.docx"),
    )
    return World(
        province_a,
        province_b,
        district_a1,
        district_a2,
        district_b1,
        commune_a1,
        commune_a2,
        commune_a3,
        commune_b1,
        agency_a,
        agency_b,
        criteria_set,
        evaluation_a1,
        evidence_a1,
        inspection_a2,
        attachment_a2,
        document_a,
    )


PERSONAS = ["admin", "province", "district", "commune", "agency", "norole"]


@pytest.fixture
def personas(world: World) -> dict[str, User]:
    """One user per role, scoped inside province A."""
    return {
        "admin": UserFactory(username="admin_p", role=Role.ADMIN, is_staff=True, is_superuser=True),
        "province": UserFactory(username="vpdp_p", role=Role.PROVINCE, province=world.province_a),
        "district": UserFactory(username="huyen_p", role=Role.DISTRICT, district=world.district_a1),
        "commune": UserFactory(username="xa_p", role=Role.COMMUNE, commune=world.commune_a1),
        "agency": UserFactory(username="skhdt_p", role=Role.AGENCY, agency=world.agency_a),
        "norole": UserFactory(username="moi_p"),
    }


@dataclass
class TwoTierWorld:
    """The 2025 edition: two provinces, no districts; QĐ 51/2025/QĐ-TTg loaded from its fixture.

    province (Tỉnh Quảng Trị) ─ xa_1 (Xã Ba Tầng: its official), xa_2 (Xã Hướng Lập), ward
    other_province (Tỉnh Gia Lai) ─ other_xa (Xã Ia Grai)
    """

    province: object
    other_province: object
    xa_1: object
    xa_2: object
    ward: object
    other_xa: object
    qd51: CriteriaSet
    staff: User
    other_staff: User
    official: User


def load_qd51(tmp_path) -> CriteriaSet:
    """Only the QĐ 51 file, through the real loader (the other sets cost time and say nothing)."""
    import shutil
    from pathlib import Path

    from criteria.catalogue import catalogue_load

    source = Path(__file__).resolve().parent.parent / "fixtures" / "criteria"
    directory = tmp_path / "qd51"
    directory.mkdir(exist_ok=True)
    shutil.copy(source / "qd51-2025-xa-ntm.json", directory)
    catalogue_load(directory=directory)
    return CriteriaSet.objects.get(code="QD51-2025-XA-NTM")


@pytest.fixture
def two_tier(db, tmp_path) -> TwoTierWorld:
    from communes.models import Commune, Edition

    province = ProvinceFactory(
        edition=Edition.TWO_TIER_2025, short_name="Quảng Trị", name="Tỉnh Quảng Trị"
    )
    other = ProvinceFactory(
        edition=Edition.TWO_TIER_2025, short_name="Gia Lai", name="Tỉnh Gia Lai"
    )

    def xa(province, name: str, **extra) -> Commune:
        return CommuneFactory(
            district=None, province=province, short_name=name, name=f"Xã {name}", **extra
        )

    xa_1, xa_2 = xa(province, "Ba Tầng"), xa(province, "Hướng Lập")
    ward = CommuneFactory(
        district=None,
        province=province,
        short_name="Đông Hà",
        name="Phường Đông Hà",
        kind=Commune.Kind.WARD,
    )
    return TwoTierWorld(
        province=province,
        other_province=other,
        xa_1=xa_1,
        xa_2=xa_2,
        ward=ward,
        other_xa=xa(other, "Ia Grai"),
        qd51=load_qd51(tmp_path),
        staff=UserFactory(username="vpdp_2025", role=Role.PROVINCE, province=province),
        other_staff=UserFactory(username="vpdp_gl", role=Role.PROVINCE, province=other),
        official=UserFactory(username="xa_2025", role=Role.COMMUNE, commune=xa_1),
    )


REORGANISED_ON = date(2025, 7, 1)


@dataclass
class Reorganised:
    province: Province
    neighbour: Province
    lia: Commune
    trieu_phong: Commune
    ai_tu: Commune
    quang_phu_2024: Commune
    quang_phu: Commune


@pytest.fixture
def reorganised(world: World) -> Reorganised:
    """The world's 01/07/2025 (see the module's docstring), with the validity dates the loaded
    editions carry."""
    neighbour = ProvinceFactory(short_name="Quảng Bình", name="Tỉnh Quảng Bình")
    quang_phu_2024 = CommuneFactory(
        district__province=neighbour, short_name="Quảng Phú", name="Xã Quảng Phú"
    )
    Province.objects.filter(edition=Edition.THREE_TIER_2024).update(valid_to=date(2025, 6, 30))
    Commune.objects.filter(edition=Edition.THREE_TIER_2024).update(valid_to=date(2025, 6, 30))
    province = ProvinceFactory(
        edition=Edition.TWO_TIER_2025,
        short_name="Quảng Trị",
        name="Tỉnh Quảng Trị",
        valid_from=REORGANISED_ON,
    )
    for old in (world.province_a, neighbour):
        ProvinceLineage.objects.create(
            predecessor=old, successor=province, kind=LineageKind.WHOLE, effective_on=REORGANISED_ON
        )

    def new_commune(name: str) -> Commune:
        return CommuneFactory(
            district=None,
            province=province,
            name=f"Xã {name}",
            short_name=name,
            valid_from=REORGANISED_ON,
        )

    lia, trieu_phong, ai_tu, quang_phu = (
        new_commune(name) for name in ("Lìa", "Triệu Phong", "Ái Tử", "Quảng Phú")
    )
    links = [
        (world.commune_a1, lia, LineageKind.WHOLE),
        (world.commune_a2, lia, LineageKind.WHOLE),
        (world.commune_a3, trieu_phong, LineageKind.PART),
        (world.commune_a3, ai_tu, LineageKind.PART),
        (quang_phu_2024, quang_phu, LineageKind.UNCHANGED),
    ]
    for old, new, kind in links:
        CommuneLineage.objects.create(
            predecessor=old, successor=new, kind=kind, effective_on=REORGANISED_ON, source="test"
        )
    for unit in (
        world.province_a,
        world.province_b,
        neighbour,
        world.commune_a1,
        world.commune_a2,
        world.commune_a3,
        world.commune_b1,
        quang_phu_2024,
    ):
        unit.refresh_from_db()
    return Reorganised(province, neighbour, lia, trieu_phong, ai_tu, quang_phu_2024, quang_phu)


# --- Recognition cases (issue 16) ---------------------------------------------------------------

ALL_MET = {"1.1": "1", "2.1": "80", "3.1": "2"}  # small_catalogue: every criterion met


def approved_evaluation(commune, criteria_set, year, half, values, *, submitter, reviewer):
    """An evaluation of the small catalogue filled by indicator number, submitted, approved."""
    from criteria.models import Indicator
    from criteria.services import evaluation_approve, evaluation_save_values, evaluation_submit

    evaluation = evaluation_create(
        commune=commune, criteria_set=criteria_set, year=year, half=half, actor=submitter
    )
    ids = dict(
        Indicator.objects.filter(criterion__criteria_set=criteria_set).values_list("number", "pk")
    )
    evaluation_save_values(
        evaluation=evaluation,
        raw_values={ids[number]: raw for number, raw in values.items()},
        notes={},
        version=evaluation.version,
        actor=submitter,
    )
    evaluation.refresh_from_db()
    evaluation_submit(evaluation=evaluation, version=evaluation.version, actor=submitter)
    evaluation.refresh_from_db()
    return evaluation_approve(evaluation=evaluation, version=evaluation.version, actor=reviewer)


def fill_assessment(case, actor, *, responses=None, **changes):
    """A self-assessment that meets every condition (QĐ 18/2022), with `changes` on top;
    `responses`: the commune's answers to returned criteria, by criterion id."""
    from criteria.recognition import recognition_case_save

    today = timezone.localdate()
    data = {
        "satisfaction_percent": Decimal("96.5"),
        "satisfaction_surveyed_on": today - timedelta(days=50),
        "debt_vnd": Decimal(0),
        "security_stable": True,
        "posted_from": today - timedelta(days=60),
        "posted_to": today - timedelta(days=40),
        "posted_where": "Trụ sở UBND xã, nhà văn hóa các thôn",
        "comments_count": 12,
        "comments_summary": "12 ý kiến đồng thuận đề nghị công nhận.",
        "meeting_on": today - timedelta(days=30),
        "meeting_participants": "Chủ tịch UBND xã\nBan quản lý NTM xã",
        **changes,
    }
    case.refresh_from_db()
    recognition_case_save(
        case=case, data=data, responses=responses or {}, version=case.version, actor=actor
    )
    case.refresh_from_db()
    return case


@dataclass
class Cases:
    """Cases of the shared (2024) world, one at each step, for the role matrix: the commune
    official's own at self-assessment; the others submitted by their communes' officials."""

    draft: object
    review: object
    appraisal: object
    decision: object
    attachment: object
    submitter: User


@pytest.fixture
def cases(world, personas) -> Cases:
    from criteria.models import RecognitionAttachment
    from criteria.recognition import (
        recognition_case_appraise,
        recognition_case_open,
        recognition_case_review,
        recognition_case_submit,
    )

    reviewer = UserFactory(username="duyet_hs", role=Role.PROVINCE, province=world.province_a)
    extra = CommuneFactory(district=world.district_a1, short_name="Hướng Tân", name="Xã Hướng Tân")
    year = timezone.localdate().year
    made = {}
    for key, commune in (
        ("draft", world.commune_a1),
        ("review", world.commune_a2),
        ("appraisal", world.commune_a3),
        ("decision", extra),
    ):
        official = (
            personas["commune"]
            if key == "draft"
            else UserFactory(username=f"xa_hs_{key}", role=Role.COMMUNE, commune=commune)
        )
        approved_evaluation(
            commune, world.criteria_set, year, 1, ALL_MET, submitter=official, reviewer=reviewer
        )
        case = recognition_case_open(
            commune=commune, kind="recognition", level="ntm", year=year, actor=official
        )
        made[key] = case
        if key == "draft":
            continue
        fill_assessment(case, official)
        recognition_case_submit(case=case, version=case.version, actor=official)
        case.refresh_from_db()
        if key == "review":
            continue
        verdicts = {c.pk: (True, "") for c in world.criteria_set.criteria.all()}
        recognition_case_review(case=case, verdicts=verdicts, version=case.version, actor=reviewer)
        case.refresh_from_db()
        if key == "appraisal":
            continue
        recognition_case_appraise(
            case=case,
            data={
                "lead_department": "Sở Nông nghiệp và Môi trường",
                "council_met_on": timezone.localdate(),
                "council_members": "Giám đốc Sở\nPhó Giám đốc Sở",
                "council_size": 10,
                "votes_for": 10,
                "votes_against": 0,
                "appraisal_conclusion": "",
            },
            version=case.version,
            actor=reviewer,
        )
        case.refresh_from_db()
    from reports.models import IssuerProfile, Signatory
    from reports.services import dossier_document_create

    # The decision's draft, proposed with the Chairman who signs it (the matrix decides it).
    profile, _ = IssuerProfile.objects.get_or_create(
        province=world.province_a, defaults={"abbreviation": "UBND", "place": "Quảng Trị"}
    )
    Signatory.objects.get_or_create(
        profile=profile,
        full_name="Nguyễn Văn Chủ",
        title="Chủ tịch",
        authority="TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH",
    )
    dossier_document_create(case=made["decision"], kind="recognition_decision", actor=reviewer)
    attachment = RecognitionAttachment.objects.create(
        case=made["draft"],
        step=made["draft"].step,
        file=ContentFile(PDF_BYTES, name="anh.pdf"),
        original_name="Biên bản đã ký.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256="4" * 64,
        uploaded_by=personas["commune"],
    )
    return Cases(**made, attachment=attachment, submitter=personas["commune"])


@dataclass
class Decisions:
    """What province A's office decided in the portal (issue 16): an assignment decision with
    the world's assignment of agency A to commune A2, and agency A's steering team; and one
    decision of province B."""

    decision_a: object
    assignment_a2: object
    member_a: object
    decision_b: object
    assignment_b1: object


@pytest.fixture
def decisions(world) -> Decisions:
    from sponsorships.models import Assignment, AssignmentDecision, SteeringMember

    decision_a = AssignmentDecision.objects.create(
        province=world.province_a,
        number="1841/QĐ-UBND",
        date=date(2020, 7, 14),
        issuer="UBND tỉnh Quảng Trị",
    )
    decision_b = AssignmentDecision.objects.create(
        province=world.province_b, number="12/QĐ-UBND", date=date(2020, 3, 2), issuer="UBND tỉnh"
    )
    assignment_a2 = Assignment.objects.get(agency=world.agency_a, commune=world.commune_a2)
    assignment_a2.decision = decision_a
    assignment_a2.save(update_fields=["decision"])
    assignment_b1 = Assignment.objects.get(agency=world.agency_b)
    assignment_b1.decision = decision_b
    assignment_b1.save(update_fields=["decision"])
    member_a = SteeringMember.objects.create(
        agency=world.agency_a, full_name="Lê Văn Phó", position="Phó Giám đốc", is_head=True
    )
    return Decisions(decision_a, assignment_a2, member_a, decision_b, assignment_b1)
