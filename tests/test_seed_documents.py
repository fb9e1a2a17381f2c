"""Each of the five seed plans, made from its own data built through the services (places by
factories, criteria by load_criteria, evaluations through the evaluation workflow), checked
element by element in the PDF text and in the .docx; and load_demo, which does the same for all
five, dated and numbered as the seeds are."""

from __future__ import annotations

import io
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from docx import Document as WordDocument

from communes.models import Region
from criteria.demo import demo_evaluation
from criteria.models import CriteriaSet, Recognition
from ntm_portal.models import Role
from reports import demo as seeds
from reports import issuers
from reports.demo_documents import (
    CCB_PROFILE,
    LETTER_217,
    QUANG_THAI_TARGETS,
    SKHDT_PROFILE,
    SKHDT_UNITS,
    TAM_DUONG_TARGETS,
    TAM_DUONG_TASKS,
)
from reports.models import Document, LegalDocument, PlanTarget
from reports.services import (
    document_create,
    document_edit,
    document_issue,
    document_render,
    issuer_profile_save,
    legal_document_add,
    plan_target_add,
    register_start_enter,
    signatory_add,
    unit_add,
)
from sponsorships.demo import CCB_TEAM
from sponsorships.models import Agency, Assignment, AssignmentDecision, SteeringMember
from sponsorships.services import assignment_create

from .factories import (
    AgencyFactory,
    CommuneFactory,
    DistrictFactory,
    ProvinceFactory,
    UserFactory,
    VillageFactory,
)


def _text(pdf_path: str) -> str:
    """The PDF's text in reading order (a table cell's lines stay together)."""
    result = subprocess.run(
        ["pdftotext", pdf_path, "-"], capture_output=True, text=True, check=True
    )
    return " ".join(result.stdout.split())


Kind = Document.Kind
QD1980 = "QD1980-2016-XA-NTM"
# What the seeds state of each commune at the end of 2020, by name.
UNMET = {
    name: seeds.SEED_UNMET_2020[code]
    for name, code in {
        "Ba Tầng": seeds.BA_TANG,
        "Triệu Long": seeds.TRIEU_LONG,
        "Triệu Phước": seeds.TRIEU_PHUOC,
        "Thuận": seeds.THUAN,
        "Gio Mai": seeds.GIO_MAI,
        "Gio Mỹ": seeds.GIO_MY,
        "Cam Chính": seeds.CAM_CHINH,
    }.items()
}


def _docx_text(document: Document) -> str:
    word = WordDocument(io.BytesIO(document.docx.read()))
    parts = [p.text for p in word.paragraphs]
    parts += [c.text for t in word.tables for row in t.rows for c in row.cells]
    parts += [p.text for p in word.sections[0].header.paragraphs]
    return " ".join(" ".join(parts).split())


def assert_elements(document: Document, elements: dict[str, list[str]]) -> None:
    """Every element of the seed, in the PDF's text and in the .docx."""
    document = document_render(document_id=document.pk)
    assert document.status == Document.Status.DONE, document.error
    pdf, word = _text(document.pdf.path), _docx_text(document)
    import os

    if os.environ.get("SHOW_TEXT"):
        print("PDF>>", pdf)
        print("DOCX>>", word)
    for element, texts in elements.items():
        for expected in texts:
            assert expected in pdf, (element, expected, "pdf")
            assert expected in word, (element, expected, "docx")


@pytest.fixture
def people(db):
    call_command("load_criteria")
    return {
        "submitter": UserFactory(username="nguoi_nhap", role=Role.ADMIN),
        "reviewer": UserFactory(username="nguoi_duyet", role=Role.ADMIN),
        "admin": UserFactory(username="quan_tri", role=Role.ADMIN),
    }


def _evaluate(people, commune, unmet, year, half, code=QD1980, village=None):
    demo_evaluation(
        commune=commune,
        criteria_set=CriteriaSet.objects.get(code=code),
        year=year,
        half=half,
        unmet_short_names=set(unmet),
        submitter=people["submitter"],
        reviewer=people["reviewer"],
        village=village,
    )


