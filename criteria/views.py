"""Criteria pages: a commune's status, evaluations and their workflow, the review queue."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communes.access import (
    can_change_commune,
    district_filter_applies,
    districts_visible_to,
    get_commune_or_404,
)
from communes.models import Commune, Edition, Province
from ntm_portal.exports import requested_format, table_response
from ntm_portal.limits import parse_id, parse_year
from ntm_portal.security import log_refusal
from ntm_portal.uploads import ACCEPT_ATTRIBUTE, UploadRejected, download_response

from . import evidence as evidence_rules
from .access import (
    can_edit_evaluation,
    can_review_anything,
    can_review_commune,
    get_evaluation_or_404,
    get_evidence_or_404,
    get_group_province_or_404,
    review_queue_for,
)
from .forms import GroupDecisionForm
from .groups import (
    group_descriptions,
    setting_in_force,
    settings_of,
    with_group_on,
)
from .inheritance import inheritance_of
from .models import (
    CommuneGroupDecision,
    CriteriaSet,
    Evaluation,
)
from .recognition import opening_proposals
from .rules import Subject, data_sentence, tally_sentence, unmet_sentence
from .selectors import (
    changes_since,
    evaluation_grid,
    indicator_count,
    missing_indicators,
    new_period_for,
    recognition_risk,
    undecided_criteria,
    unmet_short_names,
    village_tally,
    waits_for_group,
)
from .services import (
    EvaluationConflict,
    EvaluationError,
    FieldErrors,
    GroupDecisionRejected,
    commune_groups_check,
    commune_groups_decide,
    default_group_issuer,
    evaluation_approve,
    evaluation_create,
    evaluation_earlier_of_another_set,
    evaluation_previous,
    evaluation_reopen,
    evaluation_return,
    evaluation_save_values,
    evaluation_submit,
    subject_of,
)

HISTORY_PAGE_SIZE = 50
COMMUNE_LEVELS = [
    CriteriaSet.Level.XA_NTM,
    CriteriaSet.Level.XA_NANG_CAO,
    CriteriaSet.Level.XA_KIEU_MAU,
]


def commune_status(request: HttpRequest, pk: int) -> HttpResponse:
    commune = get_commune_or_404(request.user, pk, village_count=True)
    # One query for the commune's and its villages' evaluations, one for its group decisions.
    every = list(commune.evaluations.select_related("criteria_set", "village").latest_first())
    evaluations = [e for e in every if e.village_id is None]
    village_evaluations = [e for e in every if e.village_id is not None]
    settings = settings_of(commune.pk) if commune.edition == Edition.TWO_TIER_2025 else []
    approved = next((e for e in evaluations if e.status == Evaluation.Status.APPROVED), None)
    # The evaluation the commune is working on (draft, in review, returned) comes first: a
    # returned one must not hide behind the last approved result (issue 14).
    open_evaluation = next((e for e in evaluations if e.status != Evaluation.Status.APPROVED), None)
    if approved and open_evaluation and open_evaluation.period_end < approved.period_end:
        open_evaluation = None
    shown = approved or open_evaluation
    subject = subject_of(shown, settings=settings) if shown else None
    grid = evaluation_grid(shown, subject) if shown else []
    can_change = can_change_commune(request.user, commune)
    recognitions = list(commune.recognitions.all())
    today = timezone.localdate()
    # Why a xã without a case cannot open one is the province's case list's (criteria
    # .recognition.opening_obstacles): on this page it would cost five queries more.
    proposals = opening_proposals(commune, request.user, today, recognitions=recognitions)
    return render(
        request,
        "criteria/commune_status.html",
        {
            "commune": commune,
            "evaluation": shown,
            "open_evaluation": open_evaluation,
            "open_tally": tally_sentence(
                open_evaluation.met_count,
                open_evaluation.criteria_count,
                open_evaluation.undecided_count,
            )
            if open_evaluation
            else "",
            "evaluations": evaluations,
            "village_evaluations": village_evaluations[:100],
            "village_list": commune.villages.order_by("search_name") if can_change else [],
            "grid": grid,
            **(_tally_context(shown, grid, subject) if shown else {}),
            "group_now": setting_in_force(settings, timezone.localdate()),
            "villages": village_tally(commune, village_evaluations, total=commune.village_total),
            "recognitions": recognitions,
            "inheritance": inheritance_of([commune]).get(commune.pk),
            "risk": recognition_risk(grid, recognitions) if approved else None,
            "can_change": can_change,
            "sets": _sets_for(commune) if can_change else [],
            "new_period": new_period_for(commune, timezone.localdate()) if can_change else None,
            "cases": commune.recognition_cases.select_related("step").order_by("-year", "-pk")[:20],
            "case_proposals": proposals,
        },
    )


def _tally_context(evaluation: Evaluation, grid, subject: Subject) -> dict:
    """ "Đạt 7/10 tiêu chí (3 tiêu chí chưa xác định)", or while values are missing "Chưa đủ số
    liệu: 12/47 chỉ tiêu có giá trị"; what is still unmet, the commune group its thresholds
    use, or that the xã lacks one (no query: all from the grid)."""
    missing = missing_indicators(grid)
    total = indicator_count(grid)
    criteria_tally = tally_sentence(
        evaluation.met_count, evaluation.criteria_count, evaluation.undecided_count
    )
    return {
        "group": subject.group
        if any(
            threshold.commune_group
            for row in grid
            for item in row.indicators
            for threshold in item.thresholds
        )
        else None,
        "tally": data_sentence(total - len(missing), total) if missing else criteria_tally,
        # With values missing, the criteria tally is a detail, and only when something is decided.
        "tally_detail": criteria_tally
        if missing and evaluation.undecided_count < evaluation.criteria_count
        else "",
        "unmet": unmet_sentence(unmet_short_names(grid), evaluation.undecided_count),
        "missing_group": waits_for_group(grid),
        "missing": missing,
        "undecided": undecided_criteria(grid),
    }


def _sets_for(commune: Commune):
    """National commune sets, and the village sets of the commune's own province."""
    return CriteriaSet.objects.filter(
        Q(level__in=COMMUNE_LEVELS)
        | Q(level=CriteriaSet.Level.THON, province_name=commune.province.short_name)
    ).newest_first()


