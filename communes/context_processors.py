from django.http import HttpRequest

from .access import ended_district_notice


def account_notice(request: HttpRequest) -> dict:
    """Why the signed-in account only reads (its district ended), shown on every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"account_notice": ended_district_notice(user)}
