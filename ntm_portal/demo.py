"""Demo data for `make run`: the Quảng Trị world of the seed plans (2020), on the 2024 edition.

Demo users share one published password, so load_demo refuses to run outside embedded set-ups
(settings.ALLOW_DEMO_DATA). Everything here is created or updated by natural keys: running it
again changes nothing.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from communes.models import Commune, District, Edition, Province, Village
from communes.text import fold
from sponsorships.models import Agency, Assignment

from .models import Role, User

DEMO_PASSWORD = "ntm-demo-2026"  # noqa: S105 - published on purpose, demo only
EDITION = Edition.THREE_TIER_2024
QUANG_TRI = "45"
HUONG_HOA = "465"
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


@transaction.atomic
def demo_load() -> list[User]:
    province = _get(Province, code=QUANG_TRI)
    district = _get(District, code=HUONG_HOA)
    communes = {c.code: c for c in Commune.objects.filter(edition=EDITION, code__in=_codes())}
    if len(communes) != len(_codes()):
        raise LookupError("Thiếu xã của dữ liệu mẫu: chạy `load_divisions --edition 2024` trước.")

    agencies = {}
    for key, (name, short_name, kind) in AGENCIES.items():
        agencies[key], _ = Agency.objects.update_or_create(
            province=province, name=name, defaults={"short_name": short_name, "kind": kind}
        )
    for key, code, kind in ASSIGNMENTS:
        Assignment.objects.update_or_create(
            agency=agencies[key],
            commune=communes[code],
            start=DECISION_1841_DATE,
            defaults={"kind": kind, "end": None},
        )
    for name in BA_TANG_VILLAGES:
        Village.objects.update_or_create(
            commune=communes[BA_TANG],
            name=f"Bản {name}",
            defaults={"kind": Village.Kind.BAN, "search_name": fold(f"Bản {name}")},
        )

    scopes = {
        "admin": (Role.ADMIN, {}, "Quản trị"),
        "vpdp": (Role.PROVINCE, {"province": province}, "Văn phòng Điều phối NTM tỉnh"),
        "huyen": (Role.DISTRICT, {"district": district}, "Phòng NN&PTNT huyện"),
        "xa": (Role.COMMUNE, {"commune": communes[BA_TANG]}, "UBND xã Ba Tầng"),
        "ccb": (Role.AGENCY, {"agency": agencies["ccb"]}, "Hội CCB tỉnh"),
        "skhdt": (Role.AGENCY, {"agency": agencies["skhdt"]}, "Sở KH&ĐT"),
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
    return users


def _codes() -> list[str]:
    return [code for _, code, _ in ASSIGNMENTS]


def _get(model: type[Province] | type[District], code: str) -> Province | District:
    try:
        return model.objects.get(edition=EDITION, code=code)
    except model.DoesNotExist:
        raise LookupError(
            "Chưa có danh mục hành chính 2024: chạy `load_divisions --edition 2024` trước."
        ) from None
