"""The register (sổ đăng ký văn bản đi): numbers are taken when a document is issued, 01, 02, …
per issuer and year whatever the type, go on from a number entered by hand, restart each year,
never repeat even when two issues race; bad input is refused in Vietnamese, writing nothing."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from reports import issuers
from reports.models import ChangeRecord, Document, DocumentCounter, LegalDocument
from reports.services import (
    DocumentError,
    document_create,
    document_edit,
    document_issue,
    document_regenerate,
    issuer_profile_save,
    register_start_enter,
    signatory_add,
)
from sponsorships.periods import Period

from .factories import AgencyFactory, DistrictFactory, ProvinceFactory

Kind = Document.Kind
HALF = Period(date(2026, 1, 1), date(2026, 6, 30))


def _issuer(agency, *, per_type: bool = False):
    issuer = issuers.of_agency(agency)
    issuer_profile_save(
        issuer=issuer,
        data={"abbreviation": "CCB", "place": "Quảng Trị", "register_per_type": per_type},
        actor=None,
    )
    issuer = issuers.of_agency(agency)
    signatory_add(
        issuer=issuer, full_name="Hoàng Văn Thanh", title="Chủ tịch", authority="", actor=None
    )
    return issuers.of_agency(agency)


def _issue(issuer, kind=Kind.SPONSORSHIP_PLAN, day=date(2026, 3, 2), **extra):
    draft = document_create(kind=kind, issuer=issuer, actor=None, **extra)
    return document_issue(document=draft, actor=None, issued_on=day)


def test_two_documents_of_one_issuer_get_01_and_02_whatever_their_types(db):
    issuer = _issuer(AgencyFactory())
    plan = _issue(issuer, Kind.SPONSORSHIP_PLAN)
    report = _issue(issuer, Kind.AGENCY_REPORT, period=HALF)
    assert (plan.number_label, report.number_label) == ("01/KH-CCB", "02/BC-CCB")
    assert plan.register == report.register == ""


def test_an_issuer_may_keep_one_register_per_type(db):
    issuer = _issuer(AgencyFactory(), per_type=True)
    plan = _issue(issuer, Kind.SPONSORSHIP_PLAN)
    report = _issue(issuer, Kind.AGENCY_REPORT, period=HALF)
    assert (plan.number_label, report.number_label) == ("01/KH-CCB", "01/BC-CCB")


def test_drafts_take_no_number_and_issuing_freezes_the_text(db):
    issuer = _issuer(AgencyFactory())
    draft = document_create(kind=Kind.SPONSORSHIP_PLAN, issuer=issuer, actor=None)
    again = document_regenerate(document=draft, actor=None)
    assert (draft.number, again.number) == (None, None)
    assert not DocumentCounter.objects.filter(series=issuer.series).exists()
    issued = document_issue(document=again, actor=None, issued_on=date(2026, 5, 4))
    assert (issued.number, issued.version, issued.state) == (1, 3, "issued")
    assert "Số: 01/KH-CCB" in issued.html
    assert "DỰ THẢO" not in issued.html
    assert issued.narrative["signer_name"] == "Hoàng Văn Thanh"
    # Issued is final: no new version, no edit, no second issue.
    for change in (
        lambda: document_regenerate(document=issued, actor=None),
        lambda: document_edit(document=issued, narrative={"subject": "x"}, actor=None),
        lambda: document_issue(document=again, actor=None),
    ):
        with pytest.raises(DocumentError):
            change()
    assert Document.objects.filter(lineage=draft.lineage).count() == 3


def test_numbers_go_on_from_an_entered_number_and_restart_each_year(db):
    issuer = _issuer(AgencyFactory())
    register_start_enter(issuer=issuer, year=2025, kind="", last_used=2070, actor=None)
    assert _issue(issuer, day=date(2025, 12, 8)).number_label == "2071/KH-CCB"
    assert _issue(issuer, day=date(2025, 12, 9)).number == 2072
    assert _issue(issuer, day=date(2026, 1, 2)).number_label == "01/KH-CCB"
    assert ChangeRecord.objects.filter(series=issuer.series, action__contains="2070").exists()


def test_a_duplicate_entered_number_is_refused_and_nothing_is_written(db):
    issuer = _issuer(AgencyFactory())
    _issue(issuer, day=date(2026, 1, 5))
    _issue(issuer, day=date(2026, 1, 6))
    with pytest.raises(DocumentError) as refused:
        register_start_enter(issuer=issuer, year=2026, kind="", last_used=1, actor=None)
    assert refused.value.messages == [
        "Số đã dùng: sổ đăng ký năm 2026 đã cấp đến số 02; nhập số 01 sẽ cấp trùng số. Chỉ nhập "
        "được số từ 02 trở lên."
    ]
    assert DocumentCounter.objects.get(series=issuer.series, year=2026).last_number == 2


def test_issuing_without_a_signer_is_refused_in_vietnamese(db):
    agency = AgencyFactory()
    issuer = issuers.of_agency(agency)
    draft = document_create(kind=Kind.SPONSORSHIP_PLAN, issuer=issuer, actor=None)
    with pytest.raises(DocumentError) as refused:
        document_issue(document=draft, actor=None, issued_on=date(2026, 3, 1))
    assert (
        "Người ký: chưa chọn người ký; văn bản không ban hành được khi chưa có người ký."
        in refused.value.messages
    )
    assert not Document.objects.filter(state="issued").exists()
    assert not DocumentCounter.objects.exists()


def test_a_basis_with_an_impossible_date_is_refused(client, world, personas):
    client.force_login(personas["province"])
    url = reverse("reports:legal_documents")
    data = {
        "kind": LegalDocument.Kind.LETTER,
        "number": "217/VPĐP-HC",
        "issuer": "Văn phòng Điều phối nông thôn mới tỉnh",
        "subject": "về việc xây dựng kế hoạch",
        "verb": LegalDocument.Verb.CARRYING_OUT,
    }
    for day, message in (
        ("31/02/2020", "Ngày ban hành: “31/02/2020” không phải là ngày có thật (ghi dd/mm/yyyy)."),
        ("30/10/2099", "Ngày ban hành: ngày 30/10/2099 nằm ngoài khoảng 02/09/1945 –"),
    ):
        page = client.post(url, {**data, "date": day}).content.decode()
        assert message in page, day
    assert not LegalDocument.objects.exists()
    assert client.post(url, {**data, "date": "30/10/2020"}).status_code == 302
    legal = LegalDocument.objects.get()
    assert legal.province == world.province_a
    assert (
        "Thêm văn bản căn cứ: Thực hiện Công văn số 217/VPĐP-HC" in client.get(url).content.decode()
    )
    assert legal.citation().startswith("Thực hiện Công văn số 217/VPĐP-HC ngày 30/10/2020")
    # A basis dated after the issue date cannot be cited by it.
    issuer = _issuer(world.agency_a)
    draft = document_create(kind=Kind.SPONSORSHIP_PLAN, issuer=issuer, actor=None)
    draft = document_edit(document=draft, narrative={}, citations=[legal], actor=None)
    with pytest.raises(DocumentError) as refused:
        document_issue(document=draft, actor=None, issued_on=date(2020, 10, 1))
    assert "Căn cứ: Công văn 217/VPĐP-HC ngày 30/10/2020 sau ngày ban hành 01/10/2020." in (
        refused.value.messages
    )


def test_an_issue_date_before_the_registers_last_is_refused(db):
    issuer = _issuer(AgencyFactory())
    _issue(issuer, day=date(2026, 5, 10))
    with pytest.raises(DocumentError, match="không được mang ngày trước ngày đó"):
        _issue(issuer, day=date(2026, 5, 9))


def test_district_committees_issue_nothing_after_june_2025(db):
    district = DistrictFactory(province=ProvinceFactory())
    issuer = issuers.of_area(district)
    with pytest.raises(DocumentError, match="không còn Ủy ban nhân dân cấp huyện"):
        document_create(kind=Kind.AREA_PLAN, issuer=issuer, actor=None, year=2026)
    draft = document_create(
        kind=Kind.CAMPAIGN_PLAN, issuer=issuer, actor=None, year=2020, dated_for=date(2020, 3, 1)
    )
    assert draft.number is None


def test_the_database_refuses_a_number_given_twice(db):
    issuer = _issuer(AgencyFactory())
    first = _issue(issuer)
    twin = _issue(issuer, day=date(2026, 3, 3))
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=twin.pk).update(number=first.number)


def test_issue_pages_name_what_is_wrong_and_issue_with_a_signer(client, world, personas):
    client.force_login(personas["agency"])
    draft = document_create(kind=Kind.SPONSORSHIP_PLAN, issuer=world.agency_a, actor=None)
    url = reverse("reports:document_issue", args=[draft.pk])
    page = client.post(url, {"issued_on": "02/03/2026"}, follow=True).content.decode()
    assert "Người ký: chưa chọn người ký" in page
    settings_url = reverse("reports:agency_settings", args=[world.agency_a.pk])
    page = client.post(
        settings_url, {"action": "add_signatory", "full_name": "A", "title": "Giám đốc"}
    ).content.decode()
    assert "Chưa có thông tin ban hành" in page
    response = client.post(
        settings_url,
        {
            "action": "profile",
            "abbreviation": "skh",
            "place": "Quảng Trị",
            "symbol_style": "type_issuer",
        },
    )
    assert response.status_code == 302
    client.post(
        settings_url,
        {
            "action": "add_signatory",
            "full_name": "Trương Chí Trung",
            "title": "Phó Giám đốc",
            "authority": "KT. Giám đốc",
        },
    )
    page = client.post(
        settings_url, {"action": "register_start", "year": "2026", "last_used": "-3"}
    ).content.decode()
    assert "Số cuối cùng đã dùng trên giấy: " in page
    assert "lớn hơn hoặc bằng với 0" in page
    client.post(settings_url, {"action": "register_start", "year": "2026", "last_used": "40"})
    signer = world.agency_a.issuer_profile.signatories.get()
    detail = reverse("reports:document_detail", args=[draft.pk])
    response = client.post(
        detail, {"subject": "Đỡ đầu, phụ trách", "signatory": signer.pk, "version": 1}
    )
    draft = Document.objects.get(lineage=draft.lineage, version=2)
    page = client.post(
        reverse("reports:document_issue", args=[draft.pk]), {"issued_on": "31/02/2026"}, follow=True
    ).content.decode()
    assert "Ngày ban hành: “31/02/2026” không phải là ngày có thật" in page
    response = client.post(
        reverse("reports:document_issue", args=[draft.pk]), {"issued_on": "02/03/2026"}
    )
    issued = Document.objects.get(state="issued")
    assert response["Location"] == reverse("reports:document_detail", args=[issued.pk])
    assert issued.number_label == "41/KH-SKH"
    history = client.get(settings_url).content.decode()
    assert "Ban hành văn bản số 41/KH-SKH ngày 02/03/2026" in history


@pytest.mark.django_db(transaction=True)
def test_two_issues_at_the_same_moment_never_get_the_same_number():
    """Two threads, two connections to PostgreSQL, one barrier: both issue at once."""
    issuer = _issuer(AgencyFactory())
    drafts = [
        document_create(kind=kind, issuer=issuer, actor=None, period=HALF)
        for kind in (Kind.SPONSORSHIP_PLAN, Kind.AGENCY_REPORT, Kind.INSPECTION_PLAN)
    ]
    barrier = threading.Barrier(len(drafts))
    numbers, errors = [], []

    def issue(draft):
        try:
            barrier.wait(timeout=10)
            numbers.append(document_issue(document=draft, actor=None).number)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=[draft]) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(numbers) == [1, 2, 3]
    assert connection.vendor == "postgresql"
