"""Dashboards: where the area stands, what blocks it, who is late; and the communes behind each
figure. Every view starts from the access module (refused → 404) and reads through
reports/dashboards.py; every table exports with ?xuat=xlsx|csv (&bang= names the table)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from communes.access import successors_of_office
from communes.models import Edition, Province
from criteria.access import can_record_recognitions
from criteria.inheritance import inheritance_of
from criteria.models import CommuneStanding, Evaluation
from ntm_portal.exports import requested_format, table_response
from ntm_portal.links import url_of
from ntm_portal.text import format_number
from sponsorships.access import can_open_agency

from . import dashboards as d
from .access import can_publish_province_page, can_view_dashboards
from .charts import Bar, columns, horizontal_bars
from .maps import commune_choropleth, province_choropleth
from .models import CommuneBoundarySet

PAGE_SIZE = 50
HEAT_PAGE_SIZE = 40
TOP_AGENCIES = 20


def _start(request: HttpRequest) -> tuple[d.Filters, d.Scope]:
    if not can_view_dashboards(request.user):
        raise Http404
    filters = d.read_filters(request.user, request.GET)
    return filters, d.scope_for(request.user, filters)


def _period_choices(filters: d.Filters, today: date) -> list[tuple[str, str]]:
    """The half-years and years the chosen set covers, up to now: no query needed."""
    criteria_set = filters.criteria_set
    if criteria_set is None:
        return []
    last = min(criteria_set.valid_to.year if criteria_set.valid_to else today.year, today.year)
    choices = []
    for year in range(last, criteria_set.valid_from.year - 1, -1):
        for half, label in ((2, "II"), (1, "I")):
            choices.append(
                (f"{year}-{half}", _("6 tháng %(half)s/%(year)s") % {"half": label, "year": year})
            )
        choices.append((f"{year}-0", _("Năm %(year)s") % {"year": year}))
    return choices


def _common(request: HttpRequest, filters: d.Filters, scope: d.Scope) -> dict:
    provinces = []
    if request.user.is_admin:
        provinces = list(Province.objects.of_edition(filters.edition).order_by("search_name"))
    return {
        "filters": filters,
        "scope": scope,
        "provinces": provinces,
        "editions": Edition.choices if request.user.is_admin and not filters.province else [],
        "periods": _period_choices(filters, timezone.localdate()),
        "list_url": url_of("dashboards:commune_list"),
        "overview_url": url_of("dashboards:overview"),
        "heatmap_url": url_of("dashboards:heatmap"),
        "successors": successors_of_office(request.user),
    }


def _list_link(filters: d.Filters, **extra: object) -> str:
    return f"{url_of('dashboards:commune_list')}?{filters.query(**extra)}"


def overview(request: HttpRequest) -> HttpResponse:
    filters, scope = _start(request)
    context = _common(request, filters, scope)
    if filters.criteria_set is None:
        return render(request, "dashboards/overview.html", context)
    groups = d.cached(scope, "breakdown", lambda: d.breakdown(scope))
    criteria = d.criteria_of(scope)
    counts = d.cached(scope, "criteria", lambda: d.criterion_counts(scope, criteria))
    ranking = d.blocking_ranking(counts)
    periods = d.cached(scope, "progress", lambda: d.progress(scope))
    risky = list(d.at_risk(scope))
    fmt = requested_format(request)
    if fmt:
        agencies = d.agency_performance(scope)
        return _export_overview(request, fmt, scope, groups, ranking, periods, agencies)
    agencies, agency_count = d.top_agencies(scope, TOP_AGENCIES)

    total = groups.total
    pipeline = d.recognition_pipeline(scope)
    target = pipeline.share_target
    levels = [
        (_("Đạt chuẩn NTM"), total.ntm, "ntm"),
        (_("NTM nâng cao"), total.nang_cao, "nang-cao"),
        (_("NTM kiểu mẫu"), total.kieu_mau, "kieu-mau"),
        (_("Chưa được công nhận"), total.not_recognised, "chua-cong-nhan"),
    ]
    recognition_chart = horizontal_bars(
        title=_("Xã theo mức công nhận"),
        bars=[
            Bar(label, value, total.total, _list_link(filters, nhom=group))
            for label, value, group in levels
        ],
        summary=_("%(scope)s: %(recognised)s/%(total)s xã đã được công nhận")
        % {"scope": scope.title, "recognised": total.recognised, "total": total.total},
    )
    ranking_chart = horizontal_bars(
        title=_("Tiêu chí chưa đạt ở nhiều xã nhất"),
        bars=[
            Bar(
                f"{c.criterion.number}. {c.criterion.short_name}",
                c.unmet,
                total.evaluated,
                _list_link(filters, tieu_chi=c.criterion.pk, trang_thai="chua-dat"),
            )
            for c in ranking[:10]
        ],
        summary=_("Số xã chưa đạt từng tiêu chí, trên %(evaluated)s xã đã đánh giá")
        % {"evaluated": total.evaluated},
    )
    progress_chart = columns(
        title=_("Tỷ lệ xã đạt đủ tiêu chí theo kỳ"),
        bars=[
            Bar(
                p.label,
                d._ratio(p.all_met, p.evaluated) or 0,
                None,
                _list_link(filters, ky=p.key, nhom="dat-du"),
            )
            for p in periods
        ],
        unit="%",
        maximum=100,
        summary=_("Tỷ lệ xã đạt đủ tiêu chí trong các xã được đánh giá, qua %(count)s kỳ")
        % {"count": len(periods)},
    )
    group_chart = horizontal_bars(
        title=_("Xã đạt đủ tiêu chí theo địa bàn"),
        bars=[
            Bar(g.name, g.all_met, g.total, _drill_link(scope, g)) for g in groups.rows[:40] if g.pk
        ],
        summary=_("Số xã đạt đủ tiêu chí trên tổng số xã, theo địa bàn"),
    )
    context.update(
        **_maps(request, scope, groups, pipeline),
        groups=groups,
        total=total,
        with_data=_latest_set_with_data(request, filters, scope) if not total.evaluated else None,
        progress_sentence=_progress_sentence(periods),
        target=target,
        target_label=format_number(target) if target is not None else "",
        levels=levels,
        recognition_chart=recognition_chart,
        ranking=ranking,
        ranking_chart=ranking_chart,
        period_rows=periods,
        progress_chart=progress_chart,
        group_chart=group_chart,
        risky=risky,
        agencies=agencies,
        # District staff see each agency's figures, not its page: link only what opens.
        openable_agencies={a.pk for a in agencies if can_open_agency(request.user, a)},
        agency_count=agency_count,
        agency_window=d.inspection_window(filters, timezone.localdate()),
        now=timezone.now(),
        drill_rows=[(g, _drill_link(scope, g)) for g in groups.rows],
        predecessors=d.predecessor_recognitions(scope),
        **_pipeline_context(request, filters, pipeline),
    )
    return render(request, "dashboards/overview.html", context)


def _pipeline_context(request: HttpRequest, filters: d.Filters, pipeline: d.Pipeline) -> dict:
    """The recognition pipeline with the link of every figure: the case list filtered as the
    figure counts, and the province's recognitions for those who keep them."""
    area = {"tinh": filters.province.pk} if filters.province else {}
    if filters.district:
        area["huyen"] = filters.district.pk

    def cases_link(**extra: object) -> str:
        return f"{url_of('criteria:case_list')}?{urlencode({**area, **extra})}"

    if filters.province and can_record_recognitions(request.user, filters.province):
        recognised_link = (
            reverse("criteria:recognitions", args=[filters.province.pk]) + f"?nam={pipeline.year}"
        )
    else:
        recognised_link = cases_link(trang_thai="da-quyet-dinh", nam=pipeline.year)
    return {
        "pipeline": pipeline,
        "pipeline_rows": [
            (
                step,
                cases_link(buoc=step.kind),
                cases_link(buoc=step.kind, qua_han=1),
                cases_link(buoc=step.kind, trang_thai="tra-lai"),
            )
            for step in pipeline.steps
        ],
        "pipeline_open_link": cases_link(trang_thai="dang-xet"),
        "pipeline_overdue_link": cases_link(qua_han=1),
        "pipeline_recognised_link": recognised_link,
        "pipeline_target_label": format_number(pipeline.target)
        if pipeline.target is not None
        else "",
    }