def _issuer(issuer, data, people, *, units=(), signer):
    actor = people["admin"]
    profile = issuer_profile_save(issuer=issuer, data=data, actor=actor)
    issuer = (
        issuers.of_agency(issuer.agency, profile)
        if issuer.agency
        else issuers.of_area(issuer.area, profile)
    )
    for name, abbreviation in units:
        unit_add(issuer=issuer, name=name, abbreviation=abbreviation, actor=actor)
    name, title, authority = signer
    signatory_add(issuer=issuer, full_name=name, title=title, authority=authority, actor=actor)
    return issuer


def _quang_tri():
    province = ProvinceFactory(
        short_name="Quảng Trị", name="Tỉnh Quảng Trị", region=Region.NORTH_CENTRAL
    )
    districts = {
        name: DistrictFactory(province=province, short_name=name, name=f"Huyện {name}")
        for name in ("Hướng Hóa", "Triệu Phong", "Gio Linh", "Cam Lộ")
    }
    decision = AssignmentDecision.objects.create(
        province=province,
        number="1841/QĐ-UBND",
        date=date(2020, 7, 14),
        issuer="UBND tỉnh Quảng Trị",
        subject="Phân công địa bàn phụ trách, đỡ đầu xây dựng nông thôn mới",
    )
    return province, districts, decision


def _commune(district, name):
    return CommuneFactory(district=district, short_name=name, name=f"Xã {name}")


