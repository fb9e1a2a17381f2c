"""The province office's sponsorship pages: its assignment decisions and the assignments each
makes (create, end, transfer), and its agencies' steering teams and former names. Only the
office of the province itself and admins; anyone else gets 404. Writes go through sponsorships/decisions.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communes.models import Commune, Edition, Province
from ntm_portal.access import can_import_rosters

from .access import (
    get_agency_team_or_404,
    get_assignment_decision_or_404,
    get_assignment_to_manage_or_404,
    get_sponsorship_province_or_404,
)
from .decisions import (
    SponsorshipRefused,
    agency_member_add,
    agency_member_remove,
    assignment_add,
    assignment_decision_create,
    assignment_end,
    assignment_transfer_to,
    former_name_add,
    steering_member_add,
    steering_member_remove,
)
from .forms import (
    AgencyMemberForm,
    AssignmentForm,
    DecisionForm,
    EndForm,
    FormerNameForm,
    SteeringMemberForm,
    TransferForm,
)
from .models import Agency, Assignment, AssignmentDecision, SponsorshipLog

PAGE_SIZE = 50


def _refused(form, error: SponsorshipRefused) -> None:
    for name, message in error.errors.items():
        form.add_error(name if name in form.fields else None, message)


def _agency_choices(province: Province) -> list[tuple[int, str]]:
    agencies = Agency.objects.filter(province=province, merged_into__isnull=True).order_by("name")
    return list(agencies.values_list("pk", "name"))


def _commune_choices(province: Province) -> list[tuple[int, str]]:
    communes = (
        Commune.objects.xa().filter(province=province).order_by("-edition", "search_name", "code")
    )
    return [
        (pk, _("%(name)s (trước 01/07/2025)") % {"name": name})
        if edition == Edition.THREE_TIER_2024
        else (pk, name)
        for pk, name, edition in communes.values_list("pk", "name", "edition")
    ]


def _picked(model, choices, raw):
    """The chosen row, among the choices offered (a form already refused anything else)."""
    return (
        get_object_or_404(model, pk=int(raw))
        if any(str(pk) == raw for pk, label in choices)
        else None
    )


# --- Assignment decisions ----------------------------------------------------------------------


def decision_list(request: HttpRequest, pk: int) -> HttpResponse:
    """A province's assignment decisions, and the form that records a new one."""
    province = get_sponsorship_province_or_404(request.user, pk)
    form = DecisionForm(initial={"issuer": f"UBND {province.name}"})
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                decision = assignment_decision_create(
                    province=province,
                    number=data["number"],
                    day=data["date"],
                    issuer=data["issuer"],
                    subject=data["subject"],
                    actor=request.user,
                )
            except SponsorshipRefused as error:
                _refused(form, error)
            else:
                messages.success(
                    request, _("Đã ghi quyết định %(number)s.") % {"number": decision.number}
                )
                return redirect("sponsorships:decision_detail", pk=decision.pk)
        messages.error(request, _("Chưa ghi được: xem các lỗi dưới đây."))
    decisions = (
        AssignmentDecision.objects.filter(province=province)
        .annotate(
            total=Count("assignments"),
            running=Count(
                "assignments",
                filter=Q(assignments__end__isnull=True)
                | Q(assignments__end__gte=timezone.localdate()),
            ),
        )
        .order_by("-date", "-pk")
    )
    return render(
        request,
        "sponsorships/decision_list.html",
        {
            "province": province,
            "form": form,
            "page": Paginator(decisions, PAGE_SIZE).get_page(request.GET.get("page")),
        },
    )


