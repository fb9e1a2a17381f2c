"""Recognition cases: opening one from the commune's page, the case and its step forms, its
files, the list of cases behind the dashboards' figures, and the province's record of
recognition decisions made on paper."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communes.access import (
    communes_visible_to,
    get_commune_or_404,
    province_family,
    writes_in_province,
)
from communes.models import Commune, Edition
from ntm_portal.exports import requested_format, table_response
from ntm_portal.limits import parse_id, parse_year
from ntm_portal.security import log_refusal
from ntm_portal.uploads import ACCEPT_ATTRIBUTE, UploadRejected, download_response

from .access import (
    can_act_on_case,
    can_open_case,
    get_recognition_attachment_or_404,
    get_recognition_case_or_404,
    get_recognition_province_or_404,
    recognition_cases_visible_to,
)
from .forms import (
    CaseAppraisalForm,
    CaseAssessmentForm,
    CaseOpenForm,
    RecognitionRecordForm,
    RevocationRecordForm,
)
from .models import (
    Recognition,
    RecognitionAttachment,
    RecognitionCase,
    RecognitionStep,
)
from .recognition import (
    CaseRejected,
    OpeningObstacles,
    can_attach,
    council_carried_forward,
    opening_obstacles,
    recognition_case_appraise,
    recognition_case_attach,
    recognition_case_open,
    recognition_case_review,
    recognition_case_save,
    recognition_case_submit,
    recognition_record,
    recognition_revoke_record,
    submission_errors,
)

HISTORY_PAGE_SIZE = 50
LIST_PAGE_SIZE = 50
Step = RecognitionStep.Kind


@require_POST
def case_open(request: HttpRequest, pk: int) -> HttpResponse:
    commune = get_commune_or_404(request.user, pk)
    form = CaseOpenForm(request.POST)
    kind = request.POST.get("kind", "")
    if not can_open_case(request.user, commune, kind):
        log_refusal(request, what="commune", pk=pk, action="case_open")
        return render(request, "403.html", status=403)
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}")
        return redirect("criteria:commune_status", pk=commune.pk)
    try:
        case = recognition_case_open(commune=commune, actor=request.user, **form.cleaned_data)
    except CaseRejected as error:
        for message in error.errors.values():
            messages.error(request, message)
        return redirect("criteria:commune_status", pk=commune.pk)
    messages.success(request, _("Đã mở hồ sơ; hãy hoàn thành phần tự đánh giá."))
    return redirect("criteria:case_detail", pk=case.pk)


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_recognition_case_or_404(request.user, pk)
    return _render_case(request, case)


def _render_case(
    request: HttpRequest,
    case: RecognitionCase,
    *,
    assessment: CaseAssessmentForm | None = None,
    appraisal: CaseAppraisalForm | None = None,
    errors: dict[str, str] | None = None,
    typed: dict[int, tuple[str, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The case with everything its readers need, and the form of the step for those who act on
    it; a refused form comes back with what was typed and its errors."""
    user = request.user
    may_act = can_act_on_case(user, case)
    step_kind = case.step.kind
    steps = list(case.procedure.steps.order_by("position"))
    log = list(case.log.select_related("actor", "step"))
    done = {}
    for entry in reversed(log):
        if entry.step_id and entry.action not in ("saved", "attached", "document", "responded"):
            done[entry.step_id] = entry
    checks = list(case.checks.select_related("criterion", "checked_by"))
    latest = [c for c in checks if c.round == case.review_round]
    criteria = list(case.evaluation.criteria_set.criteria.order_by("number"))
    verdicts = {c.criterion_id: c for c in latest}
    current = next((i for i, step in enumerate(steps) if step.pk == case.step_id), None)
    context = {
        "case": case,
        "commune": case.commune,
        # Where the case stands and what comes after this step (issue 28 §9).
        "next_step": steps[current + 1]
        if case.is_open and current is not None and current + 1 < len(steps)
        else None,
        "steps": [(step, done.get(step.pk)) for step in steps],
        "may_act": may_act,
        "is_own": case.submitted_by_id == user.pk,
        "criteria": [
            _review_row(criterion, verdicts.get(criterion.pk), errors or {}, typed or {})
            for criterion in criteria
        ],
        "returned": [c for c in latest if not c.confirmed],
        "rounds": _rounds(checks),
        "pending": submission_errors(case, timezone.localdate())
        if case.is_open and step_kind == Step.SELF_ASSESSMENT
        else {},
        "errors": errors or {},
        "attachments": case.attachments.select_related("uploaded_by", "step"),
        "can_attach": can_attach(user, case),
        "attachment_kinds": RecognitionAttachment.Kind.choices,
        "accept": ACCEPT_ATTRIBUTE,
        "log": Paginator(log, HISTORY_PAGE_SIZE).get_page(request.GET.get("lich_su")),
        "days_in_step": (timezone.now() - case.step_since).days,
        "overdue": case.is_open
        and (
            (case.step_due and case.step_due < timezone.localdate())
            or case.year < timezone.localdate().year
        ),
    }
    if may_act and step_kind == Step.SELF_ASSESSMENT:
        context["assessment"] = assessment or CaseAssessmentForm(
            initial=CaseAssessmentForm.initial_of(case)
        )
    if may_act and step_kind == Step.APPRAISAL:
        initial = {
            "lead_department": case.lead_department,
            "council_met_on": case.council_met_on,
            "council_members": case.council_members,
            "council_size": case.council_size,
            "votes_for": case.votes_for,
            "votes_against": case.votes_against,
            "appraisal_conclusion": case.appraisal_conclusion,
        }
        carried = {} if case.council_members else council_carried_forward(case)
        context["council_carried"] = bool(carried)
        context["appraisal"] = appraisal or CaseAppraisalForm(initial={**initial, **carried})
    return render(request, "criteria/case_detail.html", context, status=status)