def test_seed_000_the_ccb_sponsorship_plan(people):
    province, districts, decision = _quang_tri()
    ccb = AgencyFactory(
        province=province,
        name="Hội Cựu chiến binh tỉnh Quảng Trị",
        short_name="Hội CCB tỉnh",
        kind=Agency.Kind.MASS_ORGANISATION,
    )
    communes = {
        "Ba Tầng": (_commune(districts["Hướng Hóa"], "Ba Tầng"), Assignment.Kind.SPONSORED),
        "Triệu Long": (
            _commune(districts["Triệu Phong"], "Triệu Long"),
            Assignment.Kind.SUPERVISED,
        ),
        "Triệu Phước": (
            _commune(districts["Triệu Phong"], "Triệu Phước"),
            Assignment.Kind.SUPERVISED,
        ),
    }
    for key, (commune, kind) in communes.items():
        assignment_create(
            agency=ccb, commune=commune, kind=kind, start=date(2020, 7, 14), decision=decision
        )
        _evaluate(people, commune, UNMET[key], 2020, 1)
    for name, position, role, is_head in CCB_TEAM:
        SteeringMember.objects.create(
            agency=ccb, full_name=name, position=position, team_role=role, is_head=is_head
        )
    issuer = _issuer(
        issuers.of_agency(ccb),
        CCB_PROFILE,
        people,
        units=[("Văn phòng - Ban Phong trào", "VP-PT")],
        signer=("Hoàng Văn Thanh", "Chủ tịch", "TM. Ban Thường vụ"),
    )
    legal_document_add(data={"province": province, **LETTER_217}, actor=people["admin"])
    draft = document_create(
        kind=Kind.SPONSORSHIP_PLAN, issuer=issuer, actor=None, dated_for=date(2020, 11, 10)
    )
    document = document_issue(document=draft, actor=None, issued_on=date(2020, 11, 10))
    assert_elements(
        document,
        {
            "parent body": ["HỘI CỰU CHIẾN BINH VIỆT NAM"],
            # The issuing body takes two lines of the header's left column, broken before
            # "tỉnh" so that the place's name stays whole (issue 26).
            "issuing body": ["HỘI CỰU CHIẾN BINH", "TỈNH QUẢNG TRỊ"],
            "number": ["Số: 01/KH-CCB"],
            "date": ["Quảng Trị, ngày 10 tháng 11 năm 2020"],
            "title": ["KẾ HOẠCH", "Đỡ đầu, phụ trách xây dựng nông thôn mới"],
            "căn cứ": [
                "Căn cứ Quyết định số 1841/QĐ-UBND ngày 14/7/2020 của UBND tỉnh Quảng Trị về việc "
                "phân công địa bàn phụ trách, đỡ đầu xây dựng nông thôn mới;"
            ],
            "request": [
                "Thực hiện Công văn số 217/VPĐP-HC ngày 30/10/2020 của Văn phòng Điều phối xây "
                "dựng nông thôn mới tỉnh về việc xây dựng kế hoạch phụ trách, đỡ đầu xã"
            ],
            "intro": ["Hội CCB tỉnh xây dựng kế hoạch đỡ đầu, phụ trách"],
            "general objective": ["1. Mục tiêu chung", "giữ vững và nâng cao chất lượng"],
            "tallies": [
                "Xã Ba Tầng - huyện Hướng Hóa đạt 9/19 tiêu chí (theo kết quả đánh giá đến "
                "30/06/2020)",
                "Xã Triệu Long - huyện Triệu Phong đạt 16/19 tiêu chí",
                "Xã Triệu Phước - huyện Triệu Phong đạt 19/19 tiêu chí",
            ],
            "unmet": [
                "Còn 10 tiêu chí chưa đạt gồm: giao thông, trường học, cơ sở vật chất văn hóa, "
                "thông tin và tuyên truyền, nhà ở, thu nhập, hộ nghèo, tổ chức sản xuất, giáo "
                "dục, môi trường và an toàn thực phẩm",
                "Còn 3 tiêu chí chưa đạt gồm: giao thông, cơ sở vật chất văn hóa, nhà ở",
                "Tập trung nâng cao chất lượng 9 tiêu chí đã đạt; tham mưu đề xuất giải pháp, "
                "lộ trình xây dựng 10 tiêu chí chưa đạt",
            ],
            "steering team": [
                "Hội CCB tỉnh thành lập Ban chỉ đạo đỡ đầu, phụ trách xây dựng nông thôn mới gồm 5 "
                "đồng chí do đồng chí Lê Văn Thành, Phó Chủ tịch Hội CCB tỉnh làm Trưởng ban",
                "Đồng chí Phan Văn Dũng, Chuyên viên Ban Kinh tế: Thư ký",
            ],
            "regime": [
                "Hàng quý kiểm tra xã đỡ đầu 1 lần, 6 tháng kiểm tra xã phụ trách 1 lần",
            ],
            "recipients": [
                "Nơi nhận:",
                "- Văn phòng Điều phối nông thôn mới tỉnh;",
                "- Thường trực tỉnh Hội;",
                "- UBND các huyện: Hướng Hóa, Triệu Phong;",
                "- Lưu: VT, VP-PT.",
            ],
            "signer": ["TM. BAN THƯỜNG VỤ", "CHỦ TỊCH", "Hoàng Văn Thanh"],
            "end": ["./."],
        },
    )