def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One decision: the assignments it made, the form adding one, and its history."""
    decision = get_assignment_decision_or_404(request.user, pk)
    province = decision.province
    agencies, communes = _agency_choices(province), _commune_choices(province)
    form = AssignmentForm(
        agencies=agencies, communes=communes, initial={"start": decision.date.strftime("%d/%m/%Y")}
    )
    if request.method == "POST":
        form = AssignmentForm(request.POST, agencies=agencies, communes=communes)
        if form.is_valid():
            data = form.cleaned_data
            try:
                assignment = assignment_add(
                    decision=decision,
                    agency=_picked(Agency, agencies, data["agency"]),
                    commune=_picked(Commune, communes, data["commune"]),
                    kind=data["kind"],
                    start=data["start"],
                    end=data["end"],
                    target_level=data["target_level"],
                    target_year=data["target_year"],
                    notes=data["notes"],
                    actor=request.user,
                )
            except SponsorshipRefused as error:
                _refused(form, error)
            else:
                messages.success(request, _("Đã phân công: %(what)s.") % {"what": assignment})
                return redirect("sponsorships:decision_detail", pk=decision.pk)
        messages.error(request, _("Chưa phân công được: xem các lỗi dưới đây."))
    assignments = decision.assignments.select_related(
        "agency", "commune__district", "commune__province"
    ).order_by("commune__search_name", "agency__name")
    return render(
        request,
        "sponsorships/decision_detail.html",
        {
            "decision": decision,
            "form": form,
            "assignments": assignments,
            "today": timezone.localdate(),
            "log": decision.log.select_related("actor")[:50],
        },
    )


def _back(assignment: Assignment) -> HttpResponse:
    if assignment.decision_id:
        return redirect("sponsorships:decision_detail", pk=assignment.decision_id)
    return redirect("sponsorships:agency_detail", pk=assignment.agency_id)


def assignment_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """End an assignment, or transfer it to another agency by a decision."""
    assignment = get_assignment_to_manage_or_404(request.user, pk)
    province = (
        assignment.decision.province if assignment.decision_id else assignment.agency.province
    )
    agencies = [row for row in _agency_choices(province) if row[0] != assignment.agency_id]
    decisions = list(
        AssignmentDecision.objects.filter(province=province)
        .order_by("-date", "-pk")
        .values_list("pk", "number")
    )
    end_form = EndForm()
    transfer_form = TransferForm(agencies=agencies, decisions=decisions)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "end":
                end_form = EndForm(request.POST)
                if end_form.is_valid():
                    assignment_end(
                        assignment=assignment,
                        end=end_form.cleaned_data["end"],
                        reason=end_form.cleaned_data["reason"],
                        actor=request.user,
                    )
                    messages.success(request, _("Đã kết thúc phân công."))
                    return _back(assignment)
            else:
                transfer_form = TransferForm(request.POST, agencies=agencies, decisions=decisions)
                if transfer_form.is_valid():
                    data = transfer_form.cleaned_data
                    new = assignment_transfer_to(
                        assignment=assignment,
                        agency=_picked(Agency, agencies, data["agency"]),
                        on=data["on"],
                        decision=_picked(AssignmentDecision, decisions, data["decision"]),
                        actor=request.user,
                    )
                    messages.success(request, _("Đã chuyển phân công: %(what)s.") % {"what": new})
                    return redirect("sponsorships:decision_detail", pk=new.decision_id)
        except SponsorshipRefused as error:
            _refused(end_form if action == "end" else transfer_form, error)
        messages.error(request, _("Chưa ghi được: xem các lỗi dưới đây."))
    return render(
        request,
        "sponsorships/assignment_manage.html",
        {
            "assignment": assignment,
            "end_form": end_form,
            "transfer_form": transfer_form,
            "log": assignment.log.select_related("actor")[:50],
        },
    )


# --- Agencies: steering team and former names --------------------------------------------------


def agency_team(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_agency_team_or_404(request.user, pk)
    member_form, name_form = SteeringMemberForm(), FormerNameForm()
    account_form = AgencyMemberForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "account":
                account_form = AgencyMemberForm(request.POST)
                if account_form.is_valid():
                    member = agency_member_add(
                        agency=agency, actor=request.user, **account_form.cleaned_data
                    )
                    messages.success(
                        request,
                        _("Đã thêm tài khoản %(username)s; thư mời đặt mật khẩu gửi tới %(email)s.")
                        % {"username": member.username, "email": member.email},
                    )
                    return redirect("sponsorships:agency_team", pk=agency.pk)
            elif action == "name":
                name_form = FormerNameForm(request.POST)
                if name_form.is_valid():
                    former_name_add(agency=agency, actor=request.user, **name_form.cleaned_data)
                    messages.success(request, _("Đã ghi tên cũ."))
                    return redirect("sponsorships:agency_team", pk=agency.pk)
            else:
                member_form = SteeringMemberForm(request.POST)
                if member_form.is_valid():
                    steering_member_add(
                        agency=agency, actor=request.user, **member_form.cleaned_data
                    )
                    messages.success(request, _("Đã thêm thành viên ban chỉ đạo."))
                    return redirect("sponsorships:agency_team", pk=agency.pk)
        except SponsorshipRefused as error:
            # The form that was posted, bound above: the service's reason goes under its field.
            _refused({"name": name_form, "account": account_form}.get(action, member_form), error)
        messages.error(request, _("Chưa ghi được: xem các lỗi dưới đây."))
    return render(
        request,
        "sponsorships/agency_team.html",
        {
            "agency": agency,
            "member_form": member_form,
            "name_form": name_form,
            "account_form": account_form,
            "steering_team": agency.steering_team.all(),
            "former_names": agency.former_names.all(),
            "can_import": can_import_rosters(request.user),
            "members": agency.members.filter(is_active=True).order_by("last_name", "username"),
            "log": SponsorshipLog.objects.filter(
                agency=agency,
                action__in=[
                    SponsorshipLog.Action.MEMBER,
                    SponsorshipLog.Action.TEAM,
                    SponsorshipLog.Action.NAME,
                ],
            ).select_related("actor")[:50],
        },
    )


@require_POST
def agency_member_remove_view(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    agency = get_agency_team_or_404(request.user, pk)
    member = get_object_or_404(agency.members.filter(is_active=True), pk=member_pk)
    try:
        agency_member_remove(member=member, actor=request.user)
    except SponsorshipRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Đã khoá tài khoản %(username)s: không còn là thành viên của cơ quan.")
            % {"username": member.username},
        )
    return redirect("sponsorships:agency_team", pk=agency.pk)


@require_POST
def steering_member_remove_view(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    agency = get_agency_team_or_404(request.user, pk)
    member = get_object_or_404(agency.steering_team, pk=member_pk)
    steering_member_remove(member=member, actor=request.user)
    messages.success(request, _("Đã bỏ %(name)s khỏi ban chỉ đạo.") % {"name": member.full_name})
    return redirect("sponsorships:agency_team", pk=agency.pk)
