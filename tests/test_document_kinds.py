"""The registry of document kinds (reports/kinds/): it has every kind the code names, and a kind
declared in one module with one print template is drafted, numbered, rendered (PDF and .docx),
issued and listed by the engine without any other file knowing it."""

from __future__ import annotations

import copy
import subprocess
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.template.loader import get_template
from django.utils import timezone, translation

from reports import issuers
from reports.forms import DocumentForm, LegalDocumentForm, RegisterStartForm
from reports.kinds.registry import DocumentKind, kind_choices, kind_for, kinds, register, unregister
from reports.models import Document, LegalDocument
from reports.services import (
    document_create,
    document_issue,
    document_render,
    issuer_profile_save,
    proposed_citations,
    signatory_add,
)


def test_the_registry_has_every_kind_the_code_names_with_the_same_label_and_a_template():
    registered = {kind.code: kind for kind in kinds()}
    assert set(Document.Kind.values) <= set(registered)
    for member in Document.Kind:
        kind = kind_for(member.value)
        with translation.override("vi"):
            assert str(kind.label) == str(member.label), member
        assert get_template(kind.template) is not None
        assert kind.type_symbol in {"KH", "BC", "TTr", "BB", "QĐ"}, member


def test_the_document_field_and_forms_take_their_choices_from_the_registry():
    field = Document._meta.get_field("kind")
    assert list(field.choices) == [(code, label) for code, label in kind_choices()]
    assert [code for code, _ in LegalDocumentForm().fields["default_for"].choices] == [
        kind.code for kind in kinds()
    ]
    assert [code for code, _ in RegisterStartForm().fields["kind"].choices][1:] == [
        kind.code for kind in kinds()
    ]


def test_the_kinds_symbols_are_those_the_engine_used_before_the_registry():
    assert {kind.code: kind.type_symbol for kind in kinds()} == {
        "sponsorship_plan": "KH",
        "inspection_report": "BC",
        "inspection_plan": "KH",
        "agency_report": "BC",
        "commune_plan": "KH",
        "village_plan": "KH",
        "advanced_plan": "KH",
        "area_plan": "KH",
        "campaign_plan": "KH",
        "recognition_request": "TTr",
        "recognition_results": "BC",
        "recognition_comments": "BC",
        "recognition_commune_minutes": "BB",
        "recognition_review": "BC",
        "recognition_council_minutes": "BB",
        "recognition_appraisal": "BC",
        "recognition_decision": "QĐ",
    }
    assert [kind.code for kind in kinds() if kind.own_name] == ["recognition_decision"]


def test_a_kind_cannot_be_registered_twice_with_another_meaning():
    from django.core.exceptions import ImproperlyConfigured

    existing = kind_for("inspection_plan")
    with pytest.raises(ImproperlyConfigured):
        register(DocumentKind(**{**existing.__dict__, "type_symbol": "TB"}))
    assert kind_for("inspection_plan").type_symbol == "KH"


# ------------------------------------------------------- a kind of the test's own --

NOTICE_TEMPLATE = """{% extends "reports/print/base.html" %}
{% block title %}Thông báo {{ document.number_label }}{% endblock %}
{% block body %}
<h1>THÔNG BÁO</h1>
<div class="subject">{{ text.subject }}</div>
{% include "reports/print/_bases.html" %}
<p>{{ opening }}</p>
<p>Số xã được phân công: {{ notice.commune_count }}.</p>
{% for line in notice.communes %}<p>- {{ line }};</p>{% endfor %}
<div class="closing">{% include "reports/print/_signature.html" %}</div>
{% endblock %}
"""


@dataclass
class Notice:
    commune_count: int
    communes: list[str]
    missing: list[str] = field(default_factory=list)


def _notice_body(document: Document):
    names = sorted(
        a.commune.name for a in document.issuer.assignments.select_related("commune").all()
    )
    return Notice(len(names), names), {"notice": Notice(len(names), names)}


def _notice_citations(issuer, day, year):
    return [
        LegalDocument.objects.get_or_create(
            kind=LegalDocument.Kind.LETTER, number="12/CV-TEST", subject="về việc thông báo"
        )[0]
    ]


@pytest.fixture
def notice_kind(settings, tmp_path):
    """A kind declared here as a new module would declare it, with its print template in a
    folder of templates of its own."""
    folder = tmp_path / "templates" / "reports" / "print"
    folder.mkdir(parents=True)
    (folder / "test_notice.html").write_text(NOTICE_TEMPLATE, "utf-8")
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], tmp_path / "templates"]
    settings.TEMPLATES = templates
    kind = register(
        DocumentKind(
            code="test_notice",
            label="Thông báo thử",
            type_symbol="TB",
            template="reports/print/test_notice.html",
            body=_notice_body,
            narrative=lambda issuer, kind, year: {"subject": f"Về việc thông báo năm {year}"},
            sections=("subject",),
            citations=_notice_citations,
            position=999,
        )
    )
    yield kind
    unregister(kind.code)


def _text(path: str) -> str:
    result = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True)
    return " ".join(result.stdout.split())


def test_a_kind_declared_in_one_module_is_drafted_rendered_and_issued(db, world, notice_kind):
    agency = world.agency_a
    issuer_profile_save(
        issuer=issuers.of_agency(agency),
        data={"abbreviation": "SKH", "place": "Quảng Trị"},
        actor=None,
    )
    signatory_add(
        issuer=issuers.of_agency(agency),
        full_name="Trương Chí Trung",
        title="Phó Giám đốc",
        authority="KT. Giám đốc",
        actor=None,
    )
    assert ("test_notice", "Thông báo thử") in kind_choices()
    assert [
        legal.number
        for legal in proposed_citations(
            issuers.of_agency(agency), "test_notice", date(2026, 1, 5), 2026
        )
    ] == ["12/CV-TEST"]

    draft = document_create(kind="test_notice", issuer=agency, actor=None)
    assert draft.symbol == "TB-SKH"
    assert draft.get_kind_display() == "Thông báo thử"
    assert [row.legal_document.number for row in draft.citation_rows.all()] == ["12/CV-TEST"]
    draft = document_render(document_id=draft.pk)
    assert draft.status == Document.Status.DONE, draft.error
    communes = agency.assignments.count()
    text = _text(draft.pdf.path)
    assert "THÔNG BÁO" in text
    assert f"Số xã được phân công: {communes}." in text
    assert "12/CV-TEST" in text
    assert f"Về việc thông báo năm {draft.year}" in text
    assert draft.docx  # the .docx comes from the same HTML

    # Its page offers the sections the kind declares, and its căn cứ.
    form = DocumentForm(document=draft, legal_documents=LegalDocument.objects.all())
    assert "subject" in form.fields
    assert "citations" in form.fields
    assert "tasks" not in form.fields
    assert "responsibilities" not in form.fields

    issued = document_issue(document=draft, actor=None, issued_on=timezone.localdate())
    assert issued.number == 1
    assert issued.number_label == "01/TB-SKH"
    issued = document_render(document_id=issued.pk)
    assert "01/TB-SKH" in _text(issued.pdf.path)
    assert issued.verification_code