def test_seed_004_the_departments_plan_numbered_2071(people):
    province, districts, decision = _quang_tri()
    skhdt = AgencyFactory(
        province=province,
        name="Sở Kế hoạch và Đầu tư Quảng Trị",
        short_name="Sở KH&ĐT",
        kind=Agency.Kind.DEPARTMENT,
    )
    rows = [
        ("Gio Mai", "Gio Linh", Assignment.Kind.SPONSORED, Recognition.Level.NTM, 2021),
        ("Thuận", "Hướng Hóa", Assignment.Kind.SPONSORED, Recognition.Level.NTM, 2025),
        ("Gio Mỹ", "Gio Linh", Assignment.Kind.SUPERVISED, Recognition.Level.KIEU_MAU, None),
        ("Cam Chính", "Cam Lộ", Assignment.Kind.SUPERVISED, Recognition.Level.KIEU_MAU, None),
    ]
    for name, district, kind, level, year in rows:
        commune = _commune(districts[district], name)
        assignment_create(
            agency=skhdt,
            commune=commune,
            kind=kind,
            start=date(2020, 7, 14),
            decision=decision,
            target_level=level,
            target_year=year,
        )
        _evaluate(people, commune, UNMET[name], 2020, 1)
        if kind == Assignment.Kind.SUPERVISED:
            Recognition.objects.create(
                commune=commune,
                level=Recognition.Level.NTM,
                decision_number="12/QĐ-UBND",
                decision_date=date(2018, 12, 28),
            )
    issuer = _issuer(
        issuers.of_agency(skhdt),
        SKHDT_PROFILE,
        people,
        units=SKHDT_UNITS,
        signer=("Trương Chí Trung", "Phó Giám đốc", "KT. Giám đốc"),
    )
    register_start_enter(issuer=issuer, year=2020, kind="", last_used=2070, actor=people["admin"])
    draft = document_create(
        kind=Kind.SPONSORSHIP_PLAN, issuer=issuer, actor=None, dated_for=date(2020, 12, 8)
    )
    draft = document_edit(
        document=draft,
        narrative={
            "subject": "Thực hiện công tác phụ trách, đỡ đầu cho các xã xây dựng nông thôn mới"
        },
        actor=None,
    )
    document = document_issue(document=draft, actor=None, issued_on=date(2020, 12, 8))
    assert_elements(
        document,
        {
            "parent body": ["UBND TỈNH QUẢNG TRỊ"],
            "issuing body": ["SỞ KẾ HOẠCH VÀ ĐẦU TƯ"],
            "number": ["Số: 2071/SKH-KTN"],
            "date": ["Quảng Trị, ngày 08 tháng 12 năm 2020"],
            "subject": ["Thực hiện công tác phụ trách, đỡ đầu cho các xã xây dựng nông thôn mới"],
            "căn cứ": ["Căn cứ Quyết định số 1841/QĐ-UBND ngày 14/7/2020 của UBND tỉnh Quảng Trị"],
            "purposes": [
                "(đối với các xã chưa đạt chuẩn nông thôn mới: xã Gio Mai, xã Thuận)",
                "(đối với các xã đã đạt chuẩn nông thôn mới: xã Cam Chính, xã Gio Mỹ)",
            ],
            "targets": [
                "Hỗ trợ xã Gio Mai hoàn thiện các tiêu chí chưa đạt (giao thông, cơ sở vật chất "
                "văn hóa), đưa xã Gio Mai đạt chuẩn nông thôn mới đến năm 2021",
                "đưa xã Thuận đạt chuẩn nông thôn mới đến năm 2025",
                "Hỗ trợ xã Cam Chính nâng cao chất lượng các tiêu chí nông thôn mới, đưa xã Cam "
                "Chính đạt chuẩn nông thôn mới kiểu mẫu",
            ],
            "tasks by unit": [
                "1. Phòng Kinh tế ngành: Chủ trì",
                "2. Phòng Khoa giáo - Văn xã: Phối hợp với phòng Kinh tế ngành",
            ],
            "closing": ["Trên đây là Kế hoạch đỡ đầu, phụ trách xây dựng nông thôn mới của Sở Kế"],
            "recipients": [
                "- UBND tỉnh (b/c);",
                "- VPĐP NTM tỉnh;",
                "- UBND các huyện: Gio Linh, Hướng Hóa, Cam Lộ;",
                "- UBND các xã: Gio Mai, Thuận, Cam Chính, Gio Mỹ;",
                "- Các phòng: KGVX, TH-QH;",
                "- Lưu: VT, KTN.",
            ],
            "signer": ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trương Chí Trung"],
        },
    )