@require_POST
def evaluation_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    commune = get_commune_or_404(request.user, pk)
    if not can_change_commune(request.user, commune):
        return render(request, "403.html", status=403)
    try:
        criteria_set = _sets_for(commune).get(pk=parse_id(request.POST.get("criteria_set")) or 0)
        year = parse_year(request.POST.get("year")) or 0
        half = int(request.POST.get("half", "0"))
        if half not in Evaluation.Half.values or not 2010 <= year <= timezone.localdate().year + 1:
            raise ValueError
    except (ValueError, CriteriaSet.DoesNotExist):
        messages.error(request, _("Chọn bộ tiêu chí, năm (2010 đến năm sau) và kỳ đánh giá."))
        return redirect("criteria:commune_status", pk=commune.pk)
    village = None
    if criteria_set.level == CriteriaSet.Level.THON:
        village = commune.villages.filter(pk=parse_id(request.POST.get("village")) or 0).first()
        if village is None:
            messages.error(request, _("Bộ tiêu chí thôn: hãy chọn thôn được đánh giá."))
            return redirect("criteria:commune_status", pk=commune.pk)
    try:
        evaluation = evaluation_create(
            commune=commune,
            criteria_set=criteria_set,
            year=year,
            half=half,
            actor=request.user,
            village=village,
        )
    except EvaluationError as error:
        messages.error(request, str(error))
        return redirect("criteria:commune_status", pk=commune.pk)
    return redirect("criteria:evaluation_edit", pk=evaluation.pk)