def _latest_set_with_data(request: HttpRequest, filters: d.Filters, scope: d.Scope):
    """When the set shown has no approved evaluation in the area: the newest set that has one,
    to offer instead of a page of zeros (one query, only then)."""
    pk = (
        Evaluation.objects.approved()
        .filter(village__isnull=True, commune__in=scope.communes)
        .exclude(criteria_set=filters.criteria_set)
        .order_by("-criteria_set__valid_from", "-criteria_set__pk")
        .values_list("criteria_set", flat=True)
        .first()
    )
    chosen = next((s for s in filters.criteria_sets if s.pk == pk), None)
    if chosen is None:
        return None
    return {"set": chosen, "url": f"{url_of('dashboards:overview')}?{filters.query(bo=pk, ky='')}"}


def _progress_sentence(periods) -> str:
    """A column chart needs two periods with data; with one, a sentence says it (no empty box)."""
    evaluated = [p for p in periods if p.evaluated]
    if periods and not evaluated:
        return _("Chưa có đánh giá nào được duyệt trong các kỳ này.")
    if len(evaluated) != 1:
        return ""
    only = evaluated[0]
    return _(
        "Mới có số liệu của một kỳ (%(period)s): %(all_met)s/%(evaluated)s xã được đánh giá đạt "
        "đủ tiêu chí. Biểu đồ tiến độ hiện khi có từ hai kỳ."
    ) % {"period": only.label, "all_met": only.all_met, "evaluated": only.evaluated}


