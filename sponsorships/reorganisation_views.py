"""Agencies and assignments across the reorganisation: the agencies of a province (mergers,
moves to the 2025 province) and the transfer of assignments from 2024 to 2025 communes."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.access import province_family
from ntm_portal.text import parse_day

from .access import (
    agencies_reorganised_by,
    can_reorganise_agencies,
    get_agency_to_reorganise_or_404,
    get_transfer_province_or_404,
    transfer_provinces_for,
)
from .models import Agency, AssignmentTransfer
from .services import (
    AlreadyTransferred,
    SponsorshipError,
    TransferRefused,
    agency_merge,
    agency_merge_preview,
    agency_rehome,
    agency_rehome_targets,
    assignments_transfer,
    current_provinces,
    transfer_default_issuer,
)
from .transfers import (
    NOT_CARRIED,
    TransferChoices,
    pending_transfers,
    transfer_plan,
    transfers_done,
)


def agency_list(request: HttpRequest) -> HttpResponse:
    """The agencies a province office looks after, with what became of them since 2025."""
    if not can_reorganise_agencies(request.user):
        raise Http404
    query = request.GET.get("q", "").strip()
    agencies = (
        agencies_reorganised_by(request.user)
        .select_related("province", "merged_into")
        .annotate(
            running=Count(
                "assignments",
                filter=Q(assignments__end__isnull=True)
                | Q(assignments__end__gte=timezone.localdate()),
            )
        )
        .order_by("province__edition", "province__search_name", "name")
    )
    if query:
        agencies = agencies.filter(Q(name__icontains=query) | Q(short_name__icontains=query))
    return render(
        request,
        "sponsorships/agency_list.html",
        {
            "page": Paginator(agencies, 100).get_page(request.GET.get("page")),
            "query": query,
            "transfer_provinces": transfer_provinces_for(request.user).order_by("search_name")[:5],
        },
    )


def agency_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge this agency into another: choose, see what moves (GET), confirm (POST)."""
    agency = get_agency_to_reorganise_or_404(request.user, pk)
    candidates = _merge_candidates(request, agency)
    data = request.POST if request.method == "POST" else request.GET
    errors: dict[str, str] = {}
    steps = None
    into, on = None, None
    if "into" in data or "on" in data:
        into = next((a for a in candidates if str(a.pk) == data.get("into", "")), None)
        if into is None:
            errors["into"] = _("Cơ quan tiếp nhận: hãy chọn một cơ quan trong danh sách.")
        on = parse_day(data.get("on", ""))
        if on is None:
            errors["on"] = _("Ngày sáp nhập: ghi theo dạng dd/mm/yyyy (ví dụ 01/03/2025).")
        if not errors:
            try:
                steps = agency_merge_preview(absorbed=agency, into=into, on=on)
            except SponsorshipError as error:
                errors["on"] = str(error)
    if request.method == "POST" and steps is not None:
        try:
            agency_merge(absorbed=agency, into=into, on=on, actor=request.user)
        except SponsorshipError as error:
            errors["on"] = str(error)
        else:
            messages.success(
                request,
                _("Đã sáp nhập %(agency)s vào %(into)s từ %(on)s.")
                % {"agency": agency.name, "into": into.name, "on": f"{on:%d/%m/%Y}"},
            )
            return redirect("sponsorships:agency_detail", pk=into.pk)
    return render(
        request,
        "sponsorships/agency_merge.html",
        {
            "agency": agency,
            "candidates": candidates,
            "into": into,
            "on_text": data.get("on", ""),
            "steps": steps,
            "errors": errors,
            "members": agency.members.order_by("last_name", "username"),
        },
    )


def _merge_candidates(request: HttpRequest, agency: Agency) -> list[Agency]:
    """Agencies of the same province, before or after 01/07/2025, that still work."""
    family = Q()
    for province_id in current_provinces(agency.province):
        family |= Q(province_id__in=province_family(province_id))
    return list(
        agencies_reorganised_by(request.user)
        .filter(family, merged_into__isnull=True)
        .exclude(pk=agency.pk)
        .select_related("province")
        .order_by("name")
    )


def agency_rehome_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an agency of a 2024 province to the 2025 province its province became part of."""
    agency = get_agency_to_reorganise_or_404(request.user, pk)
    targets = list(agency_rehome_targets(agency))
    error = ""
    if request.method == "POST":
        target = next((p for p in targets if str(p.pk) == request.POST.get("province", "")), None)
        if target is None:
            error = _("Tỉnh mới: hãy chọn một tỉnh trong danh sách.")
        else:
            try:
                agency_rehome(agency=agency, province=target, actor=request.user)
            except SponsorshipError as refused:
                error = str(refused)
            else:
                messages.success(
                    request,
                    _("%(agency)s từ nay thuộc %(province)s.")
                    % {"agency": agency.name, "province": target.name},
                )
                return redirect("sponsorships:agency_detail", pk=agency.pk)
    return render(
        request,
        "sponsorships/agency_rehome.html",
        {"agency": agency, "targets": targets, "error": error},
    )


def transfer_index(request: HttpRequest) -> HttpResponse:
    """The transfer page of the user's 2025 province (admins choose one)."""
    provinces = transfer_provinces_for(request.user)
    if not provinces.exists():
        raise Http404
    if not request.user.is_admin and provinces.count() == 1:
        return redirect("sponsorships:transfer", pk=provinces.get().pk)
    pending = (
        pending_transfers(OuterRef("pk"))
        .order_by()
        .values("commune__province__successions__successor")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return render(
        request,
        "sponsorships/transfer_index.html",
        {
            "provinces": provinces.annotate(pending=Coalesce(Subquery(pending), 0)).order_by(
                "search_name"
            )
        },
    )


def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose the transfer of every assignment on a 2024 commune of this 2025 province to its
    successor, and confirm it as one assignment decision."""
    province = get_transfer_province_or_404(request.user, pk)
    form = {"number": "", "date": "", "issuer": transfer_default_issuer(province)}
    errors: dict[str, str] = {}
    choices, plan = None, None
    if request.method == "POST":
        choices = TransferChoices.from_form(request.POST)
        form = {name: request.POST.get(name, "") for name in form}
        try:
            decision = assignments_transfer(
                province=province,
                number=form["number"],
                day=form["date"],
                issuer=form["issuer"],
                choices=choices,
                actor=request.user,
            )
        except AlreadyTransferred as done:
            messages.info(request, str(done))
            return redirect("sponsorships:transfer", pk=province.pk)
        except TransferRefused as refused:
            errors, plan = refused.errors, refused.plan
            messages.error(request, str(refused))
        except SponsorshipError as refused:
            messages.error(request, str(refused))
        else:
            outcomes = dict(decision.transfers.values_list("outcome").annotate(total=Count("pk")))
            messages.success(
                request,
                _(
                    "Đã ghi quyết định %(decision)s: %(carried)s phân công chuyển sang xã mới, "
                    "%(ended)s phân công kết thúc ngày 30/06/2025."
                )
                % {
                    "decision": decision,
                    "carried": outcomes.get(AssignmentTransfer.Outcome.CARRIED, 0),
                    "ended": outcomes.get(AssignmentTransfer.Outcome.ENDED, 0),
                },
            )
            return redirect("sponsorships:transfer", pk=province.pk)
    plan = plan or transfer_plan(province=province, choices=choices)
    return render(
        request,
        "sponsorships/transfer.html",
        {
            "province": province,
            "plan": plan,
            "errors": errors,
            "form": form,
            "not_carried": NOT_CARRIED,
            "done": transfers_done(province),
            "today": timezone.localdate(),
        },
    )
