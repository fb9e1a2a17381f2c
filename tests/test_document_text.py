"""Issue 26 §1, what was wrong in issued documents: one test per bug, each on a document of a
seed's kind and on the documents of a province no seed names (today's Lâm Đồng: two tiers, QĐ
51/2025/QĐ-TTg, commune groups)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from communes.models import Commune, Edition, Province
from criteria.demo import demo_evaluation
from criteria.models import CriteriaSet
from criteria.rules import tally_phrase
from criteria.services import Tally, commune_groups_decide
from ntm_portal.models import Role, User
from ntm_portal.text import place_in_text
from reports import content, issuers
from reports.models import Document, PlanTarget
from reports.rendering import render_pdf
from reports.services import (
    document_create,
    document_edit,
    document_issue,
    issuer_profile_save,
    plan_target_add,
    render_html,
    signatory_add,
)
from sponsorships.models import Agency, Assignment, AssignmentDecision, Inspection, SteeringMember
from sponsorships.periods import Period

from .conftest import load_qd51
from .factories import (
    AgencyFactory,
    CommuneFactory,
    DistrictFactory,
    ProvinceFactory,
    UserFactory,
    VillageFactory,
)

TODAY = date(2026, 12, 1)
Kind = Document.Kind


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@dataclass
class LamDong:
    province: Province
    dam_rong: Commune  # group 2, evaluated, sponsored by the department
    lac_duong: Commune  # no group decided: its group-dependent criteria are undecided
    department: Agency
    qd51: CriteriaSet
    admin: User


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def lam_dong(db, tmp_path, today) -> LamDong:
    """Today's Lâm Đồng (no seed names it): two xã, a department known by its abbreviation, an
    assignment decided in 2025 whose target year (2021) is already past, QĐ 51 evaluations."""
    province = ProvinceFactory(
        edition=Edition.TWO_TIER_2025, short_name="Lâm Đồng", name="Tỉnh Lâm Đồng"
    )

    def xa(name: str) -> Commune:
        return CommuneFactory(district=None, province=province, short_name=name, name=f"Xã {name}")

    dam_rong, lac_duong = xa("Đam Rông"), xa("Lạc Dương")
    for village in ("Thôn Liêng Trang", "Thôn Đạ Nhim"):
        VillageFactory(commune=dam_rong, name=village)
    admin = UserFactory(username="qt_ld", role=Role.ADMIN)
    reviewer = UserFactory(username="duyet_ld", role=Role.ADMIN)
    qd51 = load_qd51(tmp_path)
    commune_groups_decide(
        province=province,
        number="88/QĐ-UBND",
        day=date(2026, 2, 2),
        groups={dam_rong.pk: 2},
        actor=admin,
    )
    demo_evaluation(
        commune=dam_rong,
        criteria_set=qd51,
        year=2026,
        half=1,
        unmet_short_names=set(),
        submitter=admin,
        reviewer=reviewer,
    )
    demo_evaluation(
        commune=lac_duong,
        criteria_set=qd51,
        year=2026,
        half=1,
        unmet_short_names=set(),
        submitter=admin,
        reviewer=reviewer,
    )
    department = Agency.objects.create(
        province=province,
        name="Sở Nông nghiệp và Môi trường",
        short_name="SNNMT",
        kind=Agency.Kind.DEPARTMENT,
    )
    decision = AssignmentDecision.objects.create(
        province=province,
        number="245/QĐ-UBND",
        date=date(2025, 8, 1),
        issuer="UBND tỉnh Lâm Đồng",
        subject="Phân công đỡ đầu, phụ trách xây dựng nông thôn mới",
    )
    Assignment.objects.create(
        agency=department,
        commune=dam_rong,
        kind=Assignment.Kind.SPONSORED,
        start=date(2025, 8, 1),
        decision=decision,
        target_level="ntm",
        target_year=2021,
    )
    return LamDong(province, dam_rong, lac_duong, department, qd51, admin)


def _department_issuer(ld: LamDong, *, name="Trần Văn Bình", title="Giám đốc", authority=""):
    issuer = issuers.of_agency(ld.department)
    profile = issuer_profile_save(
        issuer=issuer,
        # The people who issue its documents typed the symbol as its name in text.
        data={"name_in_text": "SNNMT", "abbreviation": "SNNMT"},
        actor=ld.admin,
    )
    issuer = issuers.of_agency(ld.department, profile)
    signatory_add(issuer=issuer, full_name=name, title=title, authority=authority, actor=ld.admin)
    return issuers.of_agency(ld.department)


def _province_issuer(ld: LamDong, *, name="Hoàng Minh Đức", title="Phó Chủ tịch"):
    issuer = issuers.of_area(ld.province)
    profile = issuer_profile_save(issuer=issuer, data={}, actor=ld.admin)
    issuer = issuers.of_area(ld.province, profile)
    signatory_add(
        issuer=issuer,
        full_name=name,
        title=title,
        authority="TM. Ủy ban nhân dân\nKT. Chủ tịch",
        actor=ld.admin,
    )
    return issuers.of_area(ld.province)


# ---------------------------------------------------------------- 1. garbled openings --


def test_a_place_in_running_text_keeps_its_proper_name():
    assert place_in_text("Tỉnh Quảng Trị") == "tỉnh Quảng Trị"
    assert place_in_text("Huyện Tam Đường") == "huyện Tam Đường"
    assert place_in_text("Xã A Dơi") == "xã A Dơi"
    assert place_in_text("Thành phố Huế") == "thành phố Huế"
    assert place_in_text("Thị xã Quảng Trị") == "thị xã Quảng Trị"
    assert place_in_text("Đặc khu Phú Quốc") == "đặc khu Phú Quốc"
    # Nothing else is ever lower-cased.
    assert place_in_text("Quảng Trị") == "Quảng Trị"
    assert place_in_text("Sở Tài chính") == "Sở Tài chính"


def test_openings_read_as_a_drafter_writes_them(lam_dong, db):
    ld = lam_dong
    province_plan = document_create(
        kind=Kind.AREA_PLAN, issuer=issuers.of_area(ld.province), actor=None, year=2026
    )
    village_plan = document_create(
        kind=Kind.VILLAGE_PLAN, issuer=issuers.of_area(ld.dam_rong), actor=None, year=2026
    )
    texts = [_text(render_html(d)) for d in (province_plan, village_plan)]
    assert (
        "Ủy ban nhân dân tỉnh Lâm Đồng ban hành Kế hoạch xây dựng nông thôn mới năm 2026 trên "
        "địa bàn tỉnh như sau:" in texts[0]
    )
    assert (
        "Ủy ban nhân dân xã Đam Rông xây dựng Kế hoạch triển khai xây dựng thôn nông thôn mới "
        "năm 2026 như sau:" in texts[1]
    )
    # A seed's kind, in the three-tier past (seed 003's campaign plan of a district).
    province = ProvinceFactory(short_name="Lai Châu", name="Tỉnh Lai Châu")
    district = DistrictFactory(province=province, short_name="Tam Đường", name="Huyện Tam Đường")
    campaign = document_create(
        kind=Kind.CAMPAIGN_PLAN,
        issuer=issuers.of_area(district),
        actor=None,
        year=2020,
        dated_for=date(2020, 3, 10),
    )
    texts.append(_text(render_html(campaign)))
    assert (
        "Ủy ban nhân dân huyện Tam Đường xây dựng Kế hoạch triển khai thực hiện cuộc vận động "
        "“Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh” trên địa bàn huyện năm 2020 "
        "như sau:" in texts[2]
    )
    for text in texts:
        assert "xây dựng xây dựng" not in text
        assert "xây dựng triển khai" not in text
        for lowered in ("lâm đồng", "đam rông", "tam đường", "toàn dân đoàn kết"):
            assert lowered not in text
    # No print template lower-cases a name (the decision's annex read "tỉnh quảng trị").
    from pathlib import Path

    templates = Path(__file__).resolve().parent.parent / "templates" / "reports" / "print"
    for template in templates.glob("*.html"):
        assert "name|lower" not in template.read_text(), template.name
        assert "subject|lower" not in template.read_text(), template.name


# ---------------------------------------------------------------- 2. abbreviations in text --


def test_a_body_is_named_in_full_in_running_text_and_by_its_symbol_only_in_the_number(
    lam_dong,
):
    issuer = _department_issuer(lam_dong)
    assert issuer.name_in_text == "Sở Nông nghiệp và Môi trường tỉnh Lâm Đồng"
    plan = document_create(kind=Kind.SPONSORSHIP_PLAN, issuer=issuer, actor=None)
    text = _text(render_html(plan))
    assert "Sở Nông nghiệp và Môi trường tỉnh Lâm Đồng xây dựng kế hoạch đỡ đầu, phụ trách" in text
    assert "…/KH-SNNMT" in text
    assert "SNNMT xây dựng" not in text
    assert "của SNNMT" not in text
    # Seed 000's own short form is words, not a symbol: it stays.
    ccb = AgencyFactory(name="Hội Cựu chiến binh tỉnh Quảng Trị", short_name="Hội CCB tỉnh")
    assert issuers.of_agency(ccb).name_in_text == "Hội CCB tỉnh"
    assert issuers.is_abbreviation("STC")
    assert not issuers.is_abbreviation("Hội CCB tỉnh")


# ---------------------------------------------------------------- 3. a draft dated back --


def test_a_draft_dated_back_takes_the_basis_of_its_date(lam_dong):
    issuer = _department_issuer(lam_dong)
    plan = document_create(kind=Kind.SPONSORSHIP_PLAN, issuer=issuer, actor=None)
    today_text = _text(render_html(plan))
    assert "Quyết định số 245/QĐ-UBND" in today_text
    assert "51/2025/QĐ-TTg" in today_text
    # Dated back to before the assignment decision and before QĐ 51's period.
    back = document_edit(
        document=plan, narrative={}, actor=lam_dong.admin, dated_for=date(2025, 7, 20)
    )
    text = _text(render_html(back))
    assert "245/QĐ-UBND" not in text
    assert "51/2025/QĐ-TTg" not in text
    assert "ngày … tháng 7 năm 2025" in text
    # A seed's kind (seed 000, a plan of 10/11/2020): the same draft dated back to 2020
    # cites nothing of 2025.
    old = document_edit(
        document=back, narrative={}, actor=lam_dong.admin, dated_for=date(2020, 11, 10)
    )
    cited = [row.legal_document.number for row in old.citation_rows.all()]
    assert "245/QĐ-UBND" not in cited
    assert all("2025" not in number for number in cited)


# ------------------------------------------------- 4. past targets, tasks by responsible unit --


def test_a_past_target_is_not_printed_and_tasks_are_listed_by_unit(lam_dong):
    issuer = _department_issuer(lam_dong)
    plan = document_create(kind=Kind.SPONSORSHIP_PLAN, issuer=issuer, actor=None)
    text = _text(render_html(plan))
    assert "đến năm 2021" not in text
    section = text.split("IV. Tổ chức thực hiện")[1].split("V. Chế độ kiểm tra")[0]
    assert "Đề nghị Ủy ban nhân dân xã Đam Rông" in section
    assert "Văn phòng Điều phối nông thôn mới tỉnh" in section
    # A commune's plan names its own villages, not "Ủy ban nhân dân các xã".
    commune_plan = document_create(
        kind=Kind.COMMUNE_PLAN, issuer=issuers.of_area(lam_dong.dam_rong), actor=None, year=2026
    )
    commune_text = _text(render_html(commune_plan))
    assert "Ủy ban nhân dân các xã" not in commune_text
    assert "Ban phát triển thôn Liêng Trang và thôn Đạ Nhim" in commune_text
    assert "Đề nghị Sở Nông nghiệp và Môi trường" in commune_text
    # A province's plan lists the assigned agencies, the xã and the coordination office.
    province_text = _text(
        render_html(
            document_create(
                kind=Kind.AREA_PLAN, issuer=issuers.of_area(lam_dong.province), actor=None
            )
        )
    )
    section = province_text.split("III. Tổ chức thực hiện")[1]
    for unit in (
        "Các cơ quan, đơn vị được phân công đỡ đầu, phụ trách (Sở Nông nghiệp và Môi trường)",
        "Ủy ban nhân dân các xã",
        "Văn phòng Điều phối nông thôn mới tỉnh",
    ):
        assert unit in section
    assert content.target_phrase("ntm", 2021, 2026) == ""
    assert content.target_phrase("ntm", 2027, 2026) == "đạt chuẩn nông thôn mới đến năm 2027"


# ---------------------------------------------------------------- 5. figures without data --


def test_figures_say_how_much_is_known_and_partial_data_is_not_judged(lam_dong):
    ld = lam_dong
    # A third xã with no evaluation: 2/3 have figures; no recognition is recorded.
    CommuneFactory(district=None, province=ld.province, short_name="Đạ Tẻh", name="Xã Đạ Tẻh")
    for measure, value, label in (
        (PlanTarget.Measure.XA_NTM_SHARE, "80", "Có {} số xã đạt chuẩn nông thôn mới"),
        (PlanTarget.Measure.AVERAGE_CRITERIA, "8", "Bình quân đạt {}/xã"),
    ):
        plan_target_add(
            area=ld.province,
            data={
                "year": 2026,
                "measure": measure,
                "label": label,
                "target": Decimal(value),
                "unit": "%" if measure == PlanTarget.Measure.XA_NTM_SHARE else "tiêu chí",
            },
            actor=ld.admin,
        )
    plan = document_create(
        kind=Kind.AREA_PLAN, issuer=issuers.of_area(ld.province), actor=None, year=2026
    )
    text = _text(render_html(plan))
    assert "0/3 xã đạt chuẩn" not in text
    assert "(0%" not in text
    assert "chưa ghi nhận quyết định công nhận nào" in text
    assert "2/3 xã có số liệu" in text
    assert "Chưa đánh giá được (2/3 xã có số liệu)" in text
    # A xã meeting every criterion with no recognition recorded is not declared "chưa đạt
    # chuẩn" (nor "đã đạt chuẩn") in a sponsorship plan (seed 000 listed Triệu Phước, 19/19).
    sponsorship = _text(
        render_html(
            document_create(kind=Kind.SPONSORSHIP_PLAN, issuer=_department_issuer(ld), actor=None)
        )
    )
    assert "Xã Đam Rông - tỉnh Lâm Đồng đạt 10/10 tiêu chí" in sponsorship
    assert "chưa đạt chuẩn nông thôn mới: xã Đam Rông" not in sponsorship
    assert "đã đạt chuẩn nông thôn mới: xã Đam Rông" not in sponsorship
    rows = text.split("Đánh giá")[-1]
    assert " Đạt " not in f" {rows} ".replace("Chưa đạt", "")


# -------------------------------------------- 6. the group, the plan carried out, quarters --


def test_qd51_figures_name_their_group_and_a_report_cites_the_plan_it_carries_out(lam_dong):
    ld = lam_dong
    issuer = _department_issuer(ld)
    plan = document_create(kind=Kind.SPONSORSHIP_PLAN, issuer=issuer, actor=None)
    text = _text(render_html(plan))
    assert "Xã Đam Rông - tỉnh Lâm Đồng đạt 10/10 tiêu chí" in text
    assert "ngưỡng nhóm 2" in text
    issued = document_issue(document=plan, actor=None, issued_on=date(2026, 1, 12))
    assignment = Assignment.objects.get(agency=ld.department)
    inspection = Inspection.objects.create(
        assignment=assignment,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 12, 31),
        due_date=date(2026, 12, 31),
    )
    report = document_create(
        kind=Kind.INSPECTION_REPORT, issuer=issuer, actor=None, inspection=inspection
    )
    report_text = _text(render_html(report))
    assert (
        f"Thực hiện Kế hoạch số {issued.number_label} ngày 12/01/2026 của Sở Nông nghiệp và Môi "
        "trường tỉnh Lâm Đồng" in report_text
    )
    assert "quý IV năm 2026" in report_text
    assert "quý 4/2026" not in report_text.lower()
    assert Period(date(2026, 1, 1), date(2026, 6, 30)).document_label() == ("6 tháng đầu năm 2026")
    assert Period(date(2026, 4, 1), date(2026, 6, 30)).document_label() == "quý II năm 2026"


# -------------------------------------------------------------- 7. the authority line --


def test_the_authority_line_follows_who_signs_this_document_in_what_capacity(lam_dong):
    ld = lam_dong
    issuer = _province_issuer(ld)
    signatory = issuer.profile.signatories.get()
    assert issuers.default_capacity(signatory) == issuers.Capacity.DEPUTY
    assert issuers.signature_block(Kind.AREA_PLAN, issuer, signatory) == (
        ["TM. Ủy ban nhân dân", "KT. Chủ tịch"],
        "Phó Chủ tịch",
    )
    # The chairman's own decision: no "TM." of the collective.
    assert issuers.signature_block(Kind.RECOGNITION_DECISION, issuer, signatory) == (
        ["KT. Chủ tịch"],
        "Phó Chủ tịch",
    )
    chairman = signatory_add(
        issuer=issuer,
        full_name="Nguyễn Minh Hòa",
        title="Chủ tịch",
        authority="TM. Ủy ban nhân dân\nKT. Chủ tịch",  # set once, wrongly, for the person
        actor=ld.admin,
    )
    assert issuers.signature_block(Kind.RECOGNITION_DECISION, issuer, chairman) == (
        [],
        "Chủ tịch",
    )
    assert issuers.signature_block(Kind.AREA_PLAN, issuer, chairman) == (
        ["TM. Ủy ban nhân dân"],
        "Chủ tịch",
    )
    # Chosen on issue and kept on the issued document.
    plan = document_create(kind=Kind.AREA_PLAN, issuer=issuer, actor=None, year=2026)
    issued = document_issue(
        document=plan, actor=None, issued_on=TODAY, capacity=issuers.Capacity.DEPUTY
    )
    assert issued.narrative["capacity"] == issuers.Capacity.DEPUTY
    assert issued.narrative["authority"] == "TM. Ủy ban nhân dân\nKT. Chủ tịch"
    # A seed's kind (seed 004): the director of a department signs as "Giám đốc", a deputy KT.
    department = _department_issuer(
        ld, name="Trương Chí Trung", title="Phó Giám đốc", authority="KT. Giám đốc"
    )
    deputy = department.profile.signatories.get()
    assert issuers.signature_block(Kind.SPONSORSHIP_PLAN, department, deputy) == (
        ["KT. Giám đốc"],
        "Phó Giám đốc",
    )
    assert issuers.signature_block(
        Kind.SPONSORSHIP_PLAN, department, deputy, issuers.Capacity.BY_ORDER
    ) == (["TL. Giám đốc"], "Phó Giám đốc")


# ------------------------------------------------ 8. the signature block and the header --


def _pages(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return text.split("\f")


def test_the_signature_never_stands_alone_and_names_break_between_phrases(lam_dong, tmp_path):
    ld = lam_dong
    assert issuers.header_break("Sở Nông nghiệp và Môi trường") == [
        "Sở Nông nghiệp",
        "và Môi trường",
    ]
    assert issuers.header_break("Hội Cựu chiến binh tỉnh Quảng Trị") == [
        "Hội Cựu chiến binh",
        "tỉnh Quảng Trị",
    ]
    assert issuers.header_break("Sở Tài chính") == ["Sở Tài chính"]
    issuer = _department_issuer(ld)
    # A long plan: a steering team long enough to push the end of the plan onto a new page.
    for position in range(14):
        SteeringMember.objects.create(
            agency=ld.department,
            full_name=f"Thành viên {position + 1}",
            position="Chuyên viên phòng Kế hoạch - Tài chính",
            team_role="Thành viên",
        )
    plan = document_create(kind=Kind.SPONSORSHIP_PLAN, issuer=issuer, actor=None)
    pages = [page for page in _pages(render_pdf(render_html(plan)), tmp_path) if page.strip()]
    assert len(pages) >= 2
    last = pages[-1]
    assert "Nơi nhận" in last
    assert "Trên đây là Kế hoạch" in " ".join(last.split())
    header = " ".join(pages[0].split("KẾ HOẠCH")[0].split())
    assert "MÔI TRƯỜNG" in header
    assert "MÔI\n" not in pages[0]


def test_a_placeholder_name_never_prints_as_a_signer(lam_dong):
    issuer = _department_issuer(lam_dong, name="Nguyễn Văn A")
    plan = document_create(kind=Kind.SPONSORSHIP_PLAN, issuer=issuer, actor=None)
    html = render_html(plan)
    assert "Nguyễn Văn A" not in html
    assert "(chưa có tên người ký)" in html
    assert "Chưa có người ký" in plan.missing


# ---------------------------------------------------------------- the tally phrase --


def test_one_tally_phrase_keeps_what_is_undecided(lam_dong):
    assert tally_phrase(3, 10, 7) == "đạt 3/10 tiêu chí, 7 chưa xác định"
    assert tally_phrase(9, 19, 0) == "đạt 9/19 tiêu chí"
    assert tally_phrase(None, None) == ""
    assert Tally(3, 7, 10).phrase == "đạt 3/10 tiêu chí, 7 chưa xác định"
    ld = lam_dong
    # Lạc Dương has no group: its group-dependent criteria are undecided, and its plan says so.
    Assignment.objects.create(
        agency=ld.department,
        commune=ld.lac_duong,
        kind=Assignment.Kind.SUPERVISED,
        start=date(2025, 8, 1),
    )
    evaluation = ld.lac_duong.evaluations.get()
    assert evaluation.undecided_count > 0
    expected = tally_phrase(
        evaluation.met_count, evaluation.criteria_count, evaluation.undecided_count
    )
    plan = document_create(kind=Kind.SPONSORSHIP_PLAN, issuer=_department_issuer(ld), actor=None)
    text = _text(render_html(plan))
    assert f"Xã Lạc Dương - tỉnh Lâm Đồng {expected}" in text
    assert "chưa có quyết định phân nhóm xã" in text
    commune_plan = document_create(
        kind=Kind.COMMUNE_PLAN, issuer=issuers.of_area(ld.lac_duong), actor=None, year=2026
    )
    assert f"Xã {expected}" in _text(render_html(commune_plan))


def test_the_demo_documents_carry_none_of_the_issues_faults(db, settings):
    """The seeds' own documents, as load_demo makes them (three-tier history)."""
    settings.ALLOW_DEMO_DATA = True
    call_command("load_divisions", edition=2024)
    call_command("load_criteria")
    call_command("load_demo")
    for document in Document.objects.all():
        text = _text(render_html(document))
        assert "xây dựng xây dựng" not in text, document
        assert "Nguyễn Văn A" not in text, document
        assert "quý 4/" not in text.lower(), document
        for name in ("quảng trị", "tam đường", "lương phong", "quảng thái", "hướng hóa"):
            assert name not in text, (document, name)