def _maps(request: HttpRequest, scope: d.Scope, groups: d.Breakdown, pipeline: d.Pipeline) -> dict:
    """The country by province (from the vendored boundaries); a province by commune, once its
    office uploaded the communes' boundaries."""
    if scope.group_by[0] == "province_id":
        # The breakdown's rows carry each province's code: no query of their own.
        rows = [
            (g.code, g.name, g.recognised, g.total, _drill_link(scope, g))
            for g in groups.rows
            if g.code
        ]
        return {
            "province_map": province_choropleth(
                title=_("Xã đạt chuẩn nông thôn mới theo tỉnh"),
                edition=scope.filters.edition,
                rows=rows,
            ),
            "province_map_rows": rows,
        }
    # The commune map is the whole province's: drawn on its own dashboard, not a district's view.
    province = scope.filters.province if scope.filters.district is None else None
    boundaries = (
        CommuneBoundarySet.objects.filter(province=province).first()
        if province and scope.level == "province" and pipeline.commune_boundaries
        else None
    )
    # The office's page to publish the public page and upload the boundaries, for who may.
    settings_for = (
        province
        if province
        and scope.level == "province"
        and can_publish_province_page(request.user, province)
        else None
    )
    if boundaries is None:
        return {
            "commune_map_missing": bool(province and scope.level == "province"),
            "public_settings_for": settings_for,
        }
    communes = d.commune_rows(scope, group="tat-ca", criterion=None, state=None)
    return {
        "public_settings_for": settings_for,
        "commune_map": commune_choropleth(
            boundaries=boundaries,
            rows=[
                (c.code, c.name, c.st_met_count or 0, c.st_criteria_count or 0) for c in communes
            ],
        ),
    }


def _drill_link(scope: d.Scope, group: d.GroupRow) -> str:
    """From a breakdown row to its own dashboard: a province's, or a district's."""
    if group.pk is None:
        return ""
    key = "tinh" if scope.group_by[0] == "province_id" else "huyen"
    return f"{url_of('dashboards:overview')}?{scope.filters.query(**{key: group.pk})}"


