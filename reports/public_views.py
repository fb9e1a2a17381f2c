"""The public page of a province (no sign-in), and its office's page that publishes it and
uploads the commune boundaries its map needs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .access import get_public_province_or_404, get_publishable_province_or_404
from .boundaries import BoundariesRejected, commune_boundaries_upload
from .models import CommuneBoundarySet, CommuneBoundaryUpload, PublicProvincePage
from .public import CACHE_SECONDS, public_page, public_page_publish


@login_not_required
@require_GET
def province_page(request: HttpRequest, pk: int) -> HttpResponse:
    province = get_public_province_or_404(pk)
    response = render(
        request, "public/province.html", {"province": province, "page": public_page(province)}
    )
    if not request.user.is_authenticated:
        # The same for every visitor: shared caches may keep it as long as the portal does.
        patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


def province_settings(request: HttpRequest, pk: int) -> HttpResponse:
    province = get_publishable_province_or_404(request.user, pk)
    page = PublicProvincePage.objects.filter(province=province).first()
    errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in ("publish", "unpublish"):
            public_page_publish(
                province=province, published=action == "publish", actor=request.user
            )
            messages.success(
                request,
                _("Trang công khai đã được bật.")
                if action == "publish"
                else _("Trang công khai đã được tắt."),
            )
            return redirect("public:province_settings", pk=province.pk)
        if action == "boundaries":
            try:
                commune_boundaries_upload(
                    province=province, upload=request.FILES.get("file"), actor=request.user
                )
            except BoundariesRejected as error:
                errors = error.messages
            else:
                messages.success(
                    request,
                    _(
                        "Đã nhận tệp ranh giới: máy chủ đang kiểm tra và đơn giản hóa, kết quả "
                        "hiện ở mục Ranh giới xã."
                    ),
                )
                return redirect("public:province_settings", pk=province.pk)
        else:
            errors = [_("Thao tác không hợp lệ.")]
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    boundaries = CommuneBoundarySet.objects.filter(province=province).first()
    latest_upload = CommuneBoundaryUpload.objects.filter(province=province).first()
    return render(
        request,
        "public/province_settings.html",
        {
            "province": province,
            "page": page,
            "boundaries": boundaries,
            "latest_upload": latest_upload,
            "errors": errors,
            "xa_count": province.communes.xa().count(),
        },
    )