def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_evaluation_or_404(request.user, pk)
    subject = subject_of(evaluation)
    grid = evaluation_grid(evaluation, subject)
    previous = evaluation_previous(evaluation)
    can_review = can_review_commune(request.user, evaluation.commune)
    return render(
        request,
        "criteria/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "commune": evaluation.commune,
            "grid": grid,
            **_tally_context(evaluation, grid, subject),
            "previous": previous,
            "earlier_other_set": None
            if previous
            else evaluation_earlier_of_another_set(evaluation),
            "changes": changes_since(grid, previous),
            "log": Paginator(
                evaluation.log.history().select_related("actor", "indicator"), HISTORY_PAGE_SIZE
            ).get_page(request.GET.get("lich_su")),
            "evidence": evaluation.evidence.select_related("indicator", "uploaded_by"),
            "can_edit": can_edit_evaluation(request.user, evaluation),
            "can_review": can_review and evaluation.status == Evaluation.Status.SUBMITTED,
            "can_reopen": can_review and evaluation.is_locked,
            "is_own_submission": evaluation.submitted_by_id == request.user.pk,
            "evidence_types": ACCEPT_ATTRIBUTE,
        },
    )


def evaluation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _get_for_change(request, pk, "edit")
    if not can_edit_evaluation(request.user, evaluation):
        return _refuse(request, evaluation, "edit")
    errors: dict[int, str] = {}
    posted: dict[int, str] = {}
    if request.method == "POST":
        posted = _posted_values(request, "value_")
        try:
            changed = evaluation_save_values(
                evaluation=evaluation,
                raw_values=posted,
                notes=_posted_values(request, "note_"),
                version=_version(request),
                actor=request.user,
            )
        except FieldErrors as error:
            errors = error.errors
            messages.error(request, str(error))
        except EvaluationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Đã lưu %(count)s thay đổi.") % {"count": changed})
            return redirect("criteria:evaluation_detail", pk=evaluation.pk)
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    grid = evaluation_grid(evaluation, subject_of(evaluation))
    for row in grid:
        for indicator_row in row.indicators:
            # Show back what was typed when the save was refused, so nothing is lost.
            indicator_row.typed = posted.get(indicator_row.indicator.pk, indicator_row.raw)
            indicator_row.error = errors.get(indicator_row.indicator.pk, "")
    return render(
        request,
        "criteria/evaluation_form.html",
        {"evaluation": evaluation, "commune": evaluation.commune, "grid": grid},
    )


@require_POST
def evaluation_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    evaluation = _get_for_change(request, pk, action)
    version = _version(request)
    reason = request.POST.get("reason", "")
    if action == "submit":
        allowed = can_edit_evaluation(request.user, evaluation)
    else:
        allowed = can_review_commune(request.user, evaluation.commune)
    if not allowed:
        return _refuse(request, evaluation, action)
    transitions = {
        "submit": lambda: evaluation_submit(
            evaluation=evaluation, version=version, actor=request.user
        ),
        "approve": lambda: evaluation_approve(
            evaluation=evaluation, version=version, actor=request.user
        ),
        "return": lambda: evaluation_return(
            evaluation=evaluation, version=version, reason=reason, actor=request.user
        ),
        "reopen": lambda: evaluation_reopen(
            evaluation=evaluation, version=version, reason=reason, actor=request.user
        ),
    }
    done = {
        "submit": _("Đã gửi thẩm định."),
        "approve": _("Đã duyệt đánh giá."),
        "return": _("Đã trả lại đánh giá cho xã."),
        "reopen": _("Đã mở lại đánh giá."),
    }
    try:
        transitions[action]()
    except EvaluationConflict as error:
        messages.error(request, str(error))
    except EvaluationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done[action])
    return redirect("criteria:evaluation_detail", pk=evaluation.pk)