def _export_overview(request, fmt, scope, groups, ranking, periods, agencies) -> HttpResponse:
    table = request.GET.get("bang", "dia-ban")
    if table == "tieu-chi":
        return table_response(
            fmt=fmt,
            filename=f"tieu-chi-{scope.title}",
            headers=[_("Số"), _("Tiêu chí"), _("Xã đạt"), _("Xã chưa đạt"), _("Chưa rõ")],
            rows=[
                [c.criterion.number, c.criterion.name, c.met, c.unmet, c.undecided] for c in ranking
            ],
        )
    if table == "ky":
        return table_response(
            fmt=fmt,
            filename=f"tien-do-{scope.title}",
            headers=[
                _("Kỳ"),
                _("Xã được đánh giá"),
                _("Xã đạt đủ tiêu chí"),
                _("Bình quân tiêu chí đạt"),
                _("Xã có nguy cơ thu hồi"),
            ],
            rows=[[p.label, p.evaluated, p.all_met, p.average_met, p.at_risk] for p in periods],
        )
    if table == "co-quan":
        return table_response(
            fmt=fmt,
            filename=f"co-quan-{scope.title}",
            headers=[
                _("Cơ quan"),
                _("Đến hạn"),
                _("Đúng hạn"),
                _("Trễ hạn"),
                _("Quá hạn chưa kiểm tra"),
                _("Sắp đến hạn"),
                _("Báo cáo đến hạn"),
                _("Báo cáo đã nộp"),
            ],
            rows=[
                [
                    a.name,
                    a.due,
                    a.done_on_time,
                    a.done_late,
                    a.overdue,
                    a.upcoming,
                    a.reports_due,
                    a.reports_filed,
                ]
                for a in agencies
            ],
        )
    if table == "rui-ro":
        return table_response(
            fmt=fmt,
            filename=f"nguy-co-thu-hoi-{scope.title}",
            headers=[_("Mã"), _("Xã"), _("Địa bàn"), _("Đạt"), _("Lý do")],
            rows=[
                [
                    s.commune.code,
                    s.commune.name,
                    str(s.commune.district or s.commune.province),
                    f"{s.met_count}/{s.criteria_count}",
                    s.risk_reason,
                ]
                for s in d.at_risk(scope, limit=None)
            ],
        )
    rows = [*groups.rows, groups.total]
    return table_response(
        fmt=fmt,
        filename=f"tong-quan-{scope.title}",
        headers=[
            _("Địa bàn"),
            _("Tổng số xã"),
            _("Xã được đánh giá"),
            _("Xã đạt đủ tiêu chí"),
            _("Bình quân tiêu chí đạt"),
            _("Đạt chuẩn NTM"),
            _("NTM nâng cao"),
            _("NTM kiểu mẫu"),
            _("Nguy cơ thu hồi"),
            _("Thôn đạt chuẩn"),
            _("Tổng số thôn"),
        ],
        rows=[
            [
                g.name,
                g.total,
                g.evaluated,
                g.all_met,
                g.average_met,
                g.ntm,
                g.nang_cao,
                g.kieu_mau,
                g.at_risk,
                g.villages_met,
                g.villages_total,
            ]
            for g in rows
        ],
    )


def heatmap(request: HttpRequest) -> HttpResponse:
    """Criteria (columns) × xã (rows), from each xã's standing; every xã in scope, the ones not
    yet evaluated included; sortable by any column (?sap_xep=) with plain links; rows paginated."""
    filters, scope = _start(request)
    context = _common(request, filters, scope)
    if filters.criteria_set is None:
        return render(request, "dashboards/heatmap.html", context)
    criteria = d.criteria_of(scope)
    counts = d.cached(scope, "criteria", lambda: d.criterion_counts(scope, criteria))
    order, descending, sort_criterion = d.heat_order(request.GET.get("sap_xep", ""), criteria)
    # Plain values: a row needs six of them, not a commune, its district, province and summary.
    rows = d.heat_rows(scope, order=order, descending=descending, criterion=sort_criterion).values(
        "pk",
        "short_name",
        "st_met_count",
        "st_criteria_count",
        "st_met_mask",
        "st_unmet_mask",
        district_short=F("district__short_name"),
        province_short=F("province__short_name"),
    )
    page = Paginator(rows, HEAT_PAGE_SIZE).get_page(request.GET.get("page"))
    sort_value = f"-{order}" if descending else order
    context.update(table=_heat_rows(filters, criteria, page.object_list))
    context.update(
        criteria=criteria,
        headers=_heat_headers(filters, counts, order, descending),
        page=page,
        page_query=filters.query(page=None, sap_xep=sort_value if sort_value != "ten" else None),
    )
    return render(request, "dashboards/heatmap.html", context)