def _luong_phong(people):
    province = ProvinceFactory(
        short_name="Bắc Giang", name="Tỉnh Bắc Giang", region=Region.NORTHERN_MIDLANDS_MOUNTAINS
    )
    district = DistrictFactory(province=province, short_name="Hiệp Hòa", name="Huyện Hiệp Hòa")
    commune = _commune(district, "Lương Phong")
    village_set = CriteriaSet.objects.get(code="BG741-2022-THON-NTM")
    any_criterion = village_set.criteria.order_by("number").first().short_name
    names = [f"Thôn {n}" for n in ("Nội", "Ngoài", "Chàng", "Nguộn", "Bổ Lý", "Trung Hưng")]
    names += [f"Thôn {n}" for n in ("Phong Đình", "Đồng Ích", "Đông Am", "Bùi Hạ", "Bùi Thượng")]
    for name in [*names, "Thôn Tứ", "Thôn Khánh"]:
        village = VillageFactory(commune=commune, name=name)
        unmet = {any_criterion} if name in ("Thôn Tứ", "Thôn Khánh") else set()
        _evaluate(people, commune, unmet, 2022, 0, code=village_set.code, village=village)
    _evaluate(
        people,
        commune,
        {"thủy lợi", "cơ sở vật chất văn hóa", "môi trường và an toàn thực phẩm"},
        2022,
        0,
    )
    return commune


def test_seed_001_the_communes_village_plan(people):
    commune = _luong_phong(people)
    admin = people["admin"]
    issuer = _issuer(
        issuers.of_area(commune),
        {
            "abbreviation": "UBND",
            "place": "Lương Phong",
            "coordination_office": "BCĐ CTMTQG xây dựng NTM huyện",
            "standing_recipients": "TT Đảng ủy, TT HĐND\nCác thành viên BQL",
        },
        people,
        signer=("Đỗ Đình Dũng", "Chủ tịch", "TM. Ủy ban nhân dân"),
    )
    legal_document_add(
        data={
            "province": commune.province,
            "commune": commune,
            "kind": LegalDocument.Kind.RESOLUTION,
            "subject": "Đại hội Đảng bộ xã lần thứ XXII, nhiệm kỳ 2021 - 2025",
            "default_for": [Kind.VILLAGE_PLAN],
        },
        actor=admin,
    )
    legal_document_add(
        data={
            "province": commune.province,
            "commune": commune,
            "kind": LegalDocument.Kind.PROGRAMME,
            "subject": "công tác của Ủy ban nhân dân xã Lương Phong năm 2023",
            "verb": LegalDocument.Verb.CARRYING_OUT,
            "default_for": [Kind.VILLAGE_PLAN],
        },
        actor=admin,
    )
    plan_target_add(
        area=commune,
        data={
            "year": 2023,
            "measure": PlanTarget.Measure.VILLAGES_MET,
            "label": "Số thôn đạt chuẩn thôn nông thôn mới",
            "target": Decimal(13),
            "unit": "thôn",
        },
        villages=list(commune.villages.filter(name__in=["Thôn Tứ", "Thôn Khánh"])),
        actor=admin,
    )
    draft = document_create(
        kind=Kind.VILLAGE_PLAN, issuer=issuer, actor=None, year=2023, dated_for=date(2023, 2, 15)
    )
    elements = {
        "issuing body": ["ỦY BAN NHÂN DÂN", "XÃ LƯƠNG PHONG"],
        "subject": ["Triển khai xây dựng thôn nông thôn mới năm 2023"],
        "căn cứ: the province's village set": [
            "Căn cứ Quyết định số 741/QĐ-UBND ngày 26/7/2022 của Ủy ban nhân dân tỉnh Bắc Giang "
            "ban hành bộ tiêu chí thôn nông thôn mới"
        ],
        "căn cứ: the party congress": [
            "Căn cứ Nghị quyết Đại hội Đảng bộ xã lần thứ XXII, nhiệm kỳ 2021 - 2025;"
        ],
        "programme": [
            "Thực hiện Chương trình công tác của Ủy ban nhân dân xã Lương Phong năm 2023."
        ],
        "villages planned": [
            "Phấn đấu năm 2023 xã có 02 thôn về đích thôn nông thôn mới (thôn Khánh, thôn Tứ), "
            "đưa tổng số 13/13 thôn đạt chuẩn thôn nông thôn mới",
            "Có 11/13 thôn đạt chuẩn nông thôn mới",
        ],
        "criteria unmet": [
            "Phấn đấu hoàn thành 3 tiêu chí chưa đạt (tiêu chí 3 thủy lợi, tiêu chí 6 cơ sở vật "
            "chất văn hóa, tiêu chí 17 môi trường và an toàn thực phẩm)",
            # Figures from before the plan's year say which year they are from.
            "(số liệu năm 2022, theo kết quả đánh giá đến 31/12/2022)",
        ],
        "general objective": ["Tiếp tục duy trì và nâng cao chất lượng các tiêu chí đã đạt"],
        "villages registering": ["UBND xã chỉ đạo 2 thôn (thôn Khánh, thôn Tứ) đăng ký"],
        "recipients": [
            "- BCĐ CTMTQG xây dựng NTM huyện;",
            "- TT Đảng ủy, TT HĐND;",
            "- Các thành viên BQL;",
            "- Lưu: VT.",
        ],
        "signer": ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Đỗ Đình Dũng"],
    }
    # The seed as it is: signed, the number and the day left for the clerk.
    assert_elements(
        draft,
        {
            **elements,
            "draft": ["DỰ THẢO", "Số: …/KH-UBND", "Lương Phong, ngày … tháng 02 năm 2023"],
        },
    )
    issued = document_issue(document=draft, actor=None, issued_on=date(2023, 2, 15))
    assert_elements(
        issued,
        {**elements, "number": ["Số: 01/KH-UBND", "Lương Phong, ngày 15 tháng 02 năm 2023"]},
    )


