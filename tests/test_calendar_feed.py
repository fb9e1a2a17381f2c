"""The agency's iCalendar feed: its secret address can be changed ("đổi địa chỉ lịch") by the
agency's members and its province's office, and the old address stops working at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sponsorships.models import Agency


def _feed(client, token: str) -> int:
    return client.get(reverse("sponsorships:calendar_ics", args=[token])).status_code


@pytest.mark.parametrize("role", ["agency", "province", "admin"])
def test_members_and_province_staff_change_the_feed_address(client, world, personas, role):
    old = world.agency_a.calendar_token
    client.force_login(personas[role])
    page = client.get(reverse("sponsorships:agency_detail", args=[world.agency_a.pk]))
    assert old in page.content.decode()
    assert "Đổi địa chỉ lịch" in page.content.decode()
    response = client.post(
        reverse("sponsorships:calendar_feed_rotate", args=[world.agency_a.pk]), follow=True
    )
    new = Agency.objects.get(pk=world.agency_a.pk).calendar_token
    assert new != old
    assert len(new) >= 40
    assert "địa chỉ cũ không còn dùng được" in response.content.decode()
    assert new in response.content.decode()
    client.logout()
    assert _feed(client, old) == 404
    assert _feed(client, new) == 200


@pytest.mark.parametrize("role", ["district", "commune", "norole"])
def test_others_cannot_change_it(client, world, personas, role):
    old = world.agency_a.calendar_token
    client.force_login(personas[role])
    response = client.post(reverse("sponsorships:calendar_feed_rotate", args=[world.agency_a.pk]))
    assert response.status_code == 404
    assert Agency.objects.get(pk=world.agency_a.pk).calendar_token == old


def test_another_agencys_member_cannot_change_it(client, world, personas):
    old = world.agency_b.calendar_token
    client.force_login(personas["agency"])
    response = client.post(reverse("sponsorships:calendar_feed_rotate", args=[world.agency_b.pk]))
    assert response.status_code == 404
    assert Agency.objects.get(pk=world.agency_b.pk).calendar_token == old


def test_the_feed_is_not_kept_by_caches(client, world):
    response = client.get(
        reverse("sponsorships:calendar_ics", args=[world.agency_a.calendar_token])
    )
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
