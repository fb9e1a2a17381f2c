"""`{% upload_limit %}`: the largest file the portal accepts, in bytes (ntm_portal/uploads.py),
for a phone to refuse a bigger one before it waits to be sent (issue 27)."""

from django import template

from ntm_portal.uploads import MAX_BYTES

register = template.Library()


@register.simple_tag
def upload_limit() -> int:
    return MAX_BYTES