def test_seed_002_the_communes_advanced_plan_with_its_targets(people):
    province = ProvinceFactory(short_name="Huế", name="Thành phố Huế", region=Region.NORTH_CENTRAL)
    district = DistrictFactory(province=province, short_name="Quảng Điền", name="Huyện Quảng Điền")
    commune = _commune(district, "Quảng Thái")
    _evaluate(people, commune, set(), 2020, 0)
    Recognition.objects.create(
        commune=commune,
        level=Recognition.Level.NTM,
        decision_number="(mẫu)",
        decision_date=date(2019, 12, 30),
    )
    admin = people["admin"]
    issuer = _issuer(
        issuers.of_area(commune),
        {"abbreviation": "UBND", "place": "Quảng Thái"},
        people,
        signer=("Nguyễn Văn A", "Chủ tịch", "TM. Ủy ban nhân dân"),
    )
    for item, label, value, unit, at_most in QUANG_THAI_TARGETS:
        plan_target_add(
            area=commune,
            data={
                "year": 2021,
                "measure": PlanTarget.Measure.OTHER,
                "label": label,
                "target": Decimal(value),
                "unit": unit,
                "item": item,
                "plan_kind": Kind.ADVANCED_PLAN,
                "direction": "at_most" if at_most else "at_least",
            },
            actor=admin,
        )
    register_start_enter(issuer=issuer, year=2021, kind="", last_used=16, actor=admin)
    draft = document_create(
        kind=Kind.ADVANCED_PLAN, issuer=issuer, actor=None, year=2021, dated_for=date(2021, 1, 12)
    )
    document = document_issue(document=draft, actor=None, issued_on=date(2021, 1, 12))
    assert_elements(
        document,
        {
            "number": ["Số: 17/KH-UBND"],
            "date": ["Quảng Thái, ngày 12 tháng 01 năm 2021"],
            "subject": [
                "Triển khai thực hiện chương trình trọng điểm xây dựng nông thôn mới nâng cao gắn "
                "với giảm nghèo bền vững năm 2021"
            ],
            "targets": [
                "Xây dựng từ 01 thôn đạt nông thôn mới kiểu mẫu; 05 vườn mẫu",
                "Phấn đấu giảm tỷ lệ hộ nghèo năm 2021 từ 1% trở lên",
                "người dân tham gia bảo hiểm y tế đạt trên 98%",
                "xuất khẩu lao động từ 15 người trở lên",
            ],
            "criteria": [
                "Xã đạt 19/19 tiêu chí (số liệu năm 2020, theo kết quả đánh giá đến 31/12/2020)"
            ],
            # The seed gives no signer's name: the placeholder is never printed (issue 26).
            "signer": ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "(chưa có tên người ký)"],
        },
    )


