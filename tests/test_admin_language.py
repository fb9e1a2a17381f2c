"""The Django admin in Vietnamese (issue 28 §7): every model and field it shows has a Vietnamese
name, and the strings of Django and django-axes that their Vietnamese catalogues lack come from
ours (locale/vi). Walked as a superuser: the index, every changelist, one change form each."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib import admin
from django.urls import reverse

from ntm_portal.models import User

from .factories import UserFactory

ENGLISH = [
    "Password-based authentication",
    "Access attempts",
    "Access attempt",
    "Access logs",
    "Access failures",
    "Evaluation logs",
    "Evaluation log",
    "Sponsorship logs",
    "Axes",
    "Ntm_Portal",
    "Search name",
    "Created at",
    "Created by",
    "Calendar token",
    "Recorded by",
    "Submitted by",
    "Reviewed by",
    "Old value",
    "New value",
    "Attempt Time",
    "IP Address",
    "User Agent",
    "Skip to main content",
    "Toggle theme",
    "Toggle navigation",
    "Filter navigation items",
    "Enabled",
    "Disabled",
    "Raw passwords are not stored",
]


def visible_text(page: str) -> str:
    """What a reader sees: the text between tags, and the attributes read aloud or shown."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    said = " ".join(re.findall(r'(?:title|aria-label|placeholder|value)="([^"]*)"', page))
    return html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + said)


@pytest.fixture
def superuser_client(client, world, personas):
    client.force_login(
        UserFactory(username="quantri_vi", role="admin", is_staff=True, is_superuser=True)
    )
    return client


def _pages(client) -> list[tuple[str, str]]:
    pages = [("admin:index", client.get(reverse("admin:index")))]
    for model in admin.site._registry:
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        pages.append((changelist, client.get(changelist)))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
            pages.append((change, client.get(change)))
    user = User.objects.filter(role="district").first()
    # The user's forms: where Django's "Password-based authentication" shows.
    for url in (
        reverse("admin:ntm_portal_user_change", args=[user.pk]),
        reverse("admin:ntm_portal_user_add"),
        reverse("admin:auth_user_password_change", args=[user.pk]),
    ):
        pages.append((url, client.get(url)))
    return pages


def test_the_admin_shows_no_english(superuser_client):
    pages = _pages(superuser_client)
    assert len(pages) > 30
    found = {}
    for url, response in pages:
        assert response.status_code == 200, url
        text = visible_text(response.content.decode())
        english = [phrase for phrase in ENGLISH if phrase in text]
        if english:
            found[url] = english
    assert found == {}


def test_every_app_the_admin_lists_is_named_in_vietnamese(superuser_client):
    index = visible_text(superuser_client.get(reverse("admin:index")).content.decode())
    for name in ["Cổng NTM", "Địa bàn", "Đăng nhập sai và khoá tài khoản", "Xác thực và ủy quyền"]:
        assert name in index


def test_every_field_the_admin_shows_has_a_vietnamese_name():
    """A field without verbose_name is named after itself ("created at"): none is left."""
    models = set(admin.site._registry)
    for model_admin in admin.site._registry.values():
        models |= {inline.model for inline in model_admin.inlines}
    unnamed = [
        f"{model._meta.label}.{field.name}"
        for model in models
        for field in model._meta.get_fields()
        if hasattr(field, "verbose_name")
        and not field.auto_created
        and field.verbose_name == field.name.replace("_", " ")
    ]
    assert unnamed == []
    for model in models:
        words = re.findall("[A-Z][a-z0-9]*", model._meta.object_name)
        assert str(model._meta.verbose_name) != " ".join(words).lower(), model._meta.label
