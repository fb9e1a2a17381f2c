"""The demo's documents: the five seed plans made again from their own data, dated and
numbered as the seeds are, and the present-day (2026) documents under the same rules.

Everything goes through the services an officer uses (issuer profile, signatories, units,
register start, legal documents, targets, draft, edit, issue), and only when it is not there
yet, so running load_demo twice changes nothing. Names of signatories are the seeds'; where a
seed has none (002) the placeholder "Nguyễn Văn A" says so.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from communes.models import Commune, District, Edition, Province
from ntm_portal.models import User
from sponsorships.models import Agency
from sponsorships.periods import Frequency, Period

from . import issuers
from .demo_signing import demo_certificate_ensure, demo_signature_ensure
from .issuers import Issuer
from .models import Document, IssuerProfile, LegalDocument, PlanTarget
from .services import (
    document_create,
    document_edit,
    document_issue,
    documents_plan_period,
    issuer_profile_save,
    legal_document_add,
    plan_target_add,
    register_start_enter,
    signatory_add,
    unit_add,
)

Kind = Document.Kind
# Official codes (2024 edition) of the seeds' places.
LUONG_PHONG = "07846"  # Hiệp Hòa, Bắc Giang (seed 001)
QUANG_THAI = "19870"  # Quảng Điền, Huế (seed 002: "mướp đắng Quảng Thái", "Lai Hà")
TAM_DUONG = "106"  # Lai Châu (seed 003)
Style = IssuerProfile.SymbolStyle
CCB_PROFILE = {
    "parent_body": "Hội Cựu chiến binh Việt Nam",
    "header_name": "Hội Cựu chiến binh tỉnh Quảng Trị",
    "name_in_text": "Hội CCB tỉnh",
    "abbreviation": "CCB",
    "place": "Quảng Trị",
    "coordination_office": "Văn phòng Điều phối nông thôn mới tỉnh",
    "standing_recipients": "Thường trực tỉnh Hội",
}
SKHDT_PROFILE = {
    "parent_body": "UBND tỉnh Quảng Trị",
    "header_name": "Sở Kế hoạch và Đầu tư",
    "name_in_text": "Sở Kế hoạch và Đầu tư",
    "abbreviation": "SKH",
    "symbol_style": Style.ISSUER_UNIT,
    "place": "Quảng Trị",
    "superior": "UBND tỉnh",
    "coordination_office": "VPĐP NTM tỉnh",
    "standing_recipients": "GĐ, PGĐ Nguyễn Huy",
}
SKHDT_UNITS = [
    ("Phòng Kinh tế ngành", "KTN"),
    ("Phòng Khoa giáo - Văn xã", "KGVX"),
    ("Phòng Tổng hợp - Quy hoạch", "TH-QH"),
]
LETTER_217 = {
    "kind": LegalDocument.Kind.LETTER,
    "number": "217/VPĐP-HC",
    "date": date(2020, 10, 30),
    "issuer": "Văn phòng Điều phối xây dựng nông thôn mới tỉnh",
    "subject": "về việc xây dựng kế hoạch phụ trách, đỡ đầu xã xây dựng nông thôn mới",
    "verb": LegalDocument.Verb.CARRYING_OUT,
    "default_for": [Kind.SPONSORSHIP_PLAN],
    "valid_until": date(2020, 12, 31),
}
# Seed 003's six numbered targets for Tam Đường in 2020: (item, measure, label, value, unit,
# at most?).
TAM_DUONG_TARGETS = [
    (1, "xa_ntm_share", "Có {} số xã đạt chuẩn nông thôn mới", "61.5", "%", False),
    (
        2,
        "other",
        "Xây dựng Quỹ “Vì người nghèo” toàn huyện đạt trên {}",
        "134",
        "triệu đồng",
        False,
    ),
    (3, "other", "Mức giảm tỷ lệ hộ nghèo đạt {}", "4.2", "%", False),
    (4, "other", "{} hộ gia đình đạt tiêu chuẩn văn hóa", "87.5", "%", False),
    (4, "other", "{} số bản đạt tiêu chuẩn văn hóa", "80.5", "%", False),
    (4, "other", "{} cơ quan, đơn vị, trường học đạt tiêu chuẩn văn hóa", "100", "%", False),
    (4, "other", "trên {} số bản có nhà văn hóa", "81", "%", False),
    (4, "other", "{} số bản có đội văn nghệ quần chúng", "74", "%", False),
    (5, "other", "Tỷ lệ trường chuẩn quốc gia: mầm non {}", "46.2", "%", False),
    (5, "other", "tiểu học {}", "75", "%", False),
    (5, "other", "trung học cơ sở {}", "30.8", "%", False),
    (6, "other", "{} số xã đạt tiêu chí quốc gia về y tế", "100", "%", False),
    (6, "other", "tỷ lệ tăng dân số tự nhiên {}", "15.9", "‰", True),
    (6, "other", "tỷ lệ giảm sinh bình quân {}", "0.7", "‰", False),
    (6, "other", "giảm tỷ lệ trẻ em suy dinh dưỡng dưới {}", "22", "%", True),
]
TAM_DUONG_TASKS = [
    (
        "Phòng Văn hóa và Thông tin huyện",
        "Chủ trì, phối hợp với các cơ quan, đơn vị, UBND các xã, thị trấn tổ chức, hướng dẫn, "
        "triển khai kế hoạch; tổ chức các hoạt động thông tin tuyên truyền; tham mưu thành lập "
        "các đoàn kiểm tra, giám sát; thực hiện công tác báo cáo, sơ kết, tổng kết.",
    ),
    (
        "Phòng Nông nghiệp và Phát triển nông thôn",
        "Tham mưu, hướng dẫn chính quyền cơ sở đẩy mạnh xây dựng nông thôn mới; tập trung thực "
        "hiện các tiêu chí tại các xã chưa được công nhận; giữ vững các tiêu chí tại các xã đã "
        "được công nhận.",
    ),
    (
        "Đài Truyền thanh - Truyền hình huyện",
        "Thực hiện các phóng sự, bài viết tuyên truyền về Cuộc vận động trên hệ thống thông tin "
        "đại chúng, truyền thanh, truyền hình, trang thông tin điện tử của huyện.",
    ),
    (
        "Phòng Tài chính - Kế hoạch huyện",
        "Phối hợp với Phòng Văn hóa và Thông tin tham mưu UBND huyện tập trung các nguồn vốn để "
        "triển khai thực hiện các nội dung của Kế hoạch.",
    ),
    (
        "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam huyện và các tổ chức đoàn thể",
        "Phối hợp tăng cường vận động, tuyên truyền hội viên và các tầng lớp Nhân dân tích cực "
        "tham gia; gắn Cuộc vận động với các cuộc vận động khác của ngành.",
    ),
    (
        "Ủy ban nhân dân các xã, thị trấn",
        "Cụ thể hóa phong trào phù hợp với tình hình thực tế; xây dựng kế hoạch tới từng bản; "
        "tập trung các nguồn vốn, đẩy mạnh xã hội hóa.",
    ),
]
QUANG_THAI_TARGETS = [
    (2, "Xây dựng từ {} đạt nông thôn mới kiểu mẫu", "1", "thôn", False),
    (2, "{} mẫu", "5", "vườn", False),
    (3, "Phấn đấu giảm tỷ lệ hộ nghèo năm 2021 từ {} trở lên", "1", "%", False),
    (4, "trên {} thôn, cơ quan đạt chuẩn văn hóa", "80", "%", False),
    (4, "tỷ lệ lao động qua đào tạo đạt trên {}", "90", "%", False),
    (4, "xuất khẩu lao động từ {} trở lên", "15", "người", False),
    (5, "người dân tham gia bảo hiểm y tế đạt trên {}", "98", "%", False),
    (5, "tham gia bảo hiểm xã hội tự nguyện trên {}", "5", "%", False),
]


def demo_documents(
    *, communes: dict[str, Commune], agencies: dict[str, Agency], users: dict[str, User]
) -> None:
    admin = users["admin"]
    ccb = issuers.of_agency(agencies["ccb"])
    skhdt = issuers.of_agency(agencies["skhdt"])
    ccb = _profile(ccb, CCB_PROFILE, admin, [("Văn phòng - Ban Phong trào", "VP-PT")])
    ccb = _signer(ccb, "Hoàng Văn Thanh", "Chủ tịch", "TM. Ban Thường vụ", admin)
    skhdt = _profile(skhdt, SKHDT_PROFILE, admin, SKHDT_UNITS)
    skhdt = _signer(skhdt, "Trương Chí Trung", "Phó Giám đốc", "KT. Giám đốc", admin)
    _legal(ccb.province, LETTER_217, admin)

    # Seed 000: Hội CCB tỉnh, 10/11/2020.
    _seed(ccb, Kind.SPONSORSHIP_PLAN, date(2020, 11, 10), users["ccb"])
    # Seed 004: Sở KH&ĐT, No. 2071 of 08/12/2020 — the register goes on from 2070 on paper;
    # its plan cites decision 1841 only.
    if not _issued(skhdt, Kind.SPONSORSHIP_PLAN, 2020):
        _register_start(skhdt, 2020, 2070, admin)
    _seed(skhdt, Kind.SPONSORSHIP_PLAN, date(2020, 12, 8), users["skhdt"], cite_letters=False)

    # Seed 001: UBND xã Lương Phong, February 2023 — a draft, as the seed is (no number yet).
    luong_phong = communes[LUONG_PHONG]
    lp = _area_profile(
        luong_phong,
        "Lương Phong",
        "BCĐ CTMTQG xây dựng NTM huyện",
        "TT Đảng ủy, TT HĐND\nCác thành viên BQL",
        admin,
    )
    lp = _signer(lp, "Đỗ Đình Dũng", "Chủ tịch", "TM. Ủy ban nhân dân", admin)
    _legal(
        luong_phong.province,
        {
            "commune": luong_phong,
            "kind": LegalDocument.Kind.RESOLUTION,
            "subject": "Đại hội Đảng bộ xã lần thứ XXII, nhiệm kỳ 2021 - 2025",
            "default_for": [Kind.VILLAGE_PLAN, Kind.COMMUNE_PLAN],
            "valid_until": date(2025, 12, 31),
        },
        admin,
    )
    _legal(
        luong_phong.province,
        {
            "commune": luong_phong,
            "kind": LegalDocument.Kind.PROGRAMME,
            "subject": "công tác của Ủy ban nhân dân xã Lương Phong năm 2023",
            "verb": LegalDocument.Verb.CARRYING_OUT,
            "date": date(2023, 1, 5),
            "default_for": [Kind.VILLAGE_PLAN, Kind.COMMUNE_PLAN],
            "valid_until": date(2023, 12, 31),
        },
        admin,
    )
    if not PlanTarget.objects.for_area(luong_phong).filter(year=2023).exists():
        planned = list(luong_phong.villages.filter(name__in=["Thôn Tứ", "Thôn Khánh"]))
        plan_target_add(
            area=luong_phong,
            data=_target(
                2023, "villages_met", "Số thôn đạt chuẩn thôn nông thôn mới", "13", "thôn"
            ),
            villages=planned,
            actor=users["bacgiang"],
        )
        plan_target_add(
            area=luong_phong,
            data=_target(
                2023, "criteria_met", "Số tiêu chí xã nông thôn mới đạt", "19", "tiêu chí"
            ),
            actor=users["bacgiang"],
        )
    if not Document.objects.filter(series=lp.series, kind=Kind.VILLAGE_PLAN).exists():
        document_create(
            kind=Kind.VILLAGE_PLAN,
            issuer=lp,
            actor=users["bacgiang"],
            year=2023,
            dated_for=date(2023, 2, 15),
        )

    # Seed 002: UBND xã Quảng Thái, No. 17 of 12/01/2021.
    quang_thai = communes[QUANG_THAI]
    qt = _area_profile(
        quang_thai, "Quảng Thái", "BCĐ CTMTQG xây dựng NTM huyện", "TT Đảng ủy, TT HĐND xã", admin
    )
    qt = _signer(qt, "Nguyễn Văn A", "Chủ tịch", "TM. Ủy ban nhân dân", admin)
    _legal(
        quang_thai.province,
        {
            "commune": quang_thai,
            "kind": LegalDocument.Kind.RESOLUTION,
            "subject": "của Đảng ủy và Hội đồng nhân dân xã về các chương trình trọng điểm năm 2021",
            "verb": LegalDocument.Verb.CARRYING_OUT,
            "date": date(2020, 12, 25),
            "default_for": [Kind.ADVANCED_PLAN],
            "valid_until": date(2021, 12, 31),
        },
        admin,
    )
    if not PlanTarget.objects.for_area(quang_thai).filter(year=2021).exists():
        for item, label, value, unit, at_most in QUANG_THAI_TARGETS:
            plan_target_add(
                area=quang_thai,
                data=_target(2021, "other", label, value, unit, item, at_most, Kind.ADVANCED_PLAN),
                actor=admin,
            )
    if not _issued(qt, Kind.ADVANCED_PLAN, 2021):
        _register_start(qt, 2021, 16, admin)
    _seed(qt, Kind.ADVANCED_PLAN, date(2021, 1, 12), admin, year=2021)

    # Seed 003: UBND huyện Tam Đường, its campaign plan for 2020.
    tam_duong = District.objects.get(edition=Edition.THREE_TIER_2024, code=TAM_DUONG)
    td = _area_profile(
        tam_duong,
        "Tam Đường",
        "",
        "Sở VH, TT-DL\nTT. Huyện uỷ\nTT. HĐND huyện\nChủ tịch, các Phó Chủ tịch UBND huyện\n"
        "Các cơ quan, ban, ngành, đoàn thể huyện",
        admin,
    )
    td = _signer(td, "Cao Trang Trọng", "Phó Chủ tịch", "TM. Ủy ban nhân dân / KT. Chủ tịch", admin)
    _legal(
        tam_duong.province,
        {
            "district": tam_duong,
            "kind": LegalDocument.Kind.PLAN,
            "number": "709/KH-UBND",
            "date": date(2017, 8, 3),
            "issuer": "UBND huyện Tam Đường",
            "subject": "về triển khai thực hiện cuộc vận động “Toàn dân đoàn kết xây dựng nông "
            "thôn mới, đô thị văn minh” trên địa bàn huyện Tam Đường, giai đoạn 2016 - 2020",
            "default_for": [Kind.CAMPAIGN_PLAN],
            "valid_until": date(2020, 12, 31),
        },
        admin,
    )
    if not PlanTarget.objects.for_area(tam_duong).filter(year=2020).exists():
        for item, measure, label, value, unit, at_most in TAM_DUONG_TARGETS:
            plan_target_add(
                area=tam_duong,
                data=_target(2020, measure, label, value, unit, item, at_most, Kind.CAMPAIGN_PLAN),
                actor=admin,
            )
    _seed(
        td,
        Kind.CAMPAIGN_PLAN,
        date(2020, 3, 10),
        admin,
        year=2020,
        responsibilities=[list(row) for row in TAM_DUONG_TASKS],
    )

    _present_day(agencies, users, ccb, skhdt)


def _present_day(agencies, users, ccb: Issuer, skhdt: Issuer) -> None:
    """2026: the CCB's plan issued today (its register restarted at 01 on 1 January), the Sở's
    a draft; beat's inspection plans and six-monthly reports; and, when the two-tier map is
    loaded, the 2026 plan of UBND tỉnh Quảng Trị."""
    today = timezone.localdate()
    documents_plan_period(today=today)
    half = Period.containing(today, Frequency.HALF_YEAR)
    for key, issuer in (("ccb", ccb), ("skhdt", skhdt)):
        agency = agencies[key]
        agency.refresh_from_db()
        if (working := agency.surviving_on(today)) != agency:
            # Sở KH&ĐT joined Sở Tài chính on 01/03/2025: this year's documents are the latter's.
            agency, issuer = working, issuers.of_agency(working)
        if not agency.documents.filter(kind=Kind.AGENCY_REPORT, period_start=half.start).exists():
            document_create(kind=Kind.AGENCY_REPORT, issuer=agency, actor=users[key], period=half)
        current = agency.documents.filter(kind=Kind.SPONSORSHIP_PLAN, year=today.year)
        if not current.exists():
            draft = document_create(kind=Kind.SPONSORSHIP_PLAN, issuer=issuer, actor=users[key])
            if key == "ccb":
                document_issue(document=draft, actor=users[key], issued_on=today)
    province = Province.objects.filter(
        edition=Edition.TWO_TIER_2025, short_name="Quảng Trị"
    ).first()
    if province is None:
        return
    if not PlanTarget.objects.for_area(province).filter(year=today.year).exists():
        plan_target_add(
            area=province,
            data=_target(
                today.year, "xa_ntm_share", "Có {} số xã đạt chuẩn nông thôn mới", "80", "%"
            ),
            actor=users["admin"],
        )
        plan_target_add(
            area=province,
            # QĐ 51/2025/QĐ-TTg has ten criteria.
            data=_target(today.year, "average_criteria", "Bình quân đạt {}/xã", "8", "tiêu chí"),
            actor=users["admin"],
        )
    issuer = issuers.of_area(province)
    if not Document.objects.filter(series=issuer.series, kind=Kind.AREA_PLAN).exists():
        document_create(kind=Kind.AREA_PLAN, issuer=issuer, actor=users["admin"], year=today.year)


def _target(year, measure, label, value, unit, item=None, at_most=False, plan_kind="") -> dict:
    return {
        "year": year,
        "measure": measure,
        "label": label,
        "target": Decimal(value),
        "unit": unit,
        "item": item,
        "direction": PlanTarget.Direction.AT_MOST if at_most else PlanTarget.Direction.AT_LEAST,
        "plan_kind": plan_kind,
    }


def _profile(issuer: Issuer, data: dict, actor: User, units=()) -> Issuer:
    profile = issuer_profile_save(issuer=issuer, data=data, actor=actor)
    issuer = _reread(issuer, profile)
    for name, abbreviation in units:
        if not profile.units.filter(abbreviation=abbreviation).exists():
            unit_add(issuer=issuer, name=name, abbreviation=abbreviation, actor=actor)
    # A throwaway certificate (its subject says DEMO): the demo's issued documents come signed.
    demo_certificate_ensure(issuer, actor)
    return issuer


def _area_profile(area, place: str, coordination: str, standing: str, actor: User) -> Issuer:
    return _profile(
        issuers.of_area(area),
        {
            "abbreviation": "UBND",
            "place": place,
            "coordination_office": coordination,
            "standing_recipients": standing,
        },
        actor,
    )


def _reread(issuer: Issuer, profile: IssuerProfile) -> Issuer:
    if issuer.agency is not None:
        return issuers.of_agency(issuer.agency, profile)
    return issuers.of_area(issuer.area, profile)


def _signer(issuer: Issuer, name: str, title: str, authority: str, actor: User) -> Issuer:
    signatory = issuer.profile.signatories.filter(full_name=name).first()
    if signatory is None:
        signatory = signatory_add(
            issuer=issuer, full_name=name, title=title, authority=authority, actor=actor
        )
    demo_signature_ensure(signatory, actor)
    return issuer


def _legal(province: Province, data: dict, actor: User) -> None:
    # A number left out is stored empty; the issuer's province may have become a 2025 one.
    keys = {"kind": data["kind"], "number": data.get("number", ""), "subject": data["subject"]}
    family = [province, *province.successors(), *province.predecessors()]
    if not LegalDocument.objects.filter(province__in=family, **keys).exists():
        legal_document_add(data={"province": province, **data}, actor=actor)


def _register_start(issuer: Issuer, year: int, last_used: int, actor: User) -> None:
    register_start_enter(issuer=issuer, year=year, kind="", last_used=last_used, actor=actor)


def _issued(issuer: Issuer, kind: str, year: int) -> bool:
    return Document.objects.filter(
        series=issuer.series, kind=kind, year=year, state=Document.State.ISSUED
    ).exists()


def _seed(
    issuer: Issuer,
    kind: str,
    day: date,
    actor: User,
    *,
    year: int | None = None,
    cite_letters: bool = True,
    responsibilities: list | None = None,
) -> None:
    """Draft the seed's document as of its date, then issue it on that date."""
    if _issued(issuer, kind, day.year):
        return
    draft = document_create(kind=kind, issuer=issuer, actor=actor, year=year, dated_for=day)
    edits: dict = {}
    if not cite_letters:
        edits["citations"] = [
            row.legal_document
            for row in draft.citation_rows.select_related("legal_document")
            if row.legal_document.kind != LegalDocument.Kind.LETTER
        ]
    if responsibilities is not None:
        edits["narrative"] = {"responsibilities": responsibilities}
    if edits:
        draft = document_edit(
            document=draft, narrative=edits.pop("narrative", {}), actor=actor, **edits
        )
    document_issue(document=draft, actor=actor, issued_on=day)
