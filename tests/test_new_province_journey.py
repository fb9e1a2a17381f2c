"""A province no seed names, started on its own (issue 25): Tỉnh Điện Biên of today's map (the
2025 edition, two tiers), set up only through the pages and rosters, as the administrator and its
office would, up to its first approved QĐ 51 evaluation, its first inspection report and its first
plan. The test counts what people do: each page opened and each form sent is a click, and each
workbook filled is one more; the numbers are printed and held under a ceiling.

The administrator's part is what only an administrator can do: load the map and the criteria
catalogue (commands at deployment, not clicks) and create the province office's account. Every
other step is the office's, in the order its «Bắt đầu với tỉnh» page gives."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from communes.models import Commune, Edition, Province
from communes.services import divisions_load
from criteria.models import CommuneGroupSetting, Evaluation, Indicator, Recognition
from ntm_portal.models import Role, RosterImport, User
from ntm_portal.tasks import send_invitation_email, validate_roster
from reports.models import Document
from reports.services import document_render
from sponsorships.models import Agency, Assignment, Inspection, InspectionReport

from .conftest import load_qd51
from .factories import UserFactory
from .roster_files import workbook_bytes
from .test_qd51_journey import _values_for

TODAY = date(2026, 11, 20)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DIEN_BIEN = "11"  # the 2025 register's code; no seed, demo or fixture world names it
PASSWORD = "mot-mat-khau-dai-2026"
# Before issue 25 a new province took about 35 clicks, 3 workbooks and 119 one-by-one selects,
# and got stuck; these ceilings hold the journey to what it is now.
CLICKS_CEILING = 65
WORKBOOKS_CEILING = 6


class Counted:
    """A test client that counts what a person does: every page opened (GET) and every form
    sent (POST) is one click."""

    def __init__(self, client) -> None:
        self.client = client
        self.clicks = 0
        self.workbooks = 0
        self.steps: list[tuple[str, int]] = []

    def get(self, url: str, *args, **kwargs):
        self.clicks += 1
        response = self.client.get(url, *args, **kwargs)
        assert response.status_code in (200, 302), (url, response.status_code)
        return response

    def post(self, url: str, data=None, **kwargs):
        self.clicks += 1
        response = self.client.post(url, data or {}, **kwargs)
        assert response.status_code in (200, 302), (url, response.status_code)
        return response

    def step(self, name: str) -> None:
        self.steps.append((name, self.clicks))

    def sign_in(self, user: User) -> None:
        """The login form, sent: one click."""
        self.client.logout()
        response = self.post(reverse("login"), {"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, response.content.decode()[-1500:]

    def accept_invitation(self, user: User) -> None:
        """The worker sends the roster's invitation; its owner opens the link, sets a password
        and signs in."""
        self.client.logout()
        mail.outbox.clear()
        assert send_invitation_email(user.pk)
        link = re.search(r"https?://[^/]+(/tai-khoan/reset/\S+)", mail.outbox[0].body).group(1)
        form_url = self.get(link)["Location"]
        self.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
        self.sign_in(user)


def _load_today_s_map_of_one_province(tmp_path: Path) -> Province:
    """The administrator's `load_divisions` for the 2025 edition, from the vendored register cut
    to one province (the whole country costs the test time and says nothing more)."""
    source = Path(settings.BASE_DIR) / "fixtures" / "divisions" / "edition-2025.json"
    data = json.loads(source.read_text("utf-8"))
    data["provinces"] = [p for p in data["provinces"] if p["code"] == DIEN_BIEN]
    data["communes"] = [c for c in data["communes"] if c["parent"] == DIEN_BIEN]
    folder = tmp_path / "divisions"
    folder.mkdir()
    (folder / "edition-2025.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    divisions_load(edition=2025, fixture_dir=folder)
    return Province.objects.get(edition=Edition.TWO_TIER_2025, code=DIEN_BIEN)


def _roster(user: Counted, kind: str, rows: list[list[object]], capture) -> RosterImport:
    """The office's way with a roster: the import page, the template, the upload (checked by the
    worker), the preview, the confirmation."""
    user.get(reverse("rosters:import_list"))
    template = user.get(reverse("rosters:template", args=[kind]))
    assert template["Content-Type"] == XLSX
    user.workbooks += 1
    with capture(execute=False) as callbacks:
        response = user.post(
            reverse("rosters:import_new"),
            {"kind": kind, "file": SimpleUploadedFile(f"{kind}.xlsx", workbook_bytes(rows), XLSX)},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(callbacks) == 1
    record = RosterImport.objects.latest("pk")
    validate_roster(record.pk)  # the worker's task body
    record.refresh_from_db()
    preview = user.get(reverse("rosters:import_detail", args=[record.pk]))
    assert record.error_count == 0, (kind, record.result, preview.content.decode()[-3000:])
    with capture(execute=True):
        user.post(reverse("rosters:import_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == RosterImport.Status.IMPORTED, (kind, record.result)
    return record


@pytest.mark.django_db(transaction=False)
def test_a_new_province_starts_on_its_own_through_pages_and_rosters(
    client, tmp_path, django_capture_on_commit_callbacks, monkeypatch
):
    # Late in a year of QĐ 51: the assignments of January have a past quarter to report on.
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    capture = django_capture_on_commit_callbacks
    today, year = TODAY, TODAY.year

    # --- Deployment: the map and the catalogue (commands, not clicks) ---------------------------
    province = _load_today_s_map_of_one_province(tmp_path)
    xa = list(Commune.objects.xa().filter(province=province).order_by("code"))
    assert province.name == "Tỉnh Điện Biên"
    assert len(xa) == 42
    qd51 = load_qd51(tmp_path)
    first, second = xa[0], xa[1]

    # --- The administrator creates the office's account, role and scope on one screen -----------
    admin = UserFactory(username="quantri", role=Role.ADMIN, is_staff=True, is_superuser=True)
    person = Counted(client)
    client.force_login(admin)
    person.clicks += 1  # the administrator signs in
    add_user = reverse("admin:ntm_portal_user_add")
    assert "Tỉnh Điện Biên (2025)" in person.get(add_user).content.decode()
    person.post(
        add_user,
        {
            "username": "vpdp.dienbien",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "role": Role.PROVINCE,
            "province": province.pk,
            "district": "",
            "commune": "",
            "agency": "",
        },
    )
    office = User.objects.get(username="vpdp.dienbien")
    assert (office.role, office.province_id) == (Role.PROVINCE, province.pk)
    person.step("admin")

    # --- The office signs in and opens «Bắt đầu với tỉnh» -------------------------------------
    person.sign_in(office)
    start = reverse("reports:province_start", args=[province.pk])
    page = person.get(start)
    assert not any(step.done for step in page.context["steps"])
    # Every page and roster the office goes on to use is linked from the start page.
    html = page.content.decode()
    for url in [
        reverse("reports:province_settings", args=[province.pk]),
        reverse("rosters:import_list"),
        reverse("sponsorships:agency_list"),
        reverse("sponsorships:decision_list", args=[province.pk]),
        reverse("criteria:commune_groups", args=[province.pk]),
        reverse("criteria:recognitions", args=[province.pk]),
        reverse("criteria:review_queue"),
    ]:
        assert f'href="{url}"' in html, url

    # Each step set up by a roster offers it.
    rosters = {
        str(step.title): [str(link.label) for link in step.links] for step in page.context["steps"]
    }
    for title, kind in [
        ("Thôn, bản của các xã", "Thôn, bản"),
        ("Tài khoản cán bộ xã", "Người dùng"),
        ("Cơ quan đỡ đầu, phụ trách và tài khoản thành viên", "Cơ quan"),
        ("Quyết định phân công đỡ đầu, phụ trách", "Quyết định và phân công"),
        ("Quyết định phân nhóm xã (QĐ 51/2025/QĐ-TTg)", "Nhóm xã"),
        ("Quyết định công nhận đã có", "Quyết định công nhận xã đạt chuẩn ban hành trên giấy"),
    ]:
        assert f"Nhập danh sách «{kind}»" in rosters[title], (title, rosters[title])

    # 1–2. The People's Committee as an issuer, its signer, and the register's last number.
    settings_url = reverse("reports:province_settings", args=[province.pk])
    form = person.get(settings_url).context["forms"]["profile"]
    profile = {name: form[name].value() or "" for name in form.fields}
    profile.update(
        {
            "action": "profile",
            "parent_body": "",
            "header_name": "ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN",
            "name_in_text": "Ủy ban nhân dân tỉnh Điện Biên",
            "abbreviation": "UBND",
            "place": "Điện Biên",
        }
    )
    person.post(settings_url, profile)
    person.post(
        settings_url,
        {
            "action": "add_signatory",
            "full_name": "Lê Văn Thử",
            "title": "Chủ tịch",
            "authority": "TM. ỦY BAN NHÂN DÂN",
        },
    )
    person.post(
        settings_url, {"action": "register_start", "year": year, "kind": "", "last_used": 40}
    )
    person.step("issuer and register")

    # 3. Agencies (one workbook).
    _roster(
        person,
        "agencies",
        [
            ["Tỉnh", "Tên cơ quan", "Tên viết tắt", "Loại"],
            ["Điện Biên", "Hội Nông dân tỉnh Điện Biên", "HND", "Mặt trận, đoàn thể"],
            ["Điện Biên", "Sở Nông nghiệp và Môi trường Điện Biên", "SNNMT", "Sở, ban, ngành"],
        ],
        capture,
    )
    farmers = Agency.objects.get(province=province, short_name="HND")
    person.step("agencies")

    # 4. Accounts: every xã's official and the agencies' members (one workbook, the office's).
    header = ["Tên đăng nhập", "Họ tên", "Email", "Vai trò", "Tỉnh", "Mã xã", "Xã", "Cơ quan"]
    accounts = [
        [f"xa.{c.code}", "", f"xa{c.code}@dienbien.gov.vn", "Cán bộ xã", "Điện Biên", c.code]
        for c in xa
    ]
    accounts += [
        ["hnd.thu", "Lò Văn Thử", "hnd@dienbien.gov.vn", "Thành viên cơ quan", "Điện Biên", "", ""],
        ["snnmt.thu", "Quàng Thị Thử", "snnmt@dienbien.gov.vn", "Thành viên cơ quan", "Điện Biên"],
    ]
    accounts[-2].append("Hội Nông dân tỉnh Điện Biên")
    accounts[-1] += ["", "", "SNNMT"]
    _roster(person, "users", [header, *accounts], capture)
    official = User.objects.get(username=f"xa.{first.code}")
    member = User.objects.get(username="hnd.thu")
    assert (official.commune_id, member.agency_id) == (first.pk, farmers.pk)
    person.step("accounts")

    # 5. The assignment decision and its assignments (one workbook).
    header = ["Số quyết định", "Ngày quyết định", "Cơ quan", "Tỉnh", "Mã xã", "Xã"]
    header += ["Hình thức", "Từ ngày", "Mục tiêu", "Năm đạt mục tiêu"]
    decision = ["41/QĐ-UBND", f"05/01/{year}"]
    assignment_rows = [
        header,
        [*decision, "HND", "Điện Biên", first.code, first.name, "Đỡ đầu", f"15/01/{year}"],
        [*decision, "SNNMT", "Điện Biên", second.code, second.name, "Phụ trách", f"15/01/{year}"],
    ]
    assignment_rows[1] += ["Nông thôn mới", year + 1]
    _roster(person, "assignments", assignment_rows, capture)
    sponsored = Assignment.objects.get(agency=farmers, commune=first)
    assert sponsored.inspections.exists()  # planned at once, from its start
    person.step("assignments")

    # 6. Every xã's group, the whole province in one file.
    groups = [["Tỉnh", "Mã xã", "Xã", "Nhóm", "Số quyết định", "Ngày quyết định"]]
    groups += [
        [
            "Điện Biên",
            c.code,
            c.name,
            f"Nhóm {2 if i % 3 == 0 else 3}",
            "42/QĐ-UBND",
            f"10/01/{year}",
        ]
        for i, c in enumerate(xa)
    ]
    _roster(person, "commune_groups", groups, capture)
    assert CommuneGroupSetting.objects.filter(commune__province=province).count() == len(xa)
    person.step("groups")

    # 7. The recognitions made on paper before the portal.
    _roster(
        person,
        "recognitions",
        [
            ["Tỉnh", "Mã xã", "Xã", "Mức", "Số quyết định", "Ngày quyết định"],
            ["Điện Biên", second.code, second.name, "NTM", "2990/QĐ-UBND", "20/12/2025"],
        ],
        capture,
    )
    assert Recognition.objects.filter(commune=second).exists()
    person.step("recognitions")

    # 8. Villages, one or more a xã (the plans name those not yet meeting the standard).
    villages = [["Tỉnh", "Mã xã", "Xã", "Tên thôn"]]
    villages += [["Điện Biên", c.code, c.name, f"Bản {n}"] for c in xa for n in ("Một", "Hai")]
    _roster(person, "villages", villages, capture)
    person.step("villages")

    # --- The commune official: the first QĐ 51 evaluation ------------------------------------
    person.accept_invitation(official)
    status = person.get(reverse("criteria:commune_status", args=[first.pk]))
    assert status.status_code == 200
    half = 1 if today.month <= 6 else 2
    person.post(
        reverse("criteria:evaluation_create", args=[first.pk]),
        {"criteria_set": qd51.pk, "year": year, "half": half},
    )
    evaluation = Evaluation.objects.get(commune=first, criteria_set=qd51)
    edit = reverse("criteria:evaluation_edit", args=[evaluation.pk])
    form = person.get(edit)
    ids = dict(Indicator.objects.filter(criterion__criteria_set=qd51).values_list("number", "pk"))
    values = {f"value_{ids[n]}": raw for n, raw in _values_for(qd51, range(1, 9)).items()}
    person.post(edit, {"version": evaluation.version, **values})
    evaluation.refresh_from_db()
    assert (evaluation.met_count, evaluation.undecided_count) == (8, 0), form.status_code
    person.post(
        reverse("criteria:evaluation_submit", args=[evaluation.pk]),
        {"version": evaluation.version},
    )
    evaluation.refresh_from_db()
    person.step("evaluation (commune)")

    # --- The office reviews and approves ------------------------------------------------------
    person.sign_in(office)
    queue = person.get(reverse("criteria:review_queue")).content.decode()
    assert reverse("criteria:evaluation_detail", args=[evaluation.pk]) in queue
    person.get(reverse("criteria:evaluation_detail", args=[evaluation.pk]))
    person.post(
        reverse("criteria:evaluation_approve", args=[evaluation.pk]),
        {"version": evaluation.version},
    )
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.APPROVED
    person.step("approval")

    # --- The agency's member: the first inspection report ------------------------------------
    person.accept_invitation(member)
    calendar = person.get(reverse("sponsorships:calendar"))
    inspection = sponsored.inspections.order_by("period_start").first()
    assert reverse("sponsorships:inspection_detail", args=[inspection.pk]) in (
        calendar.content.decode()
    )
    person.get(reverse("sponsorships:inspection_detail", args=[inspection.pk]))
    person.post(reverse("sponsorships:report_begin", args=[inspection.pk]))
    report = InspectionReport.objects.get(inspection=inspection)
    person.post(
        reverse("sponsorships:report_edit", args=[inspection.pk]),
        {
            "version": report.version,
            "inspected_on": f"20/03/{year}",
            "participants": "Đ/c Lò Văn Thử – Hội Nông dân tỉnh Điện Biên",
            "difficulties": "Giao thông nội đồng còn thiếu",
            "proposals": "Đề nghị tỉnh hỗ trợ xi măng",
            "resources_vnd": "50.000.000",
            "resources_in_kind": "",
        },
    )
    report.refresh_from_db()
    person.post(
        reverse("sponsorships:report_submit", args=[inspection.pk]), {"version": report.version}
    )
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.DONE
    person.step("inspection report (agency)")

    # --- The office issues the province's first plan -----------------------------------------
    person.sign_in(office)
    plans = reverse("reports:province_plans", args=[province.pk])
    person.get(plans)
    person.post(plans, {"action": "new_plan", "year": year})
    document = Document.objects.get(kind=Document.Kind.AREA_PLAN, issuer_province=province)
    document = document_render(document_id=document.pk)  # the worker's task body
    person.get(reverse("reports:document_detail", args=[document.pk]))
    with capture(execute=False):
        issued = person.post(
            reverse("reports:document_issue", args=[document.pk]),
            {"issued_on": f"{today:%d/%m/%Y}", "capacity": ""},
        )
    document = Document.objects.get(pk=issued["Location"].rstrip("/").rsplit("/", 1)[-1])
    document = document_render(document_id=document.pk)  # the worker renders the issued copy
    # After the 40 used on paper and the two decisions typed in from paper (41/QĐ-UBND
    # assigning, 42/QĐ-UBND grouping): one register for everything the Committee issues.
    assert document.number == 43, document.number
    assert document.status == Document.Status.DONE
    person.step("plan")

    # --- The start page: every step done -----------------------------------------------------
    steps = person.get(start).context["steps"]
    missing = [str(step.title) for step in steps if not step.done]
    person.step("start page")
    # All but the evaluation of every xã (one is evaluated; the others' come next).
    assert missing == ["Kỳ đánh giá đầu tiên theo bộ tiêu chí hiện hành"]

    selects = 0  # no one-by-one choice anywhere: groups and accounts went in by file
    print(
        f"\nNew province ({province.name}): {person.clicks} clicks, {person.workbooks} workbooks, "
        f"{selects} one-by-one selects; steps (cumulative clicks): {person.steps}; "
        f"still missing on the start page: {missing}"
    )
    assert person.clicks <= CLICKS_CEILING, person.steps
    assert person.workbooks <= WORKBOOKS_CEILING
