from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .forms import PasswordResetRequestForm
from .models import Notification, Role
from .notifications import unread_changed
from .security import client_address, is_over_rate
from .tasks import HEARTBEAT_CACHE_KEY


def home(request: HttpRequest) -> HttpResponse:
    """Send each user to the page of their own scope."""
    user = request.user
    if user.is_admin:
        return redirect("communes:province_list")
    match user.role:
        # Province and district staff start from the figures of their area (issue 14.7); their
        # geography is one link away ("Tỉnh của tôi", "Huyện của tôi").
        case Role.PROVINCE | Role.DISTRICT:
            return redirect("dashboards:overview")
        case Role.COMMUNE:
            return redirect("criteria:commune_status", pk=user.commune_id)
        case Role.AGENCY:
            return redirect("sponsorships:agency_detail", pk=user.agency_id)
    return render(request, "ntm_portal/no_role.html", status=403)


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says (the name is looked up at request
    time: the static manifest may not exist when the URL conf is imported)."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


@login_not_required
@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and container health checks: is the database answering?"""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"database": "error"}, status=503)
    return JsonResponse({"database": "ok", "worker_heartbeat": cache.get(HEARTBEAT_CACHE_KEY)})


def notification_list(request: HttpRequest) -> HttpResponse:
    """The user's own notifications; opening the page marks them read."""
    notifications = list(request.user.notifications.all()[:100])
    unread = [n.pk for n in notifications if n.read_at is None]
    if unread:
        Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
        unread_changed([request.user.pk])
    return render(
        request,
        "ntm_portal/notification_list.html",
        {"notifications": notifications, "unread": set(unread)},
    )


@method_decorator(login_not_required, name="dispatch")
class PasswordResetRequestView(auth_views.PasswordResetView):
    """Django's reset request, rate-limited per client address; the email goes from the worker."""

    form_class = PasswordResetRequestForm

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if is_over_rate(
            f"password-reset:address:{client_address(request)}",
            limit=settings.PASSWORD_RESET_REQUESTS_PER_ADDRESS,
            seconds=15 * 60,
        ):
            form = self.get_form()
            form.is_valid()
            form.add_error(
                None, _("Bạn đã yêu cầu đặt lại mật khẩu quá nhiều lần; hãy thử lại sau 15 phút.")
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)