@dataclass(frozen=True)
class HeatHeader:
    """A sortable column of the heat map: its link, the words said for it, its sort state."""

    label: str
    title: str
    sort_link: str
    sort_label: str
    aria_sort: str  # "ascending", "descending" or "" when the table is not sorted by it
    count: d.CriterionCount | None = None
    unmet_link: str = ""


def _heat_headers(
    filters: d.Filters, counts: list[d.CriterionCount], order: str, descending: bool
) -> list[HeatHeader]:
    """The name column, the tally column and one per criterion. A click on the column sorted
    ascending sorts it descending; any other column starts ascending."""

    def sorting(key: str) -> tuple[str, str]:
        now = order == key
        wanted = f"-{key}" if now and not descending else key
        link = "?" + filters.query(page=None, sap_xep=wanted if wanted != "ten" else None)
        state = ("descending" if descending else "ascending") if now else ""
        return link, state

    headers = []
    link, state = sorting("ten")
    headers.append(HeatHeader(_("Xã"), _("Tên xã"), link, _("sắp xếp theo tên xã"), state))
    link, state = sorting("dat")
    headers.append(
        HeatHeader(_("Đạt"), _("Số tiêu chí đạt"), link, _("sắp xếp theo số tiêu chí đạt"), state)
    )
    for count in counts:
        criterion = count.criterion
        link, state = sorting(f"tc-{criterion.number}")
        whole = f"{criterion.number}. {criterion.name}"
        headers.append(
            HeatHeader(
                label=f"{criterion.number}. {criterion.short_name}",
                title=whole,
                sort_link=link,
                sort_label=_("sắp xếp theo tiêu chí %(criterion)s") % {"criterion": whole},
                aria_sort=state,
                count=count,
                unmet_link=_list_link(filters, tieu_chi=criterion.pk, trang_thai="chua-dat"),
            )
        )
    return headers


# A heat map cell: its class, its mark and the words a screen reader says for it.
_HEAT_STATES = {
    True: ("met", "dat", "✓"),
    False: ("unmet", "chua-dat", "✗"),
    None: ("unknown", "chua-ro", "?"),
}


def _heat_rows(filters: d.Filters, criteria, communes) -> list[tuple[dict, SafeString]]:
    """Each xã with its cells as one piece of HTML. 40 rows × 19 criteria are 760 cells: built
    with the template engine (a link, a title, a translated word each), they cost ten times the
    data; here each criterion's three links are made once and every cell is one format. A xã
    without an evaluation gets one cell across the criteria that says so."""
    spoken = {True: escape(_("Đạt")), False: escape(_("Chưa đạt")), None: escape(_("Chưa rõ"))}
    columns = []
    for criterion in criteria:
        links = {
            state: escape(_list_link(filters, tieu_chi=criterion.pk, trang_thai=key))
            for state, (_css, key, _mark) in _HEAT_STATES.items()
        }
        columns.append(
            (
                CommuneStanding.bit(criterion.number),
                escape(f"{criterion.number}. {criterion.short_name}"),
                links,
            )
        )
    cell = (
        '<td class="cell {css}"><a href="{link}" title="{name} – {criterion}">{mark}'
        '<span class="visually-hidden">{spoken}</span></a></td>'
    )
    not_evaluated = format_html(
        '<td class="num not-evaluated">–</td>'
        '<td class="cell none" colspan="{}"><a href="{}">{}</a></td>',
        len(columns),
        _list_link(filters, nhom="chua-danh-gia"),
        _("Chưa đánh giá (chưa có đánh giá được duyệt)"),
    )
    rows = []
    for commune in communes:
        if commune["st_criteria_count"] is None:
            rows.append((commune, not_evaluated))
            continue
        met, unmet = commune["st_met_mask"] or 0, commune["st_unmet_mask"] or 0
        name = escape(commune["short_name"])
        cells = [f'<td class="num">{commune["st_met_count"]}/{commune["st_criteria_count"]}</td>']
        for bit, label, links in columns:
            state = True if met & bit else False if unmet & bit else None
            css, _key, mark = _HEAT_STATES[state]
            cells.append(
                cell.format(
                    css=css,
                    link=links[state],
                    name=name,
                    criterion=label,
                    mark=mark,
                    spoken=spoken[state],
                )
            )
        rows.append((commune, mark_safe("".join(cells))))  # noqa: S308 (every part escaped)
    return rows


