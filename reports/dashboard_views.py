"""Dashboards: where the area stands, what blocks it, who is late; and the communes behind each
figure. Every view starts from the access module (refused → 404) and reads through
reports/dashboards.py; every table exports with ?xuat=xlsx|csv (&bang= names the table)."""

from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.models import Edition, Province
from criteria.models import Evaluation
from ntm_portal.exports import requested_format, table_response
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
        "list_url": reverse("dashboards:commune_list"),
        "overview_url": reverse("dashboards:overview"),
        "heatmap_url": reverse("dashboards:heatmap"),
    }


def _list_link(filters: d.Filters, **extra: object) -> str:
    return f"{reverse('dashboards:commune_list')}?{filters.query(**extra)}"


def overview(request: HttpRequest) -> HttpResponse:
    filters, scope = _start(request)
    context = _common(request, filters, scope)
    if filters.criteria_set is None:
        return render(request, "dashboards/overview.html", context)
    groups = d.breakdown(scope)
    criteria = d.criteria_of(scope)
    counts = d.criterion_counts(scope, criteria)
    ranking = d.blocking_ranking(counts)
    periods = d.progress(scope)
    risky = list(d.at_risk(scope))
    agencies = d.agency_performance(scope)
    fmt = requested_format(request)
    if fmt:
        return _export_overview(request, fmt, scope, groups, ranking, periods, agencies)

    total = groups.total
    year = filters.period[0] if filters.period else timezone.localdate().year
    target = d.target_share(filters.district or filters.province, year)
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
        **_maps(request, scope, groups),
        groups=groups,
        total=total,
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
        agencies=agencies[:TOP_AGENCIES],
        # District staff see each agency's figures, not its page: link only what opens.
        openable_agencies={a.pk for a in agencies if can_open_agency(request.user, a)},
        agency_count=len(agencies),
        agency_window=d.inspection_window(filters, timezone.localdate()),
        now=timezone.now(),
        drill_rows=[(g, _drill_link(scope, g)) for g in groups.rows],
    )
    return render(request, "dashboards/overview.html", context)


def _maps(request: HttpRequest, scope: d.Scope, groups: d.Breakdown) -> dict:
    """The country by province (from the vendored boundaries); a province by commune, once its
    office uploaded the communes' boundaries."""
    if scope.group_by[0] == "province_id":
        codes = dict(Province.objects.of_edition(scope.filters.edition).values_list("pk", "code"))
        rows = [
            (codes[g.pk], g.name, g.recognised, g.total, _drill_link(scope, g))
            for g in groups.rows
            if g.pk in codes
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
        if province and scope.level == "province"
        else None
    )
    # The office's page to publish the public page and upload the boundaries, for who may.
    settings_for = (
        province
        if province
        and scope.level == "province"
        and can_publish_province_page(request.user, province, in_reach=True)
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
    return f"{reverse('dashboards:overview')}?{scope.filters.query(**{key: group.pk})}"


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
    """Criteria (columns) × xã (rows), from each xã's standing; rows paginated."""
    filters, scope = _start(request)
    context = _common(request, filters, scope)
    if filters.criteria_set is None:
        return render(request, "dashboards/heatmap.html", context)
    criteria = d.criteria_of(scope)
    counts = d.criterion_counts(scope, criteria)
    rows = d.commune_rows(scope, group="da-danh-gia", criterion=None, state=None)
    page = Paginator(rows, HEAT_PAGE_SIZE).get_page(request.GET.get("page"))
    table = [
        (
            commune,
            [
                (criterion, state, _list_link(filters, tieu_chi=criterion.pk, trang_thai=key))
                for criterion in criteria
                for state in [d.standing_state(commune, criterion)]
                for key in [{True: "dat", False: "chua-dat", None: "chua-ro"}[state]]
            ],
        )
        for commune in page.object_list
    ]
    context.update(
        criteria=criteria,
        counts=[
            (c, _list_link(filters, tieu_chi=c.criterion.pk, trang_thai="chua-dat")) for c in counts
        ],
        page=page,
        table=table,
        page_query=filters.query(page=None),
    )
    return render(request, "dashboards/heatmap.html", context)


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
    context.update(
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
