from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Role
from .notifications import unread_count


def navigation(request: HttpRequest) -> dict:
    """The menu a user's role calls for: their own scope first."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    links = []
    match user.role:
        case Role.PROVINCE:
            links.append(
                (_("Tỉnh của tôi"), reverse("communes:province_detail", args=[user.province_id]))
            )
            # What the office has still to set up for its province (issue 25).
            links.append(
                (_("Bắt đầu với tỉnh"), reverse("reports:province_start", args=[user.province_id]))
            )
        case Role.DISTRICT:
            links.append(
                (_("Huyện của tôi"), reverse("communes:district_detail", args=[user.district_id]))
            )
        case Role.COMMUNE:
            links.append(
                (_("Xã của tôi"), reverse("criteria:commune_status", args=[user.commune_id]))
            )
        case Role.AGENCY:
            links.append(
                (_("Cơ quan của tôi"), reverse("sponsorships:agency_detail", args=[user.agency_id]))
            )
    if user.is_admin or user.role in (Role.PROVINCE, Role.DISTRICT):
        links.append((_("Địa bàn"), reverse("communes:province_list")))
    if user.role != Role.NONE or user.is_admin:
        links.append((_("Tìm xã"), reverse("communes:commune_list")))
    if user.is_admin or user.role in (Role.PROVINCE, Role.DISTRICT):
        links.append((_("Thẩm định"), reverse("criteria:review_queue")))
    if user.role != Role.NONE or user.is_admin:
        links.append((_("Lịch kiểm tra"), reverse("sponsorships:calendar")))
    if user.is_admin or user.role == Role.PROVINCE:
        links.append((_("Cơ quan"), reverse("sponsorships:agency_list")))
    links.append((_("Bộ tiêu chí"), reverse("criteria:criteria_set_list")))
    unread = unread_count(user)
    links.append(
        (
            _("Thông báo (%(count)s)") % {"count": unread} if unread else _("Thông báo"),
            reverse("notification_list"),
        )
    )
    if user.is_staff:
        links.append((_("Quản trị"), reverse("admin:index")))
    return {"nav_links": links}