def _review_row(criterion, check, errors: dict, typed: dict) -> dict:
    """One criterion of the review form: the last round's verdict (or what was just typed)."""
    verdict, reason = typed.get(criterion.pk, ("", ""))
    if not verdict:
        verdict = "0" if check is not None and not check.confirmed else "1"
    return {
        "criterion": criterion,
        "check": check,
        "verdict": verdict,
        "reason": reason,
        "error": errors.get(f"criterion_{criterion.pk}", ""),
    }


def _rounds(checks) -> list[tuple[int, list]]:
    rounds: dict[int, list] = {}
    for check in checks:
        rounds.setdefault(check.round, []).append(check)
    return sorted(rounds.items(), reverse=True)


def _get_for_change(request: HttpRequest, pk: int, action: str) -> RecognitionCase:
    try:
        return get_recognition_case_or_404(request.user, pk)
    except Http404:
        log_refusal(request, what="recognition_case", pk=pk, action=action)
        raise


def _refuse(request: HttpRequest, case: RecognitionCase, action: str) -> HttpResponse:
    log_refusal(request, what="recognition_case", pk=case.pk, action=action)
    return render(request, "403.html", status=403)


def _version(request: HttpRequest) -> int:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else -1


def _rejected(request: HttpRequest, case: RecognitionCase, error: CaseRejected, **forms):
    messages.error(request, _("Chưa lưu được: xem các lỗi dưới đây."))
    case.refresh_from_db()
    return _render_case(request, case, errors=error.errors, status=200, **forms)


@require_POST
def case_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get_for_change(request, pk, "assessment")
    if not can_act_on_case(request.user, case) or case.step.kind != Step.SELF_ASSESSMENT:
        return _refuse(request, case, "assessment")
    form = CaseAssessmentForm(request.POST)
    responses = {
        criterion_id: value
        for key, value in request.POST.items()
        if key.startswith("response_") and (criterion_id := parse_id(key.removeprefix("response_")))
    }
    if not form.is_valid():
        messages.error(request, _("Chưa lưu được: xem các lỗi dưới đây."))
        return _render_case(request, case, assessment=form)
    try:
        changed = recognition_case_save(
            case=case,
            data=form.cleaned_data,
            responses=responses,
            version=_version(request),
            actor=request.user,
        )
    except CaseRejected as error:
        for name, message in error.errors.items():
            if name in form.fields:
                form.add_error(name, message)
        return _rejected(request, case, error, assessment=form)
    messages.success(request, _("Đã lưu %(count)s thay đổi.") % {"count": changed})
    return redirect("criteria:case_detail", pk=case.pk)