@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _get_for_change(request, pk, "evidence")
    if not can_edit_evaluation(request.user, evaluation):
        return _refuse(request, evaluation, "evidence")
    try:
        evidence_rules.evidence_add(
            evaluation=evaluation,
            upload=request.FILES.get("file"),
            indicator_id=request.POST.get("indicator") or None,
            note=request.POST.get("note", ""),
            actor=request.user,
        )
    except UploadRejected as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã tải lên minh chứng."))
    return redirect("criteria:evaluation_detail", pk=evaluation.pk)


def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = get_evidence_or_404(request.user, pk)
    return download_response(
        evidence.file, name=evidence.original_name, content_type=evidence.content_type
    )


def review_queue(request: HttpRequest) -> HttpResponse:
    """Evaluations to review, oldest submission first, filtered by state, district, set, year."""
    if not can_review_anything(request.user):
        return render(request, "403.html", status=403)
    evaluations = review_queue_for(request.user)
    # Only the sets used in the user's scope, by name: not every province's village set.
    sets = list(
        CriteriaSet.objects.filter(
            pk__in=evaluations.order_by().values("criteria_set_id")
        ).order_by("-valid_from", "name")
    )
    status = request.GET.get("status", Evaluation.Status.SUBMITTED)
    if status in Evaluation.Status.values:
        evaluations = evaluations.filter(status=status)
    filters = {
        "district": ("commune__district_id", parse_id),
        "set": ("criteria_set_id", parse_id),
        "year": ("year", parse_year),
    }
    chosen = {}
    for name, (lookup, parse) in filters.items():
        value = parse(request.GET.get(name))
        if value is not None:
            evaluations = evaluations.filter(**{lookup: value})
            chosen[name] = value
    query = request.GET.get("q", "").strip()
    if query:
        evaluations = evaluations.filter(
            Q(commune__in=Commune.objects.search(query)) | Q(village__name__icontains=query)
        )
    evaluations = evaluations.select_related(
        "commune__district", "commune__province", "village", "criteria_set", "submitted_by"
    ).order_by("submitted_at", "pk")
    if fmt := requested_format(request):
        return table_response(
            fmt=fmt,
            filename="tham-dinh",
            headers=[
                _("Mã xã"),
                _("Xã"),
                _("Thôn"),
                _("Huyện"),
                _("Tỉnh"),
                _("Bộ tiêu chí"),
                _("Kỳ"),
                _("Số tiêu chí đạt"),
                _("Số tiêu chí"),
                _("Gửi lúc"),
                _("Trạng thái"),
            ],
            rows=(
                (
                    e.commune.code,
                    e.commune.name,
                    e.village.name if e.village else "",
                    e.commune.district.name if e.commune.district else "",
                    e.commune.province.name,
                    e.criteria_set.name,
                    e.period_label(),
                    e.met_count,
                    e.criteria_count,
                    timezone.localtime(e.submitted_at).replace(tzinfo=None)
                    if e.submitted_at
                    else "",
                    e.get_status_display(),
                )
                for e in evaluations.iterator(chunk_size=2000)
            ),
        )
    page = Paginator(evaluations, 50).get_page(request.GET.get("page"))
    # The first day of what is shown: the year asked, or the chosen set's start.
    chosen_set = next((s for s in sets if s.pk == chosen.get("set")), None)
    shown_from = [
        day
        for day in (
            date(chosen["year"], 1, 1) if "year" in chosen else None,
            chosen_set.valid_from if chosen_set else None,
        )
        if day
    ]
    with_districts = "district" in chosen or district_filter_applies(
        request.user, shown_from=max(shown_from) if shown_from else None
    )
    return render(
        request,
        "criteria/review_queue.html",
        {
            "page": page,
            "status": status,
            "statuses": Evaluation.Status.choices,
            "districts": districts_visible_to(request.user).order_by("search_name")
            if with_districts
            else [],
            "sets": sets,
            "chosen": chosen,
            "query": query,
        },
    )


