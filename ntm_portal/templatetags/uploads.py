"""`{% upload_limit %}`: the largest file the portal accepts, in bytes (ntm_portal/uploads.py),
for a phone to refuse a bigger one before it waits to be sent (issue 27)."""

from django import template
from django.utils.translation import gettext

from ntm_portal.uploads import MAX_BYTES

register = template.Library()


@register.simple_tag
def upload_limit() -> int:
    return MAX_BYTES


@register.simple_tag
def upload_too_big() -> str:
    """The server's own refusal of a file over the limit, for the phone to say the same."""
    return gettext("Tệp “%(name)s” nặng %(size)s MB, vượt giới hạn 10 MB.")