def test_seed_003_the_districts_campaign_plan(people):
    province = ProvinceFactory(
        short_name="Lai Châu", name="Tỉnh Lai Châu", region=Region.NORTHERN_MIDLANDS_MOUNTAINS
    )
    district = DistrictFactory(province=province, short_name="Tam Đường", name="Huyện Tam Đường")
    for name in ("Bình Lư", "Sơn Bình", "Bản Bo", "Nà Tăm"):
        commune = _commune(district, name)
        _evaluate(people, commune, UNMET["Triệu Long"], 2019, 0)
    Recognition.objects.create(
        commune=commune,
        level=Recognition.Level.NTM,
        decision_number="(mẫu)",
        decision_date=date(2019, 12, 30),
    )
    admin = people["admin"]
    issuer = _issuer(
        issuers.of_area(district),
        {
            "abbreviation": "UBND",
            "place": "Tam Đường",
            "standing_recipients": "Sở VH, TT-DL\nTT. Huyện uỷ\nTT. HĐND huyện",
        },
        people,
        signer=("Cao Trang Trọng", "Phó Chủ tịch", "TM. Ủy ban nhân dân / KT. Chủ tịch"),
    )
    legal_document_add(
        data={
            "province": province,
            "district": district,
            "kind": LegalDocument.Kind.PLAN,
            "number": "709/KH-UBND",
            "date": date(2017, 8, 3),
            "issuer": "UBND huyện Tam Đường",
            "subject": "về triển khai thực hiện cuộc vận động “Toàn dân đoàn kết xây dựng nông "
            "thôn mới, đô thị văn minh” trên địa bàn huyện Tam Đường, giai đoạn 2016 - 2020",
            "default_for": [Kind.CAMPAIGN_PLAN],
        },
        actor=admin,
    )
    for item, measure, label, value, unit, at_most in TAM_DUONG_TARGETS:
        plan_target_add(
            area=district,
            data={
                "year": 2020,
                "measure": measure,
                "label": label,
                "target": Decimal(value),
                "unit": unit,
                "item": item,
                "plan_kind": Kind.CAMPAIGN_PLAN,
                "direction": "at_most" if at_most else "at_least",
            },
            actor=admin,
        )
    draft = document_create(
        kind=Kind.CAMPAIGN_PLAN, issuer=issuer, actor=None, year=2020, dated_for=date(2020, 3, 10)
    )
    draft = document_edit(
        document=draft,
        narrative={"responsibilities": [list(row) for row in TAM_DUONG_TASKS]},
        actor=None,
    )
    document = document_issue(document=draft, actor=None, issued_on=date(2020, 3, 10))
    assert_elements(
        document,
        {
            "issuing body": ["ỦY BAN NHÂN DÂN", "HUYỆN TAM ĐƯỜNG"],
            "number": ["Số: 01/KH-UBND", "Tam Đường, ngày 10 tháng 3 năm 2020"],
            "subject": [
                "Triển khai thực hiện cuộc vận động “Toàn dân đoàn kết xây dựng nông thôn mới, đô "
                "thị văn minh” trên địa bàn huyện Tam Đường năm 2020"
            ],
            "căn cứ": [
                "Căn cứ Kế hoạch số 709/KH-UBND ngày 03/8/2017 của UBND huyện Tam Đường về triển "
                "khai thực hiện cuộc vận động"
            ],
            "six targets": [
                "(1) Có 61,5% số xã đạt chuẩn nông thôn mới.",
                "(2) Xây dựng Quỹ “Vì người nghèo” toàn huyện đạt trên 134 triệu đồng.",
                "(3) Mức giảm tỷ lệ hộ nghèo đạt 4,2%.",
                "(4) 87,5% hộ gia đình đạt tiêu chuẩn văn hóa; 80,5% số bản",
                "(5) Tỷ lệ trường chuẩn quốc gia: mầm non 46,2%; tiểu học 75%",
                "(6) 100% số xã đạt tiêu chí quốc gia về y tế; tỷ lệ tăng dân số tự nhiên 15,9‰",
            ],
            "computed target": ["1/4 xã, theo quyết định công nhận đến 10/03/2020"],
            "average": [
                "bình quân 16 tiêu chí/xã, tính trên 4/4 xã có số liệu (số liệu năm 2019, theo "
                "kết quả đánh giá đến 31/12/2019)"
            ],
            "tasks by unit": [
                "1. Phòng Văn hóa và Thông tin huyện",
                "6. Ủy ban nhân dân các xã, thị trấn",
            ],
            "recipients": ["- Sở VH, TT-DL;", "- TT. Huyện uỷ;", "- UBND các xã, thị trấn;"],
            "signer": ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Cao Trang Trọng"],
        },
    )