def criteria_set_list(request: HttpRequest) -> HttpResponse:
    if fmt := requested_format(request):
        return table_response(
            fmt=fmt,
            filename="bo-tieu-chi",
            headers=[_("Mã"), _("Tên"), _("Cấp"), _("Căn cứ"), _("Hiệu lực từ"), _("Hiệu lực đến")],
            rows=(
                (s.code, s.name, s.get_level_display(), s.legal_basis, s.valid_from, s.valid_to)
                for s in CriteriaSet.objects.all()
            ),
        )
    return render(
        request,
        "criteria/criteria_set_list.html",
        {"sets": CriteriaSet.objects.all()},
    )


def criteria_set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = get_object_or_404(CriteriaSet, pk=pk)
    criteria = criteria_set.criteria.prefetch_related("indicators__thresholds")
    if fmt := requested_format(request):
        # The criteria roster's own columns: the file can be corrected and imported back.
        return table_response(
            fmt=fmt,
            filename=criteria_set.code,
            headers=[
                "Mã bộ tiêu chí",
                "Số tiêu chí",
                "Tên tiêu chí",
                "Tên ngắn",
                "Nhóm",
                "Số chỉ tiêu",
                "Tên chỉ tiêu",
                "Kiểu giá trị",
                "Đơn vị",
                "Chiều",
                "Ngưỡng",
            ],
            rows=(
                (
                    criteria_set.code,
                    criterion.number,
                    criterion.name,
                    criterion.short_name,
                    criterion.group,
                    indicator.number,
                    indicator.name,
                    indicator.get_kind_display(),
                    indicator.unit,
                    indicator.get_direction_display(),
                    next(
                        (
                            t.value
                            for t in indicator.thresholds.all()
                            if not (t.region or t.commune_group or t.year_from or t.year_to)
                        ),
                        "",
                    ),
                )
                for criterion in criteria
                for indicator in criterion.indicators.all()
            ),
        )
    by_group = any(
        threshold.commune_group
        for criterion in criteria
        for indicator in criterion.indicators.all()
        for threshold in indicator.thresholds.all()
    )
    return render(
        request,
        "criteria/criteria_set_detail.html",
        {
            "criteria_set": criteria_set,
            "criteria": criteria,
            "groups": group_descriptions() if by_group else [],
        },
    )


def _posted_values(request: HttpRequest, prefix: str) -> dict[int, str]:
    values = {}
    for key, value in request.POST.items():
        if key.startswith(prefix) and key[len(prefix) :].isdigit():
            values[int(key[len(prefix) :])] = value
    return values


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


def _get_for_change(request: HttpRequest, pk: int, action: str) -> Evaluation:
    """The evaluation, or 404; an attempt on one outside the user's scope goes to the security
    log. Never to the evaluation's history: a refusal is not a change, and anyone could fill
    the history with them."""
    try:
        return get_evaluation_or_404(request.user, pk)
    except Http404:
        log_refusal(request, what="evaluation", pk=pk, action=action)
        raise


def _refuse(request: HttpRequest, evaluation: Evaluation, action: str) -> HttpResponse:
    """A user who can see an evaluation but not change it tried to."""
    log_refusal(request, what="evaluation", pk=evaluation.pk, action=action)
    return render(request, "403.html", status=403)


# --- Commune groups (QĐ 51/2025/QĐ-TTg) ---------------------------------------------------------

GROUP_EXPORT_HEADERS = [
    "Tỉnh",
    "Mã xã",
    "Xã",
    "Nhóm",
    "Số quyết định",
    "Ngày quyết định",
    "Áp dụng từ ngày",
    "Cơ quan ban hành",
]