def commune_list(request: HttpRequest) -> HttpResponse:
    """The xã behind a figure: by group (?nhom=), criterion and state (?tieu_chi=&trang_thai=)."""
    filters, scope = _start(request)
    context = _common(request, filters, scope)
    group = request.GET.get("nhom", "tat-ca")
    if group not in d.GROUPS:
        filters.errors.append(_("Nhóm xã không hợp lệ: hiển thị tất cả xã."))
        group = "tat-ca"
    criteria = d.criteria_of(scope)
    criterion, state = None, request.GET.get("trang_thai") or None
    raw_criterion = request.GET.get("tieu_chi", "").strip()
    if raw_criterion:
        criterion = next((c for c in criteria if str(c.pk) == raw_criterion), None)
        if criterion is None:
            filters.errors.append(_("Không có tiêu chí đã chọn trong bộ tiêu chí này."))
    if state is not None and state not in d.CRITERION_STATES:
        filters.errors.append(_("Trạng thái tiêu chí không hợp lệ."))
        state = None
    if criterion is not None and state is None:
        state = "chua-dat"
    if filters.criteria_set is None:
        rows = scope.communes.none()
    else:
        rows = d.commune_rows(scope, group=group, criterion=criterion, state=state)
    title = d.GROUPS[group]
    if criterion is not None:
        title = _("%(group)s – tiêu chí %(number)s. %(name)s: %(state)s") % {
            "group": title,
            "number": criterion.number,
            "name": criterion.short_name,
            "state": {"dat": _("đạt"), "chua-dat": _("chưa đạt"), "chua-ro": _("chưa rõ")}[state],
        }
    fmt = requested_format(request)
    if fmt:
        return table_response(
            fmt=fmt,
            filename=f"xa-{scope.title}",
            headers=[
                _("Mã"),
                _("Xã"),
                _("Huyện"),
                _("Tỉnh"),
                _("Kỳ đánh giá"),
                _("Tiêu chí đạt"),
                _("Số tiêu chí"),
                _("Mức công nhận"),
                _("Nguy cơ thu hồi"),
                _("Thôn đạt chuẩn"),
                _("Tổng số thôn"),
            ],
            rows=(_export_row(c) for c in rows.iterator(chunk_size=2000)),
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    inherited = filters.edition == Edition.TWO_TIER_2025
    if inherited:
        # "3/4 xã cũ đã đạt chuẩn": what each 2025 xã's predecessors stood at (a fixed few queries).
        page.object_list = list(page.object_list)
        found = inheritance_of(page.object_list)
        for commune in page.object_list:
            commune.inherited = found.get(commune.pk)
    context.update(
        inherited=inherited,
        title=title,
        group=group,
        groups=d.GROUPS,
        criterion=criterion,
        state=state,
        page=page,
        page_query=_list_query(filters, group, criterion, state),
        # The figure's own parameters survive a change of filters on the list.
        extra_params=[
            (key, value)
            for key, value in (
                ("nhom", group if group != "tat-ca" else ""),
                ("tieu_chi", criterion.pk if criterion else ""),
                ("trang_thai", state if criterion else ""),
            )
            if value
        ],
    )
    return render(request, "dashboards/commune_list.html", context)


def _list_query(filters: d.Filters, group: str, criterion, state) -> str:
    return filters.query(
        nhom=group if group != "tat-ca" else None,
        tieu_chi=criterion.pk if criterion else None,
        trang_thai=state if criterion else None,
    )


def _period_label(commune) -> str:
    if commune.st_year is None:
        return ""
    if commune.st_half == Evaluation.Half.WHOLE_YEAR:
        return str(commune.st_year)
    return f"{'I' if commune.st_half == 1 else 'II'}/{commune.st_year}"


def _export_row(commune) -> list[object]:
    summary = getattr(commune, "summary", None)
    return [
        commune.code,
        commune.name,
        str(commune.district or ""),
        str(commune.province),
        _period_label(commune),
        commune.st_met_count,
        commune.st_criteria_count,
        summary.get_recognition_level_display() if summary else "",
        commune.st_risk_reason or "",
        summary.villages_met if summary else 0,
        summary.villages_total if summary else 0,
    ]
