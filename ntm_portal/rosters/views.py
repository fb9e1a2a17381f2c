"""Pages of the import flow: the list of imports with the upload form, the preview (polled while
the worker checks the file), the marked error file, the confirmation and the templates."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ntm_portal import access
from ntm_portal.exports import XLSX_TYPE
from ntm_portal.models import RosterImport
from ntm_portal.waiting import waiting_notice

from .base import ERROR, NEW, UNCHANGED, UPDATED, WHOLE_ROW
from .reading import Table
from .registry import import_order, kind_choices, roster_for
from .services import RosterError, roster_import_confirm, roster_import_create
from .workbooks import marked_workbook, template_workbook

PAGE_SIZE = 50
ROWS_PAGE_SIZE = 50
SHOWN_ERRORS = 500
ROW_FILTERS = (NEW, UPDATED, UNCHANGED, ERROR)


class CountedPaginator(Paginator):
    """Pages of rows whose number is known already (the import's counts): no COUNT query."""

    def __init__(self, object_list, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


def _refuse(request: HttpRequest) -> HttpResponse:
    return render(request, "403.html", status=403)


def import_list(request: HttpRequest) -> HttpResponse:
    if not access.can_import_rosters(request.user):
        return _refuse(request)
    # The rows as read and every row's outcome are large: the list needs neither.
    imports = (
        access.roster_imports_visible_to(request.user)
        .select_related("uploaded_by")
        .defer("table", "result")
    )
    return render(
        request,
        "rosters/import_list.html",
        {
            "page": Paginator(imports, PAGE_SIZE).get_page(request.GET.get("page")),
            # An office is offered the kinds it may import, in their order.
            "kinds": [
                (kind, label)
                for kind, label in kind_choices()
                if access.can_import_roster(request.user, roster_for(kind))
            ],
            "order": [
                roster
                for roster in import_order()
                if access.can_import_roster(request.user, roster)
            ],
        },
    )


@require_POST
def import_new(request: HttpRequest) -> HttpResponse:
    if not access.can_import_rosters(request.user):
        return _refuse(request)
    try:
        with transaction.atomic():
            record = roster_import_create(
                kind=request.POST.get("kind", ""),
                upload=request.FILES.get("file"),
                actor=request.user,
            )
    except RosterError as error:
        messages.error(request, str(error))
        return redirect("rosters:import_list")
    return redirect("rosters:import_detail", pk=record.pk)


def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview: the counts, every row (a page at a time, by status) with what its cells were
    found to be and, for an update, what changes; the errors; the confirmation. Reads only the
    rows it shows, whatever the file's size."""
    record = access.get_roster_import_or_404(request.user, pk)
    shown = request.GET.get("status", "")
    if shown not in ROW_FILTERS:
        shown = ""
    counts = {
        NEW: record.new_count,
        UPDATED: record.updated_count,
        UNCHANGED: record.unchanged_count,
        ERROR: record.error_count,
    }
    rows = record.rows.order_by("number")
    if shown:
        rows = rows.filter(status=shown)
    page = CountedPaginator(
        rows.values_list("number", "status", "detail"),
        ROWS_PAGE_SIZE,
        count=counts[shown] if shown else sum(counts.values()),
    ).get_page(request.GET.get("page"))
    page.object_list = [
        {"row": number, "status": status, **detail} for number, status, detail in page.object_list
    ]
    errors = _errors(record, limit=SHOWN_ERRORS) if record.error_count else []
    return render(
        request,
        "rosters/import_detail.html",
        {
            "record": record,
            "errors": errors,
            "more_errors": max(record.result.get("error_total", 0) - SHOWN_ERRORS, 0),
            "notices": record.result.get("notices", []),
            "rows": page,
            "shown": shown,
            "filters": [
                (NEW, _("Mới"), counts[NEW]),
                (UPDATED, _("Cập nhật"), counts[UPDATED]),
                (UNCHANGED, _("Không đổi"), counts[UNCHANGED]),
                (ERROR, _("Lỗi"), counts[ERROR]),
            ],
            "whole_row": WHOLE_ROW,
            "waiting": ""
            if record.is_finished_checking
            else waiting_notice(
                since=record.uploaded_at, attempts=record.attempts, resends=record.resends
            ),
        },
    )


def _errors(record: RosterImport, *, limit: int | None = None) -> list[dict]:
    """The import's errors in file order, each with its row; the first `limit` of them (a row
    has one error or more, so as many rows are enough)."""
    rows = record.rows.filter(status=ERROR).order_by("number").values_list("number", "detail")
    if limit is not None:
        rows = rows[:limit]
    errors = [{"row": number, **error} for number, detail in rows for error in detail["errors"]]
    return errors[:limit] if limit is not None else errors


@require_GET
def import_progress(request: HttpRequest, pk: int) -> JsonResponse:
    """What the preview page polls: one small query, whatever the file's size."""
    found = (
        access.roster_imports_visible_to(request.user)
        .filter(pk=pk)
        .values("status", "progress", "uploaded_at", "attempts", "resends")
        .first()
    )
    if found is None:
        raise Http404
    done = found["status"] not in (RosterImport.Status.PENDING, RosterImport.Status.VALIDATING)
    # After a while the page says how long the check has waited, and whether it was retried.
    waiting = (
        ""
        if done
        else waiting_notice(
            since=found["uploaded_at"], attempts=found["attempts"], resends=found["resends"]
        )
    )
    return JsonResponse(
        {"status": found["status"], "progress": found["progress"], "done": done, "waiting": waiting}
    )


@require_GET
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """The file as read, each bad cell marked, for the user to fix and upload again."""
    record = access.get_roster_import_or_404(request.user, pk)
    table = RosterImport.objects.values_list("table", flat=True).get(pk=record.pk)
    if record.file_error or not table:
        raise Http404
    response = HttpResponse(
        marked_workbook(Table.from_json(table), _errors(record)),
        content_type=XLSX_TYPE,
    )
    name = slugify(record.original_name.rsplit(".", 1)[0]) or "danh-sach"
    response["Content-Disposition"] = f'attachment; filename="{name}-kiem-tra.xlsx"'
    return response


@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    record = access.get_roster_import_or_404(request.user, pk)
    try:
        imported = roster_import_confirm(record=record, actor=request.user)
    except RosterError as error:
        messages.error(request, str(error))
    else:
        if imported:
            messages.success(request, _("Đã nhập xong danh sách."))
        else:
            messages.error(
                request,
                _(
                    "Dữ liệu vừa thay đổi và tệp có lỗi khi kiểm tra lại: chưa ghi gì. Xem các lỗi dưới đây."
                ),
            )
    return redirect(reverse("rosters:import_detail", args=[record.pk]))


@require_GET
def template_download(request: HttpRequest, kind: str) -> HttpResponse:
    if not access.can_import_rosters(request.user):
        return _refuse(request)
    try:
        roster = roster_for(kind)
    except LookupError:
        raise Http404 from None
    if not access.can_import_roster(request.user, roster):
        return _refuse(request)
    response = HttpResponse(template_workbook(roster), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="mau-{kind}.xlsx"'
    return response
