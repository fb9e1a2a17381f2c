"""Browsing the geography: province → district → commune → villages, always within the user's scope."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ntm_portal.exports import requested_format, table_response
from ntm_portal.text import fold

from .access import (
    can_change_commune,
    communes_visible_to,
    districts_visible_to,
    get_commune_or_404,
    get_district_or_404,
    get_lockable_district_account_or_404,
    get_province_or_404,
    provinces_visible_to,
)
from .facts import facts_of
from .models import Commune, CommuneLineage, CommuneQuerySet, District, Edition
from .services import district_account_lock as lock_account

PAGE_SIZE = 50
# Byte order puts "Đa Krông" after "Vĩnh Linh"; the folded name sorts the way readers expect
# on every database, the code breaks ties between same-named units.
VIETNAMESE_ORDER = ("search_name", "code")


def _page(request: HttpRequest, queryset: CommuneQuerySet) -> Page:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _edition(request: HttpRequest, default: int) -> int:
    """The edition asked for in ?edition=, or the default; anything unknown falls back quietly."""
    try:
        return Edition(int(request.GET.get("edition", default))).value
    except ValueError:
        return default


def _count_per_province(model: type[District] | type[Commune], **filters: str) -> Coalesce:
    """A correlated count: joining districts and communes at once would multiply the rows."""
    per_province = (
        model.objects.filter(province=OuterRef("pk"), **filters)
        .order_by()
        .values("province")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(per_province), 0)


def _communes_with_village_counts(queryset: CommuneQuerySet) -> CommuneQuerySet:
    return (
        queryset.with_places().annotate(village_count=Count("villages")).order_by(*VIETNAMESE_ORDER)
    )


def _communes_export(fmt: str, communes: CommuneQuerySet, filename: str) -> HttpResponse:
    """Every commune of the list (not only the page), with the columns the rosters read back."""
    rows = (
        (
            c.code,
            c.name,
            c.get_kind_display(),
            c.district.name if c.district else "",
            c.province.name,
            c.village_count,
        )
        for c in _communes_with_village_counts(communes).iterator(chunk_size=2000)
    )
    return table_response(
        fmt=fmt,
        filename=filename,
        headers=[_("Mã xã"), _("Xã"), _("Loại"), _("Huyện"), _("Tỉnh"), _("Số thôn")],
        rows=rows,
    )


def province_list(request: HttpRequest) -> HttpResponse:
    provinces = provinces_visible_to(request.user)
    scope_province = provinces.order_by("-edition").first()
    edition = _edition(request, scope_province.edition if scope_province else Edition.current())
    provinces = (
        provinces.of_edition(edition)
        .annotate(
            district_count=_count_per_province(District),
            rural_count=_count_per_province(Commune, kind=Commune.Kind.RURAL),
            commune_count=_count_per_province(Commune),
        )
        .order_by(*VIETNAMESE_ORDER)
    )
    query = request.GET.get("q", "").strip()
    if query:
        provinces = provinces.filter(search_name__contains=fold(query))
    if fmt := requested_format(request):
        return table_response(
            fmt=fmt,
            filename=f"tinh-{edition}",
            headers=[_("Mã"), _("Tỉnh"), _("Số huyện"), _("Số xã"), _("Số xã, phường, thị trấn")],
            rows=(
                (p.code, p.name, p.district_count, p.rural_count, p.commune_count)
                for p in provinces
            ),
        )
    return render(
        request,
        "communes/province_list.html",
        {"provinces": provinces, "edition": edition, "editions": Edition.choices, "query": query},
    )


def province_detail(request: HttpRequest, pk: int) -> HttpResponse:
    province = get_province_or_404(request.user, pk)
    districts = (
        districts_visible_to(request.user)
        .filter(province=province)
        .annotate(
            commune_count=Count("communes"),
            rural_count=Count("communes", filter=Q(communes__kind=Commune.Kind.RURAL)),
        )
        .order_by(*VIETNAMESE_ORDER)
    )
    query = request.GET.get("q", "").strip()
    communes = communes_visible_to(request.user).filter(province=province).search(query)
    if fmt := requested_format(request):
        return _communes_export(fmt, communes, f"xa-{province.short_name}")
    # Three-tier provinces are walked district by district unless the user searches.
    show_communes = bool(query) or province.edition != Edition.THREE_TIER_2024
    return render(
        request,
        "communes/province_detail.html",
        {
            "province": province,
            "districts": districts if province.edition == Edition.THREE_TIER_2024 else [],
            "page": _page(request, _communes_with_village_counts(communes))
            if show_communes
            else None,
            "query": query,
        },
    )


def district_detail(request: HttpRequest, pk: int) -> HttpResponse:
    district = get_district_or_404(request.user, pk)
    query = request.GET.get("q", "").strip()
    communes = communes_visible_to(request.user).filter(district=district).search(query)
    if fmt := requested_format(request):
        return _communes_export(fmt, communes, f"xa-{district.short_name}")
    return render(
        request,
        "communes/district_detail.html",
        {
            "district": district,
            "page": _page(request, _communes_with_village_counts(communes)),
            "query": query,
        },
    )


def commune_list(request: HttpRequest) -> HttpResponse:
    """Every commune the user may see, searchable by name (with or without diacritics) or code."""
    query = request.GET.get("q", "").strip()
    # An old name or code also finds the 2025 unit it went into ("tên cũ: …").
    communes = communes_visible_to(request.user).search_including_former(query)
    if fmt := requested_format(request):
        return _communes_export(fmt, communes, "xa-phuong")
    return render(
        request,
        "communes/commune_list.html",
        {
            "page": _page(request, _communes_with_village_counts(communes)),
            "query": query,
            "title": _("Xã, phường"),
        },
    )


def commune_detail(request: HttpRequest, pk: int) -> HttpResponse:
    commune = get_commune_or_404(request.user, pk)
    if fmt := requested_format(request):
        # The villages roster's own columns: the file can be corrected and imported back.
        return table_response(
            fmt=fmt,
            filename=f"thon-{commune.short_name}",
            headers=["Tỉnh", "Huyện", "Mã xã", "Xã", "Tên thôn", "Loại", "Mã thôn"],
            rows=(
                (
                    commune.province.name,
                    commune.district.name if commune.district else "",
                    commune.code,
                    commune.name,
                    village.name,
                    village.get_kind_display(),
                    village.code,
                )
                for village in commune.villages.order_by("search_name")
            ),
        )
    return render(
        request,
        "communes/commune_detail.html",
        {
            "commune": commune,
            "villages": commune.villages.order_by("search_name"),
            "can_change": can_change_commune(request.user, commune),
            **_lineage(request, commune),
        },
    )


def _lineage(request: HttpRequest, commune: Commune) -> dict[str, Sequence[CommuneLineage]]:
    """Where a 2025 unit came from (with what each predecessor stood at), or where a 2024 unit
    went: one query, plus a fixed few for the predecessors' facts.

    The other edition's units link to their page only when this user may open it (each is
    marked by an Exists on the access module's own queryset), so a link never leads to a 404.
    """
    visible = communes_visible_to(request.user)
    if commune.edition == Edition.TWO_TIER_2025:
        origins = (
            commune.origins.with_places()
            .annotate(
                visible=Exists(visible.filter(pk=OuterRef("predecessor_id"))),
                district_visible=Exists(
                    districts_visible_to(request.user).filter(
                        pk=OuterRef("predecessor_district_id")
                    )
                ),
            )
            .order_by("predecessor__search_name", "predecessor__code")
        )
        origins = list(origins)
        # Each predecessor's last known standing, from the floors above (communes.facts).
        known = facts_of(
            request.user,
            [link.predecessor for link in origins if link.predecessor and link.visible],
        )
        for link in origins:
            link.facts = known.get(link.predecessor_id, [])
        return {"origins": origins}
    successions = (
        commune.successions.select_related("successor__province")
        .annotate(visible=Exists(visible.filter(pk=OuterRef("successor_id"))))
        .order_by("successor__search_name", "successor__code")
    )
    return {"successions": successions}


@require_POST
def district_account_lock(request: HttpRequest, pk: int) -> HttpResponse:
    """The office that keeps an ended district's books locks its account (the start page lists
    them); back to the page it came from."""
    account = get_lockable_district_account_or_404(request.user, pk)
    lock_account(account=account, actor=request.user)
    messages.success(
        request,
        _("Đã khoá tài khoản %(username)s (%(district)s).")
        % {"username": account.username, "district": account.district.name},
    )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = "home"
    return redirect(back)