@pytest.fixture
def demo(db, settings):
    settings.ALLOW_DEMO_DATA = True
    call_command("load_divisions", edition=2024)
    call_command("load_criteria")
    call_command("load_demo")


def test_load_demo_makes_each_seed_dated_and_numbered_as_it_is(demo):
    issued = {
        (d.kind, d.number_label, d.issued_on, d.signatory.full_name)
        for d in Document.objects.filter(state="issued").select_related("signatory")
    }
    assert (Kind.SPONSORSHIP_PLAN, "01/KH-CCB", date(2020, 11, 10), "Hoàng Văn Thanh") in issued
    assert (Kind.SPONSORSHIP_PLAN, "2071/SKH-KTN", date(2020, 12, 8), "Trương Chí Trung") in issued
    assert (Kind.ADVANCED_PLAN, "17/KH-UBND", date(2021, 1, 12), "Nguyễn Văn A") in issued
    assert (Kind.CAMPAIGN_PLAN, "01/KH-UBND", date(2020, 3, 10), "Cao Trang Trọng") in issued
    village = Document.objects.get(kind=Kind.VILLAGE_PLAN)
    assert (village.number, village.dated_for, village.signatory.full_name) == (
        None,
        date(2023, 2, 15),
        "Đỗ Đình Dũng",
    )
    seed_004 = Document.objects.get(number=2071)
    assert [row.legal_document.number for row in seed_004.citation_rows.all()] == ["1841/QĐ-UBND"]
    assert_elements(
        Document.objects.get(kind=Kind.SPONSORSHIP_PLAN, number=1, year=2020),
        {
            "request": ["Thực hiện Công văn số 217/VPĐP-HC ngày 30/10/2020"],
            "team": ["gồm 5 đồng chí do đồng chí Lê Văn Thành"],
        },
    )
    # This year's CCB plan: a new register (01 again), figures labelled with their year, and no
    # district People's Committees among the recipients.
    current = Document.objects.get(kind=Kind.SPONSORSHIP_PLAN, state="issued", year=2026)
    assert current.number_label == "01/KH-CCB"
    assert_elements(
        current,
        {
            "stale figure": [
                "đạt 9/19 tiêu chí (số liệu năm 2020, theo kết quả đánh giá đến 30/06/2020)"
            ],
            "signer": ["Hoàng Văn Thanh"],
        },
    )
    assert "UBND các huyện" not in current.html