@require_POST
def case_submit(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get_for_change(request, pk, "submit")
    if not can_act_on_case(request.user, case) or case.step.kind != Step.SELF_ASSESSMENT:
        return _refuse(request, case, "submit")
    try:
        case = recognition_case_submit(case=case, version=_version(request), actor=request.user)
    except CaseRejected as error:
        return _rejected(request, case, error)
    messages.success(
        request, _("Đã gửi hồ sơ; bước tiếp theo: %(step)s.") % {"step": case.step.name}
    )
    return redirect("criteria:case_detail", pk=case.pk)


@require_POST
def case_review(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get_for_change(request, pk, "review")
    if not can_act_on_case(request.user, case) or case.step.kind != Step.REVIEW:
        return _refuse(request, case, "review")
    # "Xác nhận đạt tất cả": one action confirms every criterion; returning one stays the table's.
    confirm_all = request.POST.get("all") == "1"
    typed = {
        criterion.pk: (
            "1" if confirm_all else request.POST.get(f"verdict_{criterion.pk}", ""),
            request.POST.get(f"reason_{criterion.pk}", "")[:2000],
        )
        for criterion in case.evaluation.criteria_set.criteria.all()
    }
    verdicts = {
        pk: ({"1": True, "0": False}.get(verdict), reason)
        for pk, (verdict, reason) in typed.items()
    }
    try:
        case = recognition_case_review(
            case=case, verdicts=verdicts, version=_version(request), actor=request.user
        )
    except CaseRejected as error:
        return _rejected(request, case, error, typed=typed)
    if case.status == RecognitionCase.Status.RETURNED:
        messages.success(request, _("Đã trả hồ sơ cho xã kèm lý do."))
    else:
        messages.success(
            request, _("Đã thẩm tra; hồ sơ chuyển sang bước %(step)s.") % {"step": case.step.name}
        )
    return redirect("criteria:case_detail", pk=case.pk)


@require_POST
def case_appraise(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get_for_change(request, pk, "appraise")
    if not can_act_on_case(request.user, case) or case.step.kind != Step.APPRAISAL:
        return _refuse(request, case, "appraise")
    form = CaseAppraisalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Chưa lưu được: xem các lỗi dưới đây."))
        return _render_case(request, case, appraisal=form)
    try:
        case = recognition_case_appraise(
            case=case, data=form.cleaned_data, version=_version(request), actor=request.user
        )
    except CaseRejected as error:
        for name, message in error.errors.items():
            if name in form.fields:
                form.add_error(name, message)
        return _rejected(request, case, error, appraisal=form)
    if case.status == RecognitionCase.Status.RETURNED:
        messages.success(request, _("Hội đồng chưa thông qua: hồ sơ đã trả lại xã."))
    else:
        messages.success(request, _("Đã ghi kết quả thẩm định; hồ sơ chờ quyết định."))
    return redirect("criteria:case_detail", pk=case.pk)


@require_POST
def case_attach(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get_for_change(request, pk, "attach")
    if not can_attach(request.user, case):
        return _refuse(request, case, "attach")
    try:
        recognition_case_attach(
            case=case,
            upload=request.FILES.get("file"),
            kind=request.POST.get("kind", ""),
            note=request.POST.get("note", ""),
            actor=request.user,
        )
    except UploadRejected as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã tải tệp lên hồ sơ."))
    return redirect("criteria:case_detail", pk=case.pk)


def case_attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_recognition_attachment_or_404(request.user, pk)
    return download_response(
        attachment.file, name=attachment.original_name, content_type=attachment.content_type
    )


# --- The list behind the figures ----------------------------------------------------------------

STATUS_SLUGS = {
    "dang-xet": RecognitionCase.OPEN_STATUSES,
    "tra-lai": (RecognitionCase.Status.RETURNED,),
    "da-quyet-dinh": (RecognitionCase.Status.DECIDED,),
}
LIST_HEADERS = [
    "Mã xã",
    "Xã",
    "Tỉnh",
    "Loại hồ sơ",
    "Mức",
    "Năm",
    "Bước",
    "Trạng thái",
    "Ở bước từ",
    "Hạn của bước",
    "Số quyết định",
    "Ngày quyết định",
]


def case_list(request: HttpRequest) -> HttpResponse:
    """The cases the user reads, filtered as the dashboards' figures link them: ?buoc= (step
    kind), ?trang_thai=dang-xet|tra-lai|da-quyet-dinh, ?qua_han=1, ?nam=, ?loai=, ?tinh=,
    ?huyen=, ?q= (commune)."""
    cases = recognition_cases_visible_to(request.user)
    if not _reads_cases(request):
        raise Http404
    today = timezone.localdate()
    chosen: dict[str, object] = {}
    step = request.GET.get("buoc", "")
    if step in Step.values:
        cases = cases.filter(step__kind=step).open()
        chosen["buoc"] = step
    status = request.GET.get("trang_thai", "")
    if status in STATUS_SLUGS:
        cases = cases.filter(status__in=STATUS_SLUGS[status])
        chosen["trang_thai"] = status
    if request.GET.get("qua_han") == "1":
        cases = cases.overdue_on(today)
        chosen["qua_han"] = "1"
    kind = request.GET.get("loai", "")
    if kind in RecognitionCase.Kind.values:
        cases = cases.filter(kind=kind)
        chosen["loai"] = kind
    for name, lookup, parse in (
        ("nam", "year", parse_year),
        ("tinh", "commune__province_id", parse_id),
        ("huyen", "commune__district_id", parse_id),
    ):
        value = parse(request.GET.get(name))
        if value is not None:
            cases = cases.filter(**{lookup: value})
            chosen[name] = value
    query = request.GET.get("q", "").strip()
    if query:
        cases = cases.filter(commune__in=Commune.objects.search(query))
    cases = cases.select_related("commune__province", "commune__district", "step").order_by(
        "step_since", "pk"
    )
    if fmt := requested_format(request):
        return table_response(
            fmt=fmt,
            filename="ho-so-cong-nhan",
            headers=LIST_HEADERS,
            rows=(
                (
                    c.commune.code,
                    c.commune.name,
                    c.commune.province.name,
                    c.get_kind_display(),
                    c.get_level_display(),
                    c.year,
                    c.step.name,
                    c.get_status_display(),
                    timezone.localtime(c.step_since).replace(tzinfo=None),
                    c.step_due or "",
                    c.decision_number,
                    c.decision_date or "",
                )
                for c in cases.iterator(chunk_size=2000)
            ),
        )
    page = Paginator(cases, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    obstacles = _obstacles_of_province(request, chosen, query, today)
    now = timezone.now()
    rows = [
        (
            case,
            (now - case.step_since).days,
            case.is_open and ((case.step_due and case.step_due < today) or case.year < today.year),
        )
        for case in page.object_list
    ]
    return render(
        request,
        "criteria/case_list.html",
        {
            "page": page,
            "rows": rows,
            "chosen": chosen,
            "query": query,
            "steps": Step.choices,
            "kinds": RecognitionCase.Kind.choices,
            "export_query": request.GET.urlencode(),
            "obstacles": obstacles,
            "obstacles_year": today.year,
        },
    )


def _obstacles_of_province(
    request: HttpRequest, chosen: dict[str, object], query: str, today: date
) -> list[OpeningObstacles] | None:
    """The province's xã with no recognition case this year and why each cannot open one, under
    the cases (None when the list is not one province's whole year: another year, a step, a
    status, revocations). Its own office's province, or the one an admin chose (?tinh=)."""
    user = request.user
    if chosen.keys() - {"tinh", "nam", "loai"} or chosen.get("nam", today.year) != today.year:
        return None
    if chosen.get("loai", RecognitionCase.Kind.RECOGNITION) != RecognitionCase.Kind.RECOGNITION:
        return None
    province_id = chosen.get("tinh") if user.is_admin else user.province_id
    if not province_id or not (user.is_admin or writes_in_province(user, province_id)):
        return None
    with_case = RecognitionCase.objects.filter(
        commune_id=OuterRef("pk"), kind=RecognitionCase.Kind.RECOGNITION, year=today.year
    )
    communes = (
        communes_visible_to(user)
        .xa()
        .filter(province_id=province_id)
        .in_force_on(today)
        .exclude(Exists(with_case))
        .search(query)
        .order_by("search_name", "code")
    )
    return opening_obstacles(communes, today)


def _reads_cases(request: HttpRequest) -> bool:
    user = request.user
    return user.is_authenticated and (user.is_admin or bool(user.role))


# --- Recognitions decided on paper --------------------------------------------------------------


def recognitions(request: HttpRequest, pk: int) -> HttpResponse:
    """A province's recognition decisions, with the form entering one decided on paper (past
    years) and the revocation of one; its office staff and admins."""
    province = get_recognition_province_or_404(request.user, pk)
    # Past years' decisions were made for the units of their time: the province's family too.
    communes = (
        Commune.objects.xa()
        .filter(province_id__in=province_family(province.pk))
        .order_by("-edition", "search_name", "code")
    )
    choices = [
        (
            pk,
            _("%(name)s (trước 01/07/2025)") % {"name": name}
            if edition == Edition.THREE_TIER_2024
            else name,
        )
        for pk, name, edition in communes.values_list("pk", "name", "edition")
    ]
    form = RecognitionRecordForm(communes=choices)
    revoke = RevocationRecordForm()
    errors: dict[str, str] = {}
    if request.method == "POST":
        action = request.POST.get("action", "record")
        try:
            if action == "revoke":
                revoke = RevocationRecordForm(request.POST)
                if revoke.is_valid():
                    recognition = _province_recognition(
                        province, revoke.cleaned_data["recognition"]
                    )
                    recognition_revoke_record(
                        recognition=recognition,
                        number=revoke.cleaned_data["revocation_number"],
                        day=revoke.cleaned_data["revoked_on"],
                        actor=request.user,
                    )
                    messages.success(request, _("Đã ghi quyết định thu hồi."))
                    return redirect(request.path)
            else:
                form = RecognitionRecordForm(request.POST, communes=choices)
                if form.is_valid():
                    data = form.cleaned_data
                    recognition_record(
                        commune=communes.get(pk=data["commune"]),
                        level=data["level"],
                        number=data["decision_number"],
                        day=data["decision_date"],
                        signer=data["signer"],
                        actor=request.user,
                    )
                    messages.success(request, _("Đã ghi quyết định công nhận."))
                    return redirect(request.path)
        except CaseRejected as error:
            errors = error.errors
            target = revoke if action == "revoke" else form
            for name, message in errors.items():
                target.add_error(name if name in target.fields else None, message)
        messages.error(request, _("Chưa ghi được: xem các lỗi dưới đây."))
    rows = Recognition.objects.filter(commune__in=communes).select_related("commune", "recorded_by")
    year = parse_year(request.GET.get("nam"))
    if year:
        rows = rows.filter(decision_date__year=year)
    rows = rows.order_by("-decision_date", "commune__search_name")
    page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "criteria/recognitions.html",
        {
            "province": province,
            "form": form,
            "revoke": revoke,
            "page": page,
            "year": year,
            "cases_url": reverse("criteria:case_list") + f"?tinh={province.pk}",
        },
    )


def _province_recognition(province, pk: int) -> Recognition:
    recognition = (
        Recognition.objects.filter(commune__province=province, pk=pk)
        .filter(Q(revoked_on__isnull=True))
        .first()
    )
    if recognition is None:
        raise CaseRejected({"recognition": _("Không tìm thấy quyết định công nhận còn hiệu lực.")})
    return recognition
