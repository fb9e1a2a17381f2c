from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ntm_portal import access


def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = access.get_agency_or_404(request.user, pk)
    assignments = (
        agency.assignments.active_on()
        .filter(commune__in=access.communes_visible_to(request.user))
        .select_related("commune__district", "commune__province")
        .order_by("kind", "commune__name")
    )
    return render(
        request,
        "sponsorships/agency_detail.html",
        {
            "agency": agency,
            "assignments": assignments,
            "members": agency.members.filter(is_active=True).order_by("last_name", "username"),
        },
    )
