"""Demo data for `make run`: the Quảng Trị world of the seed plans (2020), on the 2024 edition,
and, when the two-tier map and its lineage are loaded, its present (reports/demo_present.py).

Demo users share one published password, so load_demo refuses to run outside embedded set-ups
(settings.ALLOW_DEMO_DATA). Everything here is created or updated by natural keys: running it
again changes nothing.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from communes.models import Commune, District, Edition, Province, Village
from criteria.demo import demo_evaluation, demo_recognition
from criteria.models import CriteriaSet, Recognition
from ntm_portal.models import Role, User
from ntm_portal.text import fold
from reports.demo_documents import LUONG_PHONG, QUANG_THAI, demo_documents
from reports.demo_present import (
    demo_present_work,
    demo_reorganisation,
    present_commune,
    present_province,
)
from reports.models import PublicProvincePage
from sponsorships.demo import demo_sponsorships
from sponsorships.models import Agency, Assignment, AssignmentDecision

DEMO_PASSWORD = "ntm-demo-2026"  # noqa: S105 - published on purpose, demo only
EDITION = Edition.THREE_TIER_2024
QUANG_TRI = "45"
HUONG_HOA = "465"
BAC_GIANG = "24"
# Official codes of the communes the seeds name (2024 edition).
BA_TANG, TRIEU_LONG, TRIEU_PHUOC = "19477", "19657", "19633"
THUAN, GIO_MAI, GIO_MY, CAM_CHINH = "19471", "19543", "19510", "19618"
DECISION_1841_DATE = date(2020, 7, 14)  # QĐ 1841/QĐ-UBND of UBND tỉnh Quảng Trị

AGENCIES = {
    "ccb": ("Hội Cựu chiến binh tỉnh Quảng Trị", "Hội CCB tỉnh", Agency.Kind.MASS_ORGANISATION),
    "skhdt": ("Sở Kế hoạch và Đầu tư Quảng Trị", "Sở KH&ĐT", Agency.Kind.DEPARTMENT),
}
ASSIGNMENTS = [
    ("ccb", BA_TANG, Assignment.Kind.SPONSORED),
    ("ccb", TRIEU_LONG, Assignment.Kind.SUPERVISED),
    ("ccb", TRIEU_PHUOC, Assignment.Kind.SUPERVISED),
    ("skhdt", THUAN, Assignment.Kind.SPONSORED),
    ("skhdt", GIO_MAI, Assignment.Kind.SPONSORED),
    ("skhdt", GIO_MY, Assignment.Kind.SUPERVISED),
    ("skhdt", CAM_CHINH, Assignment.Kind.SUPERVISED),
]
# Illustrative villages (bản) for the sponsored commune, so its page has something to show.
BA_TANG_VILLAGES = ["Ba Tầng", "Xa Doan", "Vầng", "Trĩa", "Măng Sông", "Ra Ty", "Ba Lòng", "Ba Se"]
# Seed 001: 13 villages, 11 met in 2022; thôn Tứ and thôn Khánh planned for 2023. The other
# names are illustrative.
LUONG_PHONG_MET = [
    "Thôn " + name
    for name in (
        "Trung Hưng",
        "Phong Đình",
        "Đồng Ích",
        "Đông Am",
        "Bùi Hạ",
        "Bùi Thượng",
        "Nội",
        "Ngoài",
        "Chàng",
        "Nguộn",
        "Bổ Lý",
    )
]
LUONG_PHONG_UNMET = ["Thôn Tứ", "Thôn Khánh"]

# Seed statuses at the end of 2020 against QĐ 1980/QĐ-TTg (seeds 000 and 004), by short name.
QD1980 = "QD1980-2016-XA-NTM"
SEED_UNMET_2020 = {
    BA_TANG: {
        "giao thông",
        "trường học",
        "cơ sở vật chất văn hóa",
        "thông tin và tuyên truyền",
        "nhà ở",
        "thu nhập",
        "hộ nghèo",
        "tổ chức sản xuất",
        "giáo dục",
        "môi trường và an toàn thực phẩm",
    },
    TRIEU_LONG: {"giao thông", "cơ sở vật chất văn hóa", "nhà ở"},
    TRIEU_PHUOC: set(),
    GIO_MAI: {"giao thông", "cơ sở vật chất văn hóa"},
    THUAN: {
        "trường học",
        "cơ sở vật chất văn hóa",
        "thu nhập",
        "hộ nghèo",
        "tổ chức sản xuất",
        "môi trường và an toàn thực phẩm",
        "hệ thống chính trị và tiếp cận pháp luật",
        "quốc phòng và an ninh",
    },
    GIO_MY: set(),
    CAM_CHINH: set(),
}
# Illustrative dates; Quảng Thái's plan of 2021 is one of nâng cao (seed 002), so it is recognised.
RECOGNISED = {
    GIO_MY: date(2018, 12, 28),
    CAM_CHINH: date(2017, 12, 29),
    QUANG_THAI: date(2019, 12, 30),
}
VILLAGE_SET = "BG741-2022-THON-NTM"
# Targets of the assignments (seed 004): Gio Mai NTM by 2021, Thuận by 2025, the two recognised
# communes towards kiểu mẫu.
TARGETS = [
    (GIO_MAI, Recognition.Level.NTM, 2021),
    (THUAN, Recognition.Level.NTM, 2025),
    (GIO_MY, Recognition.Level.KIEU_MAU, None),
    (CAM_CHINH, Recognition.Level.KIEU_MAU, None),
]


@transaction.atomic
def demo_load() -> list[User]:
    province = _get(Province, code=QUANG_TRI)
    district = _get(District, code=HUONG_HOA)
    communes = {c.code: c for c in Commune.objects.filter(edition=EDITION, code__in=_codes())}
    if len(communes) != len(set(_codes())):
        raise LookupError("Thiếu xã của dữ liệu mẫu: chạy `load_divisions --edition 2024` trước.")
    # With the two-tier map loaded, the province office and the commune official are today's:
    # Quảng Trị from 01/07/2025 and Xã A Dơi (formed from Ba Tầng), reading their history.
    present = present_province()
    office_province = present or province
    official_commune = present_commune() if present else communes[BA_TANG]

    agencies = {}
    for key, (name, short_name, kind) in AGENCIES.items():
        # The agency may have moved to the 2025 province already (a second run).
        agencies[key] = _agency(province, name, short_name, kind)
    for key, code, kind in ASSIGNMENTS:
        # Created once: a merger or the transfer of 01/07/2025 may have ended it since.
        Assignment.objects.get_or_create(
            agency=agencies[key],
            commune=communes[code],
            start=DECISION_1841_DATE,
            defaults={"kind": kind},
        )
    for name in BA_TANG_VILLAGES:
        Village.objects.update_or_create(
            commune=communes[BA_TANG],
            name=f"Bản {name}",
            defaults={"kind": Village.Kind.BAN, "search_name": fold(f"Bản {name}")},
        )

    skhdt_agency = agencies["skhdt"].surviving_on(timezone.localdate())
    scopes = {
        "admin": (Role.ADMIN, {}, "Quản trị"),
        "vpdp": (Role.PROVINCE, {"province": office_province}, "Văn phòng Điều phối NTM tỉnh"),
        "huyen": (Role.DISTRICT, {"district": district}, "Phòng NN&PTNT huyện"),
        "xa": (
            Role.COMMUNE,
            {"commune": official_commune},
            f"UBND {official_commune.name.replace('Xã', 'xã', 1)}",
        ),
        "ccb": (Role.AGENCY, {"agency": agencies["ccb"]}, "Hội CCB tỉnh"),
        # Sở KH&ĐT joined Sở Tài chính on 01/03/2025, and its members with it.
        "skhdt": (
            Role.AGENCY,
            {"agency": skhdt_agency},
            # Today Sở Tài chính's (Sở KH&ĐT joined it on 01/03/2025); in a 2020 demo, Sở KH&ĐT.
            skhdt_agency.name,
        ),
        "bacgiang": (
            Role.PROVINCE,
            {"province": _get(Province, code=BAC_GIANG)},
            "Văn phòng Điều phối NTM tỉnh Bắc Giang",
        ),
    }
    users = []
    for username, (role, scope, last_name) in scopes.items():
        scope_fields = {field: None for field in ("province", "district", "commune", "agency")}
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "role": role,
                **scope_fields,
                **scope,
                "first_name": "Demo",
                "last_name": last_name,
                "email": f"{username}@demo.invalid",
                "is_staff": role == Role.ADMIN,
                "is_superuser": role == Role.ADMIN,
                "is_active": True,
            },
        )
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        users.append(user)
    by_name = {user.username: user for user in users}
    _demo_evaluations(communes, by_name)
    decision, _ = AssignmentDecision.objects.get_or_create(
        province=province,
        number="1841/QĐ-UBND",
        defaults={
            "date": DECISION_1841_DATE,
            "issuer": "UBND tỉnh Quảng Trị",
            "subject": "Phân công địa bàn phụ trách, đỡ đầu xây dựng nông thôn mới",
        },
    )
    for code, level, year in TARGETS:
        Assignment.objects.filter(commune=communes[code], target_level="").update(
            target_level=level, target_year=year
        )
    demo_sponsorships(
        decision=decision,
        ccb=agencies["ccb"],
        members={agencies["ccb"]: by_name["ccb"], agencies["skhdt"]: by_name["skhdt"]},
        reviewer=by_name["vpdp"],
    )
    if present:
        reorganised = demo_reorganisation(province=present, agencies=agencies, users=by_name)
        demo_present_work(present=reorganised, users=by_name)
    demo_documents(communes=communes, agencies=agencies, users=by_name)
    _leave_few_unread(users)
    # Quảng Trị shows residents its results (linked from the sign-in page).
    for published in filter(None, [province, present]):  # and today's Quảng Trị, when loaded
        PublicProvincePage.objects.update_or_create(
            province=published, defaults={"is_published": True, "changed_by": by_name["vpdp"]}
        )
    return users


# What a user finds unread on first signing in to the demo: the latest few, not every message the
# loader's own work produced (issue 14.15).
DEMO_UNREAD = 5


def _leave_few_unread(users: list[User]) -> None:
    for user in users:
        older = user.notifications.filter(read_at=None).order_by("-created_at", "-pk")[DEMO_UNREAD:]
        user.notifications.filter(pk__in=list(older.values_list("pk", flat=True))).update(
            read_at=timezone.now()
        )


def _demo_evaluations(communes: dict[str, Commune], users: dict[str, User]) -> None:
    try:
        qd1980 = CriteriaSet.objects.get(code=QD1980)
        village_set = CriteriaSet.objects.get(code=VILLAGE_SET)
    except CriteriaSet.DoesNotExist:
        raise LookupError("Chưa có bộ tiêu chí: chạy `load_criteria` trước.") from None
    for code, unmet in SEED_UNMET_2020.items():
        demo_evaluation(
            commune=communes[code],
            criteria_set=qd1980,
            year=2020,
            # The first half of 2020: what the plans of November and December 2020 stood on.
            half=1,
            unmet_short_names=unmet,
            # Ba Tầng's own official files its evaluation; the others have no demo account.
            submitter=users["xa"]
            if users["xa"].commune_id == communes[BA_TANG].pk and code == BA_TANG
            else users["admin"],
            reviewer=users["vpdp"],
        )
    for code, day in RECOGNISED.items():
        demo_recognition(
            communes[code], level=Recognition.Level.NTM, number="(mẫu)/QĐ-UBND", day=day
        )
    # Seed 002's commune meets every criterion at the end of 2020 (illustrative).
    demo_evaluation(
        commune=communes[QUANG_THAI],
        criteria_set=qd1980,
        year=2020,
        half=0,
        unmet_short_names=set(),
        # Nobody approves their own submission; the demo has no account in Huế.
        submitter=users["bacgiang"],
        reviewer=users["admin"],
    )
    luong_phong = communes[LUONG_PHONG]
    # Seed 001: the commune still lacks thủy lợi, cơ sở vật chất văn hóa and môi trường.
    demo_evaluation(
        commune=luong_phong,
        criteria_set=qd1980,
        year=2022,
        half=0,
        unmet_short_names={"thủy lợi", "cơ sở vật chất văn hóa", "môi trường và an toàn thực phẩm"},
        submitter=users["admin"],
        reviewer=users["bacgiang"],
    )
    any_criterion = village_set.criteria.order_by("number").first()
    for name in LUONG_PHONG_MET + LUONG_PHONG_UNMET:
        village, _ = Village.objects.update_or_create(
            commune=luong_phong,
            name=name,
            defaults={"kind": Village.Kind.THON, "search_name": fold(name)},
        )
        demo_evaluation(
            commune=luong_phong,
            village=village,
            criteria_set=village_set,
            year=2022,
            half=0,
            unmet_short_names={any_criterion.short_name} if name in LUONG_PHONG_UNMET else set(),
            submitter=users["admin"],
            reviewer=users["bacgiang"],
        )


def _agency(province: Province, name: str, short_name: str, kind: str) -> Agency:
    found = Agency.objects.filter(
        province__in=[province, *province.successors()], name=name
    ).first()
    if found:
        return found
    return Agency.objects.create(province=province, name=name, short_name=short_name, kind=kind)


def _codes() -> list[str]:
    return [code for _, code, _ in ASSIGNMENTS] + [LUONG_PHONG, QUANG_THAI]


def _get(model: type[Province] | type[District], code: str) -> Province | District:
    try:
        return model.objects.get(edition=EDITION, code=code)
    except model.DoesNotExist:
        raise LookupError(
            "Chưa có danh mục hành chính 2024: chạy `load_divisions --edition 2024` trước."
        ) from None