def commune_groups(request: HttpRequest, pk: int) -> HttpResponse:
    """A province's xã with the group in force today and the decision that set it; and the form
    recording a new decision that sets the group of many xã at once."""
    province = get_group_province_or_404(request.user, pk)
    query = request.GET.get("q", "").strip()
    communes = (
        with_group_on(
            Commune.objects.xa().filter(province=province, edition=Edition.TWO_TIER_2025),
            timezone.localdate(),
        )
        .search(query)
        .order_by("search_name", "code")
    )
    if fmt := requested_format(request):
        return _commune_groups_export(fmt, province, communes)
    form, chosen = GroupDecisionForm(), {}
    if request.method == "POST":
        form = GroupDecisionForm(request.POST)
        chosen, unreadable = _posted_groups(request)
        if unreadable:
            form.add_error(None, unreadable)
        if form.is_valid() and not unreadable:
            try:
                decision = commune_groups_decide(
                    province=province,
                    number=form.cleaned_data["number"],
                    day=form.cleaned_data["date"],
                    applies_from=form.cleaned_data["applies_from"],
                    issuer=form.cleaned_data["issuer"],
                    groups=chosen,
                    actor=request.user,
                )
            except GroupDecisionRejected as error:
                _form_errors(form, error.errors)
            else:
                messages.success(
                    request,
                    _("Đã ghi nhận %(decision)s: %(count)s xã.")
                    % {"decision": decision, "count": len(chosen)},
                )
                return redirect("criteria:commune_groups", pk=province.pk)
        else:
            # Say everything that is wrong at once, not one field per attempt.
            _form_errors(
                form,
                commune_groups_check(
                    province=province,
                    number=form.cleaned_data.get("number", ""),
                    day=form.cleaned_data.get("date"),
                    applies_from=form.cleaned_data.get("applies_from"),
                    issuer=form.cleaned_data.get("issuer", ""),
                    groups=chosen,
                ),
            )
        messages.error(request, _("Chưa ghi nhận quyết định: xem các lỗi dưới đây."))
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    form.fields["issuer"].widget.attrs["placeholder"] = default_group_issuer(province)
    rows = list(communes)
    for row in rows:
        row.picked = chosen.get(row.pk)
    decisions = (
        CommuneGroupDecision.objects.filter(province=province)
        .annotate(xa_count=Count("settings"))
        .order_by("-applies_from", "-date", "-pk")[:50]
    )
    return render(
        request,
        "criteria/commune_groups.html",
        {
            "province": province,
            "communes": rows,
            "decisions": decisions,
            "form": form,
            "groups": group_descriptions(),
            "query": query,
            "today": timezone.localdate(),
        },
    )


def _posted_groups(request: HttpRequest) -> tuple[dict[int, int | None], str]:
    """`group_<xã id>` → 1, 2, 3 (blank: not in this decision; anything else: None, refused),
    and a message for fields that name no xã at all."""
    chosen: dict[int, int | None] = {}
    unreadable = []
    for key, value in request.POST.items():
        if not key.startswith("group_"):
            continue
        commune_id, value = key.removeprefix("group_"), value.strip()
        if not commune_id.isdigit() or len(commune_id) > 12:
            unreadable.append(commune_id[:20])
            continue
        if value:
            chosen[int(commune_id)] = int(value) if value in ("1", "2", "3") else None
    message = ""
    if unreadable:
        message = _("Xã: không xác định được xã «%(keys)s».") % {"keys": ", ".join(unreadable)}
    return chosen, message


def _form_errors(form: GroupDecisionForm, errors: dict[str, str]) -> None:
    for key, message in errors.items():
        if key in form.fields:
            if key not in form.errors:
                form.add_error(key, message)
        elif message not in form.non_field_errors():
            form.add_error(None, message)


def _commune_groups_export(fmt: str, province: Province, communes) -> HttpResponse:
    """The roster's own columns: the file can be corrected and imported back."""
    return table_response(
        fmt=fmt,
        filename=f"nhom-xa-{province.short_name}",
        headers=GROUP_EXPORT_HEADERS,
        rows=(
            (
                province.name,
                commune.code,
                commune.name,
                commune.group_in_force or "",
                commune.group_decision_number or "",
                commune.group_decision_date or "",
                commune.group_applies_from or "",
                commune.group_decision_issuer or "",
            )
            for commune in communes.iterator(chunk_size=2000)
        ),
    )
