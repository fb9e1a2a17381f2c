from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .access import api_tokens_visible_to, can_hold_api_tokens, get_api_token_or_404
from .api_tokens import EXPIRY_CHOICES_DAYS, TokenRejected, api_token_create, api_token_revoke
from .forms import PasswordResetRequestForm
from .health import PARTS, health_report, is_healthy
from .lockout import account_failures_clear
from .models import Notification, Role
from .notifications import unread_changed
from .security import client_address, is_over_rate


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
    """For load balancers and container health checks. 200 while the database answers (the web
    server's liveness); `?require=worker`, `?require=beat` (or both, comma-separated) also
    answer 503 when that heartbeat is older than three minutes. The body always shows both
    heartbeats with their age in seconds."""
    require = {part for part in request.GET.get("require", "").split(",") if part in PARTS}
    report = health_report()
    return JsonResponse(report, status=200 if is_healthy(report, require=require) else 503)


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


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's reset form; a reset proves the mailbox is the owner's, so it also clears the
    account's failed sign-ins (its locks and its slow-down)."""

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        account_failures_clear(user=form.user, reason="password reset")
        return response


def profile(request: HttpRequest) -> HttpResponse:
    """The user's own page: who they are, and their API tokens (made here, shown once)."""
    new_key, errors = "", {}
    allowed = can_hold_api_tokens(request.user)
    if request.method == "POST":
        if not allowed:
            return render(request, "403.html", status=403)
        try:
            days = int(request.POST.get("days", ""))
        except ValueError:
            days = 0
        try:
            _token, new_key = api_token_create(
                user=request.user,
                name=request.POST.get("name", ""),
                days=days,
                actor=request.user,
            )
        except TokenRejected as error:
            errors[error.field] = str(error)
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(
        request,
        "ntm_portal/profile.html",
        {
            "tokens": api_tokens_visible_to(request.user)[:50],
            "can_hold_tokens": allowed,
            "new_key": new_key,
            "errors": errors,
            "expiry_choices": EXPIRY_CHOICES_DAYS,
            "posted": request.POST if errors else {},
            "now": timezone.now(),
        },
    )


@require_POST
def api_token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_api_token_or_404(request.user, pk)
    api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("Đã thu hồi khóa “%(name)s”.") % {"name": token.name})
    return redirect("profile")


# --- Error pages: the JSON API answers its own shape of error, even for an unknown address. ------

API_PREFIX = "/api/"


def _api_error(request: HttpRequest, status: int, message: str) -> JsonResponse | None:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": message}, status=status)
    return None


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _api_error(
        request, 404, _("Không tìm thấy (hoặc nằm ngoài phạm vi của bạn).")
    ) or defaults.page_not_found(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _api_error(
        request, 403, _("Bạn không có quyền thực hiện thao tác này.")
    ) or defaults.permission_denied(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _api_error(request, 400, _("Yêu cầu không hợp lệ.")) or defaults.bad_request(
        request, exception
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _api_error(
        request, 500, _("Lỗi máy chủ; lỗi đã được ghi lại.")
    ) or defaults.server_error(request)
