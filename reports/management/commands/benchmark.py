"""Page speed at national scale. A benchmark, not a test: it prints numbers for the closing note.

`--scale national` builds every xã of the 2024 edition with about 8 villages each, ten QĐ 318
half-year evaluations each, about 2,000 agencies with an assignment for every xã and five years of
inspections; and every xã of the 2025 edition (with the lineage) in a commune group, with four
QĐ 51/2025 half-year evaluations, villages, and its own agencies and inspections from 01/07/2025.
Then, for each edition (`--edition`), it measures p50/p95 over at least 50 requests of each page
in PAGES, its SQL query count, and two floors: the SQL floor (raw SQL computing the same
aggregates, rows fetched) and the framework floor (an authenticated page through the same
middleware, session, user and base layout with no data, reports/benchmark_urls.py). Each page's
own cost is `p50 − framework floor`, set against its SQL floor; the goal is
p95 ≤ framework floor + 3 × SQL floor. Where each page's time goes is measured too: SQL (every
query, timed by an execute wrapper), templates (rendering less the SQL run while rendering), and
the rest (Python: the view, ORM objects, loops). `--growth-from` an earlier run at another data
size adds the ratio per page. It prints a table per edition and writes the same figures to
var/benchmark.json. The data stays (a second run reuses it): point it at a throwaway database.
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import platform
import pstats
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.template.backends.django import Template as DjangoTemplate
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communes.access import province_family_ids
from communes.models import Commune, Edition, Province
from communes.services import divisions_load, lineage_load
from criteria.benchmark_data import (
    PERIODS_2025,
    build_drafts,
    build_evaluations,
    build_group_decisions,
    build_recognitions,
    build_villages,
)
from criteria.catalogue import catalogue_load
from criteria.models import CommuneStanding, CriteriaSet, Evaluation
from criteria.rosters.benchmark import previewable_import
from criteria.standings import standings_refresh
from ntm_portal.models import Role, User
from reports.benchmark_stack import StackPrices, counting_values, stack_prices
from sponsorships.benchmark_data import MARK, build_sponsorships
from sponsorships.models import Assignment
from sponsorships.services import inspections_plan

NATIONAL_SET = "QD318-2022-XA-NTM"
# The set each edition is measured against: QĐ 318 for 2024, QĐ 51 (by commune group) for 2025.
EDITION_SETS = {Edition.THREE_TIER_2024: NATIONAL_SET, Edition.TWO_TIER_2025: "QD51-2025-XA-NTM"}
REORGANISED_ON = date(2025, 7, 1)
SMALL_SCALE = 300  # xã built by --scale small: a quick try of the whole run
ROSTER_ROWS = 10_000  # the checked evaluation roster behind the import preview (issue 6)


@dataclass
class Context:
    """What the pages and their floors are about."""

    criteria_set: CriteriaSet
    province: Province
    commune: Commune
    evaluation_id: int | None
    criterion_numbers: list[int]
    criterion_id: int
    edition: int = Edition.THREE_TIER_2024
    roster_import_id: int | None = None
    clients: dict[str, Client] = field(default_factory=dict)


SQL = list[tuple[str, list]]


@dataclass
class Page:
    """One measured page: its URL, who opens it, the raw SQL of the same aggregates, a target."""

    name: str
    url: Callable[[Context], str]
    floor: Callable[[Context], SQL]
    user: str = "province"  # "admin" (the country) or "province" (the largest province's office)
    target_ms: float | None = None
    # How its cost may grow with the country's data: "flat" (one commune's or the measured
    # province's page, whose own data is the same at both sizes: ≤ 1.1×) or "linear" (a
    # national aggregate: no worse than the data).
    grows: str = "flat"


@dataclass(frozen=True)
class Framework:
    """The framework floor for one user: its p50 and p95, and what the floor page runs and
    renders."""

    ms: float
    queries: int
    values: int
    p95_ms: float = 0.0


@dataclass
class Measurement:
    page: str
    url: str
    p50_ms: float
    p95_ms: float
    queries: int
    floor_ms: float | None  # the SQL floor
    target_ms: float | None
    framework_floor_ms: float = 0.0
    framework_floor_p95_ms: float = 0.0  # the empty page's own p95: no page does better
    floor_rows: int = 0  # rows the SQL floor fetches: the size of the page's data
    sql_ms: float = 0.0  # median per request: every query the page runs
    template_ms: float = 0.0  # rendering, less the SQL run while rendering
    python_ms: float = 0.0  # the rest: view code, ORM objects, loops, middleware
    grows: str = "flat"
    own_queries: int = 0  # queries beyond the framework floor's (session, user)
    values: int = 0  # values its templates render beyond the framework floor's
    least_own_ms: float | None = None  # own queries' ORM price + values' template price
    least_own_plain_html_ms: float | None = None  # the same with values as plain escaped HTML
    # The page's own SQL in the same run: each request's queries less those of the framework
    # floor's request right after it (session, user), median of the differences.
    own_sql_ms: float = 0.0

    @property
    def ratio(self) -> float | None:
        return round(self.p95_ms / self.floor_ms, 1) if self.floor_ms else None

    @property
    def own_over_floor(self) -> float | None:
        """(p50 − framework floor) / SQL floor: what the page spends per unit of its data."""
        if not self.floor_ms:
            return None
        return round(max(self.p50_ms - self.framework_floor_ms, 0) / self.floor_ms, 1)

    @property
    def least_sql_ms(self) -> float | None:
        """The page's SQL cost: its own SQL measured in the run, or the hand-written floor where
        that is lower (a floor that recomputes what the page reads from a cache is not one)."""
        candidates = [ms for ms in (self.own_sql_ms, self.floor_ms) if ms]
        return min(candidates) if candidates else None

    @property
    def own_over_own_sql(self) -> float | None:
        """(p50 − framework floor) / the page's least SQL: the goal is ≤ 3."""
        if not self.least_sql_ms:
            return None
        return round(max(self.p50_ms - self.framework_floor_ms, 0) / self.least_sql_ms, 1)

    @property
    def goal_ms(self) -> float | None:
        """p95 ≤ framework floor + 3 × SQL floor."""
        if self.floor_ms is None:
            return None
        return round(self.framework_floor_ms + 3 * self.floor_ms, 1)

    @property
    def meets_goal(self) -> bool | None:
        return None if self.goal_ms is None else self.p95_ms <= self.goal_ms

    @property
    def goal_reachable(self) -> bool | None:
        """Whether the stack leaves room for the goal: its least own cost (SQL taken as free)
        within the 3 × SQL floor the goal allows over the framework floor, and the empty page's
        own p95 within the goal (a page doing more in the same run does not do better)."""
        if self.floor_ms is None or self.least_own_ms is None or self.goal_ms is None:
            return None
        return (
            self.least_own_ms <= 3 * self.floor_ms and self.framework_floor_p95_ms <= self.goal_ms
        )

    def as_json(self) -> dict:
        return {
            **asdict(self),
            "p95_over_floor": self.ratio,
            "p50_less_framework_over_floor": self.own_over_floor,
            "least_sql_ms": self.least_sql_ms,
            "p50_less_framework_over_own_sql": self.own_over_own_sql,
            "own_sql_goal_met": None
            if self.own_over_own_sql is None
            else self.own_over_own_sql <= 3,
            "goal_ms": self.goal_ms,
            "meets_goal": self.meets_goal,
            "goal_reachable_with_orm_and_django_templates": self.goal_reachable,
        }


class Breakdown:
    """Where one request's time goes: SQL through an execute wrapper, templates by wrapping
    the template backend's render (less the SQL run inside it)."""

    def __init__(self) -> None:
        self.sql = 0.0
        self.template = 0.0
        self._sql_in_template = 0.0
        self._rendering = 0

    def _execute(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - started
            self.sql += spent
            if self._rendering:
                self._sql_in_template += spent

    @contextmanager
    def watching(self) -> Iterator[Breakdown]:
        original = DjangoTemplate.render
        breakdown = self

        def render(template, context=None, request=None):
            breakdown._rendering += 1
            started = time.perf_counter()
            try:
                return original(template, context, request)
            finally:
                breakdown._rendering -= 1
                if not breakdown._rendering:
                    breakdown.template += time.perf_counter() - started

        DjangoTemplate.render = render
        try:
            with connection.execute_wrapper(self._execute):
                yield self
        finally:
            DjangoTemplate.render = original

    def reset(self) -> tuple[float, float]:
        """(sql ms, template ms less its SQL) since the last reset."""
        result = (self.sql * 1000, (self.template - self._sql_in_template) * 1000)
        self.sql = self.template = self._sql_in_template = 0.0
        return result


# --- The floors: raw SQL computing what each page shows -------------------------------------------


def _xa(ctx: Context, where: str = "") -> str:
    return f"c.kind = 'xa' AND c.edition = {int(ctx.edition)} {where}"


def _dashboard_sql(ctx: Context, province_id: int | None) -> SQL:
    """The dashboard's aggregates: breakdown, criteria counts, progress, agency performance."""
    where = f"AND c.province_id = {province_id}" if province_id else ""
    group = "c.district_id" if province_id else "c.province_id"
    set_id = ctx.criteria_set.pk
    per_criterion = ", ".join(
        f"count(*) FILTER (WHERE s.met_mask & {1 << n} > 0), "
        f"count(*) FILTER (WHERE s.unmet_mask & {1 << n} > 0)"
        for n in ctx.criterion_numbers
    )
    year = timezone.localdate().year
    return [
        (
            f"""SELECT {group}, count(*), count(s.id), count(s.id) FILTER (WHERE s.all_met),
                sum(s.met_count), count(s.id) FILTER (WHERE s.at_risk),
                count(*) FILTER (WHERE m.recognition_level = 'ntm'),
                count(*) FILTER (WHERE m.recognition_level = 'nang_cao'),
                count(*) FILTER (WHERE m.recognition_level = 'kieu_mau'),
                sum(m.villages_total), sum(m.villages_met), max(s.refreshed_at)
            FROM communes_commune c
            LEFT JOIN criteria_communestanding s
                ON s.commune_id = c.id AND s.criteria_set_id = %s AND s.is_latest
            LEFT JOIN criteria_communesummary m ON m.commune_id = c.id
            WHERE {_xa(ctx, where)} GROUP BY {group}""",
            [set_id],
        ),
        (
            f"""SELECT count(*), {per_criterion} FROM criteria_communestanding s
            JOIN communes_commune c ON c.id = s.commune_id
            WHERE s.criteria_set_id = %s AND s.is_latest AND {_xa(ctx, where)}""",
            [set_id],
        ),
        (
            f"""SELECT s.year, s.half, count(*), count(*) FILTER (WHERE s.all_met),
                sum(s.met_count), count(*) FILTER (WHERE s.at_risk)
            FROM criteria_communestanding s JOIN communes_commune c ON c.id = s.commune_id
            WHERE s.criteria_set_id = %s AND {_xa(ctx, where)} GROUP BY s.year, s.half""",
            [set_id],
        ),
        (
            f"""SELECT a.agency_id, count(*) FILTER (WHERE i.due_date <= current_date),
                count(*) FILTER (WHERE i.status = 'done' AND r.inspected_on <= i.due_date),
                count(*) FILTER (WHERE i.status = 'planned' AND i.due_date < current_date)
            FROM sponsorships_inspection i
            JOIN sponsorships_assignment a ON a.id = i.assignment_id
            JOIN communes_commune c ON c.id = a.commune_id
            LEFT JOIN sponsorships_inspectionreport r ON r.inspection_id = i.id
            WHERE i.status <> 'cancelled' AND i.due_date BETWEEN %s AND %s AND {_xa(ctx, where)}
            GROUP BY a.agency_id""",
            [f"{year}-01-01", f"{year}-12-31"],
        ),
    ]


def _national_from_base_tables(ctx: Context) -> SQL:
    """For the note: the national breakdown without the summary table (latest approved
    evaluation per xã found on the fly)."""
    return [
        (
            f"""WITH latest AS (
                SELECT DISTINCT ON (e.commune_id) e.commune_id, e.met_count, e.criteria_count
                FROM criteria_evaluation e
                WHERE e.criteria_set_id = %s AND e.village_id IS NULL AND e.status = 'approved'
                ORDER BY e.commune_id, e.period_end DESC, e.half DESC, e.id DESC)
            SELECT c.province_id, count(*), count(l.commune_id),
                count(*) FILTER (WHERE l.met_count = l.criteria_count), sum(l.met_count)
            FROM communes_commune c LEFT JOIN latest l ON l.commune_id = c.id
            WHERE {_xa(ctx)} GROUP BY c.province_id""",
            [ctx.criteria_set.pk],
        )
    ]


def _heatmap_sql(ctx: Context) -> SQL:
    where = f"AND c.province_id = {ctx.province.pk}"
    return [
        *_dashboard_sql(ctx, ctx.province.pk)[1:2],
        (
            f"""SELECT count(*) FROM communes_commune c JOIN criteria_communestanding s
                ON s.commune_id = c.id AND s.criteria_set_id = %s AND s.is_latest
            WHERE {_xa(ctx, where)}""",
            [ctx.criteria_set.pk],
        ),
        (
            f"""SELECT c.*, s.met_count, s.criteria_count, s.met_mask, s.unmet_mask
            FROM communes_commune c JOIN criteria_communestanding s
                ON s.commune_id = c.id AND s.criteria_set_id = %s AND s.is_latest
            LEFT JOIN communes_district d ON d.id = c.district_id
            WHERE {_xa(ctx, where)} ORDER BY d.search_name, c.search_name, c.code LIMIT 40""",
            [ctx.criteria_set.pk],
        ),
    ]


def _list_sql(ctx: Context) -> SQL:
    where = f"AND c.province_id = {ctx.province.pk}"
    bit = 1 << ctx.criterion_numbers[0]
    body = f"""FROM communes_commune c JOIN criteria_communestanding s
            ON s.commune_id = c.id AND s.criteria_set_id = %s AND s.is_latest
        WHERE {_xa(ctx, where)} AND s.unmet_mask & {bit} > 0"""
    return [
        (f"SELECT count(*) {body}", [ctx.criteria_set.pk]),
        (f"SELECT c.*, s.* {body} ORDER BY c.search_name LIMIT 50", [ctx.criteria_set.pk]),
    ]


def _commune_sql(ctx: Context) -> SQL:
    """The commune page: the unit with its province and district, its villages, and where it
    came from (2025: each predecessor with its place and last known standing, recognitions,
    villages and inspections) or where it went (2024)."""
    unit = """SELECT c.*, p.name, d.name FROM communes_commune c
        JOIN communes_province p ON p.id = c.province_id
        LEFT JOIN communes_district d ON d.id = c.district_id"""
    statements: SQL = [
        (f"{unit} WHERE c.id = %s", [ctx.commune.pk]),
        (
            "SELECT * FROM communes_village WHERE commune_id = %s ORDER BY search_name",
            [ctx.commune.pk],
        ),
    ]
    if ctx.edition == Edition.THREE_TIER_2024:
        return [
            *statements,
            (
                """SELECT l.*, c.*, p.name FROM communes_communelineage l
                JOIN communes_commune c ON c.id = l.successor_id
                JOIN communes_province p ON p.id = c.province_id
                WHERE l.predecessor_id = %s ORDER BY c.search_name, c.code""",
                [ctx.commune.pk],
            ),
        ]
    origins = "(SELECT predecessor_id FROM communes_communelineage WHERE successor_id = %s)"
    return [
        *statements,
        (
            """SELECT l.*, c.*, p.name, d.name FROM communes_communelineage l
            JOIN communes_commune c ON c.id = l.predecessor_id
            JOIN communes_province p ON p.id = c.province_id
            LEFT JOIN communes_district d ON d.id = c.district_id
            WHERE l.successor_id = %s ORDER BY c.search_name, c.code""",
            [ctx.commune.pk],
        ),
        (
            f"""SELECT s.*, cs.code FROM criteria_communestanding s
            JOIN criteria_criteriaset cs ON cs.id = s.criteria_set_id
            WHERE s.is_latest AND s.commune_id IN {origins}""",
            [ctx.commune.pk],
        ),
        (
            f"""SELECT * FROM criteria_recognition WHERE revoked_on IS NULL
            AND commune_id IN {origins} ORDER BY commune_id, decision_date DESC""",
            [ctx.commune.pk],
        ),
        (
            f"""SELECT * FROM criteria_communesummary WHERE villages_total > 0
            AND commune_id IN {origins}""",
            [ctx.commune.pk],
        ),
        (
            f"""SELECT DISTINCT ON (a.commune_id) a.commune_id, r.inspected_on, g.name
            FROM sponsorships_inspectionreport r
            JOIN sponsorships_inspection i ON i.id = r.inspection_id
            JOIN sponsorships_assignment a ON a.id = i.assignment_id
            JOIN sponsorships_agency g ON g.id = a.agency_id
            WHERE a.commune_id IN {origins} ORDER BY a.commune_id, r.inspected_on DESC""",
            [ctx.commune.pk],
        ),
    ]


def _grid_sql(evaluation: str, params: list) -> SQL:
    """An evaluation's grid: its set's criteria with their results, their indicators with the
    values and the thresholds."""
    return [
        (
            f"""SELECT k.*, r.met FROM criteria_criterion k
            LEFT JOIN criteria_criterionresult r ON r.criterion_id = k.id
                AND r.evaluation_id = {evaluation}
            WHERE k.criteria_set_id = (SELECT criteria_set_id FROM criteria_evaluation
                WHERE id = {evaluation}) ORDER BY k.number""",
            params * 2,
        ),
        (
            f"""SELECT n.*, v.value, v.note, v.met, t.value, t.region, t.commune_group,
                t.year_from, t.year_to
            FROM criteria_indicator n JOIN criteria_criterion k ON k.id = n.criterion_id
            LEFT JOIN criteria_indicatorvalue v ON v.indicator_id = n.id
                AND v.evaluation_id = {evaluation}
            LEFT JOIN criteria_threshold t ON t.indicator_id = n.id
            WHERE k.criteria_set_id = (SELECT criteria_set_id FROM criteria_evaluation
                WHERE id = {evaluation}) ORDER BY k.number, n.position""",
            params * 2,
        ),
    ]


def _commune_status_sql(ctx: Context) -> SQL:
    """The criteria status: the commune, every evaluation of it and its villages, the grid of
    the latest, its group decisions, recognitions, lineage and recognition cases."""
    latest = """(SELECT id FROM criteria_evaluation WHERE commune_id = %s AND village_id IS NULL
        ORDER BY period_end DESC, half DESC, id DESC LIMIT 1)"""
    pk = ctx.commune.pk
    return [
        (
            """SELECT c.*, p.name, d.name, (SELECT count(*) FROM communes_village v
                WHERE v.commune_id = c.id)
            FROM communes_commune c JOIN communes_province p ON p.id = c.province_id
            LEFT JOIN communes_district d ON d.id = c.district_id WHERE c.id = %s""",
            [pk],
        ),
        (
            """SELECT e.*, v.name, s.code FROM criteria_evaluation e
            LEFT JOIN communes_village v ON v.id = e.village_id
            JOIN criteria_criteriaset s ON s.id = e.criteria_set_id
            WHERE e.commune_id = %s ORDER BY e.period_end DESC, e.half DESC, e.id DESC""",
            [pk],
        ),
        *_grid_sql(latest, [pk]),
        (
            """SELECT g.*, d.* FROM criteria_communegroupsetting g
            JOIN criteria_communegroupdecision d ON d.id = g.decision_id
            WHERE g.commune_id = %s ORDER BY d.applies_from DESC, d.date DESC""",
            [pk],
        ),
        (
            "SELECT * FROM criteria_recognition WHERE commune_id = %s ORDER BY decision_date DESC",
            [pk],
        ),
        (
            """SELECT l.*, c.name FROM communes_communelineage l
            JOIN communes_commune c ON c.id IN (l.predecessor_id, l.successor_id) AND c.id <> %s
            WHERE %s IN (l.predecessor_id, l.successor_id)""",
            [pk, pk],
        ),
        (
            """SELECT k.*, s.* FROM criteria_recognitioncase k
            JOIN criteria_recognitionstep s ON s.id = k.step_id
            WHERE k.commune_id = %s ORDER BY k.year DESC, k.id DESC LIMIT 20""",
            [pk],
        ),
    ]


def _evaluation_sql(ctx: Context) -> SQL:
    """An evaluation: it with its commune and places, its grid, the previous evaluation's results
    and values (what changed), the size of its history and its evidence."""
    pk = ctx.evaluation_id
    previous = """(SELECT p.id FROM criteria_evaluation p JOIN criteria_evaluation e ON e.id = %s
        WHERE p.commune_id = e.commune_id AND p.criteria_set_id = e.criteria_set_id
            AND p.village_id IS NULL AND p.id <> e.id
            AND (p.period_end, p.half) < (e.period_end, e.half)
        ORDER BY p.period_end DESC, p.half DESC, p.id DESC LIMIT 1)"""
    return [
        (
            """SELECT e.*, c.*, p.name, d.name, v.name, s.code FROM criteria_evaluation e
            JOIN communes_commune c ON c.id = e.commune_id
            JOIN communes_province p ON p.id = c.province_id
            LEFT JOIN communes_district d ON d.id = c.district_id
            LEFT JOIN communes_village v ON v.id = e.village_id
            JOIN criteria_criteriaset s ON s.id = e.criteria_set_id WHERE e.id = %s""",
            [pk],
        ),
        *_grid_sql("%s", [pk]),
        (
            f"""SELECT r.criterion_id, r.met FROM criteria_criterionresult r
            WHERE r.evaluation_id = {previous}""",
            [pk],
        ),
        (
            f"""SELECT v.indicator_id, v.value FROM criteria_indicatorvalue v
            WHERE v.evaluation_id = {previous}""",
            [pk],
        ),
        (
            """SELECT count(*) FROM criteria_evaluationlog
            WHERE evaluation_id = %s AND action <> 'refused'""",
            [pk],
        ),
        (
            """SELECT x.*, u.username, n.name FROM criteria_evidence x
            JOIN ntm_portal_user u ON u.id = x.uploaded_by_id
            LEFT JOIN criteria_indicator n ON n.id = x.indicator_id
            WHERE x.evaluation_id = %s ORDER BY x.uploaded_at""",
            [pk],
        ),
    ]


def _family(ctx: Context) -> str:
    """The province office's provinces: its own and those of the other edition it joins (the
    pages show both)."""
    return ", ".join(str(pk) for pk in sorted(province_family_ids(ctx.province.pk)))


def _review_sql(ctx: Context) -> SQL:
    """The review queue: how many wait, the first 50 with their places, village, set and
    submitter, and the districts and sets its filters offer."""
    family = _family(ctx)
    body = f"""FROM criteria_evaluation e JOIN communes_commune c ON c.id = e.commune_id
        WHERE c.province_id IN ({family}) AND e.status = 'submitted'"""
    return [
        (f"SELECT count(*) {body}", []),
        (
            f"""SELECT e.*, c.code, c.name, p.name, d.name, v.name, s.code, u.username
            FROM criteria_evaluation e JOIN communes_commune c ON c.id = e.commune_id
            JOIN communes_province p ON p.id = c.province_id
            LEFT JOIN communes_district d ON d.id = c.district_id
            LEFT JOIN communes_village v ON v.id = e.village_id
            JOIN criteria_criteriaset s ON s.id = e.criteria_set_id
            LEFT JOIN ntm_portal_user u ON u.id = e.submitted_by_id
            WHERE c.province_id IN ({family}) AND e.status = 'submitted'
            ORDER BY e.submitted_at, e.id LIMIT 50""",
            [],
        ),
        (
            f"""SELECT id, name FROM communes_district WHERE province_id IN ({family})
            ORDER BY search_name""",
            [],
        ),
        ("SELECT id, code, name FROM criteria_criteriaset ORDER BY valid_from DESC", []),
    ]


def _calendar_sql(ctx: Context) -> SQL:
    """The calendar: this year's inspections in the office's provinces, how many, the first 100
    with agency, commune, places and report; the agencies and districts its filters offer."""
    year = timezone.localdate().year
    family = _family(ctx)
    body = f"""FROM sponsorships_inspection i
        JOIN sponsorships_assignment a ON a.id = i.assignment_id
        JOIN communes_commune c ON c.id = a.commune_id
        WHERE c.province_id IN ({family}) AND i.due_date BETWEEN %s AND %s"""
    params = [f"{year}-01-01", f"{year}-12-31"]
    return [
        (f"SELECT count(*) {body}", params),
        (
            f"""SELECT i.*, a.*, g.name, c.name, p.name, d.name, r.id, r.inspected_on
            FROM sponsorships_inspection i
            JOIN sponsorships_assignment a ON a.id = i.assignment_id
            JOIN sponsorships_agency g ON g.id = a.agency_id
            JOIN communes_commune c ON c.id = a.commune_id
            JOIN communes_province p ON p.id = c.province_id
            LEFT JOIN communes_district d ON d.id = c.district_id
            LEFT JOIN sponsorships_inspectionreport r ON r.inspection_id = i.id
            WHERE c.province_id IN ({family}) AND i.due_date BETWEEN %s AND %s
            ORDER BY i.due_date, i.id LIMIT 100""",
            params,
        ),
        (
            f"""SELECT id, name, short_name FROM sponsorships_agency
            WHERE province_id IN ({family}) ORDER BY name""",
            [],
        ),
        (
            f"""SELECT id, name FROM communes_district WHERE province_id IN ({family})
            ORDER BY search_name LIMIT 200""",
            [],
        ),
    ]


def _province_list_sql(ctx: Context) -> SQL:
    return [
        (
            """SELECT p.id, p.name, (SELECT count(*) FROM communes_district d
                WHERE d.province_id = p.id), (SELECT count(*) FROM communes_commune c
                WHERE c.province_id = p.id AND c.kind = 'xa'), (SELECT count(*)
                FROM communes_commune c WHERE c.province_id = p.id)
            FROM communes_province p WHERE p.edition = %s ORDER BY p.search_name""",
            [ctx.edition],
        )
    ]


def _province_page_sql(ctx: Context) -> SQL:
    return [
        (
            """SELECT d.id, d.name, count(c.id) FROM communes_district d
            LEFT JOIN communes_commune c ON c.district_id = d.id
            WHERE d.province_id = %s GROUP BY d.id ORDER BY d.search_name""",
            [ctx.province.pk],
        ),
        (
            """SELECT c.*, (SELECT count(*) FROM communes_village v WHERE v.commune_id = c.id)
            FROM communes_commune c WHERE c.province_id = %s ORDER BY c.search_name LIMIT 50""",
            [ctx.province.pk],
        ),
    ]


def _import_sql(ctx: Context) -> SQL:
    # The preview reads the import's summary and one page of its rows (their own table); the
    # rows as read ("table") are not loaded.
    return [
        (
            """SELECT id, kind, original_name, status, result, new_count, updated_count,
            unchanged_count, error_count FROM ntm_portal_rosterimport WHERE id = %s""",
            [ctx.roster_import_id],
        ),
        (
            """SELECT number, status, detail FROM ntm_portal_rosterimportrow
            WHERE roster_import_id = %s ORDER BY number LIMIT 50""",
            [ctx.roster_import_id],
        ),
    ]


def _dashboard(name: str, national: bool = False) -> Callable[[Context], str]:
    # The set of the edition measured; nationally, the edition too (a province has its own).
    def url(ctx: Context) -> str:
        edition = f"&phien_ban={ctx.edition}" if national else ""
        return f"{reverse(name)}?bo={ctx.criteria_set.pk}{edition}"

    return url


PAGES: list[Page] = [
    Page(
        "national dashboard",
        _dashboard("dashboards:overview", national=True),
        lambda ctx: _dashboard_sql(ctx, None),
        user="admin",
        target_ms=300,
        grows="linear",
    ),
    Page(
        "province dashboard",
        _dashboard("dashboards:overview"),
        lambda ctx: _dashboard_sql(ctx, ctx.province.pk),
        target_ms=200,
    ),
    Page("heat map", _dashboard("dashboards:heatmap"), _heatmap_sql),
    Page(
        "xã behind a figure",
        lambda ctx: (
            reverse("dashboards:commune_list")
            + f"?bo={ctx.criteria_set.pk}&tieu_chi={ctx.criterion_id}&trang_thai=chua-dat"
        ),
        _list_sql,
    ),
    Page(
        "commune page",
        lambda ctx: reverse("communes:commune_detail", args=[ctx.commune.pk]),
        _commune_sql,
        target_ms=100,
        grows="flat",
    ),
    Page(
        "commune status",
        lambda ctx: reverse("criteria:commune_status", args=[ctx.commune.pk]),
        _commune_status_sql,
        target_ms=100,
        grows="flat",
    ),
    Page(
        "evaluation",
        lambda ctx: reverse("criteria:evaluation_detail", args=[ctx.evaluation_id]),
        _evaluation_sql,
        grows="flat",
    ),
    Page(
        "province list",
        lambda ctx: reverse("communes:province_list") + f"?edition={ctx.edition}",
        _province_list_sql,
        user="admin",
        grows="linear",
    ),
    Page(
        "province page",
        lambda ctx: reverse("communes:province_detail", args=[ctx.province.pk]),
        _province_page_sql,
        user="admin",
    ),
    Page("calendar", lambda ctx: reverse("sponsorships:calendar"), _calendar_sql),
    Page("review queue", lambda ctx: reverse("criteria:review_queue"), _review_sql),
    Page(
        "import preview",
        lambda ctx: reverse("rosters:import_detail", args=[ctx.roster_import_id]),
        _import_sql,
        user="admin",
        grows="flat",
    ),
]


class Command(BaseCommand):
    help = (
        "Dựng dữ liệu toàn quốc (phiên bản 2024) rồi đo thời gian (p50/p95), số truy vấn SQL và "
        "mức sàn SQL thuần của các trang chính; ghi kết quả vào var/benchmark.json."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=["national", "small"], default="national")
        parser.add_argument(
            "--requests",
            type=int,
            default=50,
            help="số lần đo mỗi trang (≥ 50; với --scale small ≥ 20)",
        )
        parser.add_argument(
            "--roster-rows",
            type=int,
            default=ROSTER_ROWS,
            help=f"số dòng của bảng nhập liệu đã kiểm tra (trang xem trước; mặc định {ROSTER_ROWS:,})",
        )
        parser.add_argument(
            "--communes",
            type=int,
            default=None,
            help="chỉ dựng N xã đầu tiên của mỗi phiên bản (mặc định theo --scale)",
        )
        parser.add_argument(
            "--edition",
            choices=["2024", "2025", "both"],
            default="both",
            help="phiên bản đo (mặc định: cả hai)",
        )
        parser.add_argument(
            "--province",
            default=None,
            help="mã tỉnh đo (mặc định: tỉnh có nhiều xã nhất trong dữ liệu dựng); đo tăng "
            "trưởng ở hai cỡ dữ liệu thì dùng cùng một tỉnh",
        )
        parser.add_argument(
            "--growth-from",
            default=None,
            help="var/benchmark.json của một lần đo ở cỡ dữ liệu khác: thêm tỷ lệ tăng theo trang",
        )
        parser.add_argument(
            "--pages",
            default=None,
            help="chỉ đo các trang có tên chứa một trong các chuỗi này, cách nhau bằng dấu phẩy "
            "(thử nhanh một thay đổi; var/benchmark.json khi đó không đủ các trang)",
        )
        parser.add_argument(
            "--profile",
            action="store_true",
            help="in 25 hàm tốn thời gian nhất (cProfile, thời gian riêng) của mỗi trang đo",
        )
        parser.add_argument("--output", default=str(Path(settings.VAR_DIR) / "benchmark.json"))

    def handle(
        self,
        *args,
        scale: str,
        requests: int,
        communes: int | None,
        edition: str,
        output: str,
        province: str | None = None,
        growth_from: str | None = None,
        roster_rows: int = ROSTER_ROWS,
        pages: str | None = None,
        profile: bool = False,
        **options,
    ):
        # At national scale the figures are the issue's: 50 requests at least. A small run is a
        # quick try of the whole thing (the suite runs one).
        requests = max(requests, 50 if scale == "national" else 20)
        roster_rows = max(roster_rows, 100)
        limit = communes or (SMALL_SCALE if scale == "small" else None)
        wanted = [name.strip() for name in pages.split(",")] if pages else None
        measured_pages = [
            page for page in PAGES if not wanted or any(name in page.name for name in wanted)
        ]
        editions = (
            [Edition.THREE_TIER_2024, Edition.TWO_TIER_2025]
            if edition == "both"
            else [Edition(int(edition))]
        )
        # The 2024 edition is always built: the 2025 one is formed from it (the lineage).
        build = {}
        rural = {Edition.THREE_TIER_2024: self._build(build, limit)}
        if Edition.TWO_TIER_2025 in editions:
            rural[Edition.TWO_TIER_2025] = self._build_2025(build, limit)
        self.stdout.write(f"database: {connection.vendor}; {requests} requests per page\n")
        # Static files as in development: the hashed manifest would need `collectstatic` first.
        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        report = {
            "scale": scale,
            "database": connection.vendor,
            "requests_per_page": requests,
            "machine": _machine(),
            "build": build,
            "editions": {},
        }
        for measured in editions:
            criteria_set = CriteriaSet.objects.get(code=EDITION_SETS[measured])
            with (
                transaction.atomic(),
                override_settings(
                    ALLOWED_HOSTS=["testserver"],
                    STORAGES=storages,
                    ROOT_URLCONF="reports.benchmark_urls",
                ),
            ):
                ctx = self._context(criteria_set, rural[measured], measured, province, roster_rows)
                framework = {
                    user: self._framework_floor(ctx, user, requests)
                    for user in sorted({page.user for page in measured_pages})
                }
                prices = stack_prices(ctx.commune.pk)
                measurements = [
                    self._measure(ctx, page, requests, framework[page.user], prices, profile)
                    for page in measured_pages
                ]
                data = _data_size(criteria_set, ctx)
                base = (
                    self._floor(_national_from_base_tables(ctx), requests)[0]
                    if connection.vendor == "postgresql"
                    else 0.0
                )
                transaction.set_rollback(True)  # the users made for measuring do not outlive it
            self._print(measured, criteria_set, measurements, base, framework, prices)
            by_name = {m.page: m for m in measurements}
            heat, listed = by_name.get("heat map"), by_name.get("xã behind a figure")
            goals = {
                "pages_meeting_p95_goal": sum(1 for m in measurements if m.meets_goal),
                "pages_with_a_goal": sum(1 for m in measurements if m.goal_ms is not None),
                "pages_where_the_stack_leaves_room_for_the_goal": sum(
                    1 for m in measurements if m.goal_reachable
                ),
                "max_queries": max(m.queries for m in measurements),
                "pages_within_3x_own_sql": sum(
                    1
                    for m in measurements
                    if m.own_over_own_sql is not None and m.own_over_own_sql <= 3
                ),
            }
            if heat and listed:
                goals["heatmap_over_list_p50"] = round(heat.p50_ms / listed.p50_ms, 2)
                goals["heatmap_within_2x_list"] = heat.p50_ms <= 2 * listed.p50_ms
            report["editions"][str(int(measured))] = {
                "criteria_set": criteria_set.code,
                "communes": len(rural[measured]),
                "province": ctx.province.code,
                "data": data,
                "framework_floor_ms": {user: round(f.ms, 1) for user, f in framework.items()},
                "framework_floor_p95_ms": {
                    user: round(f.p95_ms, 1) for user, f in framework.items()
                },
                "stack_prices": prices.as_json(),
                "pages": [m.as_json() for m in measurements],
                "goals": goals,
                "national_breakdown_from_base_tables_ms": round(base, 1),
            }
            self.stdout.write(
                f"goal p95 ≤ framework floor + 3 × SQL floor met by "
                f"{goals['pages_meeting_p95_goal']}/{goals['pages_with_a_goal']} pages"
                + (
                    f"; heat map / list behind a figure (p50) {goals['heatmap_over_list_p50']}×"
                    if "heatmap_over_list_p50" in goals
                    else ""
                )
            )
        if growth_from:
            report["growth"] = _growth(json.loads(Path(growth_from).read_text()), report)
            self._print_growth(report["growth"])
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        self.stdout.write(f"written: {output}")

    def _print(
        self,
        edition: int,
        criteria_set: CriteriaSet,
        measurements,
        base: float,
        framework: dict[str, Framework],
        prices: StackPrices,
    ) -> None:
        self.stdout.write(f"\nedition {int(edition)}, {criteria_set.code}")
        self.stdout.write(
            "framework floor (authenticated base layout, no data), p50 (p95): "
            + ", ".join(
                f"{user} {f.ms:.1f} ({f.p95_ms:.1f}) ms" for user, f in sorted(framework.items())
            )
        )
        self.stdout.write(
            "ms; own/SQL = (p50 − framework floor) / SQL floor; goal = framework floor + "
            "3 × SQL floor (p95); sql/tmpl/py = where the p50 goes; rows = the SQL floor's rows"
        )
        self.stdout.write(
            f"{'page':<20}{'p50':>7}{'p95':>7}{'q':>4}{'SQL fl':>8}{'fw fl':>7}"
            f"{'own/SQL':>8}{'goal':>7}{'met':>5}{'sql':>7}{'tmpl':>7}{'py':>7}{'rows':>7}"
        )
        for m in measurements:
            floor = f"{m.floor_ms:.1f}" if m.floor_ms is not None else "—"
            goal = f"{m.goal_ms:.0f}" if m.goal_ms is not None else "—"
            met = {True: "yes", False: "NO", None: "—"}[m.meets_goal]
            self.stdout.write(
                f"{m.page[:19]:<20}{m.p50_ms:>7.1f}{m.p95_ms:>7.1f}{m.queries:>4}{floor:>8}"
                f"{m.framework_floor_ms:>7.1f}{m.own_over_floor or '—':>8}{goal:>7}{met:>5}"
                f"{m.sql_ms:>7.1f}{m.template_ms:>7.1f}{m.python_ms:>7.1f}{m.floor_rows:>7}"
            )
        self.stdout.write(
            f"national breakdown from base tables, no summary table (p50): {base:.1f} ms"
        )
        self._print_least(measurements, prices)
        self._print_own_sql(measurements)

    def _print_own_sql(self, measurements: list[Measurement]) -> None:
        self.stdout.write(
            "\neach page against its own SQL, measured in the same run (its queries less the "
            "framework floor's); least SQL = the lower of it and the hand-written floor; ratio = "
            "(p50 − framework floor) / least SQL, goal ≤ 3"
        )
        self.stdout.write(
            f"{'page':<20}{'own p50':>8}{'own SQL':>8}{'SQL fl':>8}{'least':>7}{'ratio':>7}"
            f"{'≤ 3':>5}"
        )
        for m in measurements:
            floor = f"{m.floor_ms:.1f}" if m.floor_ms is not None else "—"
            least = f"{m.least_sql_ms:.1f}" if m.least_sql_ms else "—"
            ratio = m.own_over_own_sql
            met = "—" if ratio is None else ("yes" if ratio <= 3 else "NO")
            self.stdout.write(
                f"{m.page[:19]:<20}{max(m.p50_ms - m.framework_floor_ms, 0):>8.1f}"
                f"{m.own_sql_ms:>8.1f}{floor:>8}{least:>7}{ratio or '—':>7}{met:>5}"
            )

    def _print_least(self, measurements: list[Measurement], prices: StackPrices) -> None:
        price = prices.as_json()
        self.stdout.write(
            f"\nthe stack's least own cost per page (SQL taken as free): own queries × "
            f"{price['orm_query_us']} µs (ORM beyond its SQL) + values × "
            f"{price['template_value_us']} µs (Django template) or × {price['html_value_us']} µs "
            "(plain escaped HTML); room = whether it fits the 3 × SQL floor the goal allows and "
            "the empty page's own p95 (fw p95) is within the goal"
        )
        self.stdout.write(
            f"{'page':<20}{'own q':>6}{'values':>7}{'least':>7}{'plain':>7}{'3×SQL':>7}"
            f"{'own p50':>8}{'fw p95':>7}{'goal':>6}{'room':>6}"
        )
        for m in measurements:
            if m.floor_ms is None:
                continue
            room = {True: "yes", False: "NO", None: "—"}[m.goal_reachable]
            self.stdout.write(
                f"{m.page[:19]:<20}{m.own_queries:>6}{m.values:>7}{m.least_own_ms:>7.1f}"
                f"{m.least_own_plain_html_ms:>7.1f}{3 * m.floor_ms:>7.1f}"
                f"{max(m.p50_ms - m.framework_floor_ms, 0):>8.1f}"
                f"{m.framework_floor_p95_ms:>7.1f}{m.goal_ms:>6.1f}{room:>6}"
            )

    def _print_growth(self, growth: dict) -> None:
        if not growth["pages"]:
            self.stdout.write("growth: no edition measured at both sizes")
            return
        self.stdout.write(
            f"\ngrowth: data ×{growth['data_ratio']} "
            f"({growth['smaller']['standings']} → {growth['larger']['standings']} standings)"
        )
        for page in growth["pages"]:
            verdict = "ok" if page["within"] else "NO"
            self.stdout.write(
                f"{page['page']:<22} p50/floor ×{page['p50_over_framework_ratio']:<6} "
                f"(p50 ×{page['p50_ratio']:<5} floor ×{page['framework_floor_ratio']:<5}) queries "
                f"{page['queries'][0]}→{page['queries'][1]} ({page['grows']}, "
                f"≤ ×{page['allowed']}) {verdict}"
            )

    # --- Building -------------------------------------------------------------------------------

    def _step(
        self,
        build: dict,
        name: str,
        action: Callable[[], object],
        describe: Callable[[object], str] = str,
    ) -> object:
        started = time.perf_counter()
        result = action()
        seconds = time.perf_counter() - started
        told = describe(result)
        build[name] = {"seconds": round(seconds, 2), "result": told}
        self.stdout.write(f"{name}: {seconds:.1f} s ({told})")
        return result

    def _build(self, build: dict, limit: int | None) -> list[Commune]:
        started = time.perf_counter()
        self._step(
            build,
            "load_divisions 2024",
            lambda: divisions_load(edition=Edition.THREE_TIER_2024).summary(),
        )
        self._step(
            build,
            "load_criteria",
            lambda: catalogue_load(directory=Path(settings.BASE_DIR) / "fixtures" / "criteria"),
        )
        criteria_set = CriteriaSet.objects.get(code=NATIONAL_SET)
        village_set = CriteriaSet.objects.filter(level=CriteriaSet.Level.THON).first()
        rural = list(
            Commune.objects.of_edition(Edition.THREE_TIER_2024)
            .xa()
            .select_related("province")
            .order_by("pk")[:limit]
        )
        self._step(
            build,
            "evaluations (10 half-years per xã)",
            lambda: build_evaluations(criteria_set=criteria_set, communes=rural),
        )
        self._step(
            build,
            "villages (~8 per xã) and their evaluations",
            lambda: build_villages(communes=rural, village_set=village_set),
        )
        self._step(build, "recognitions", lambda: build_recognitions(criteria_set=criteria_set))
        self._step(
            build,
            "drafts (1 xã in 10, at most 1,000: the load test's commune officials open them)",
            lambda: build_drafts(criteria_set=criteria_set, communes=rural),
            describe=lambda found: f"{len(found)} drafts open",
        )
        today = timezone.localdate()
        self._step(
            build,
            "agencies, assignments, 5 years of inspections",
            lambda: build_sponsorships(communes=rural, today=today),
        )
        approved = Evaluation.objects.approved().filter(village=None).count()
        if CommuneStanding.objects.count() != approved:
            self._step(build, "summary tables (standings_refresh)", standings_refresh)
        assignments = Assignment.objects.filter(agency__name__startswith=MARK).count()
        for label in ("plan_inspections", "plan_inspections re-run"):
            self._step(
                build,
                f"{label} ({assignments} assignments)",
                lambda: inspections_plan(today=today).summary(),
            )
        if connection.vendor == "postgresql":
            # Fresh planner statistics after bulk loading, as autovacuum would give production
            # (the throwaway test server runs without it): without them every join is a guess.
            self._step(build, "ANALYZE", _analyze, describe=lambda _: "done")
        build["total_seconds"] = round(time.perf_counter() - started, 1)
        self.stdout.write(f"build total: {build['total_seconds']:.1f} s")
        return rural

    def _build_2025(self, build: dict, limit: int | None) -> list[Commune]:
        """The 2025 edition as it is today: its lineage, the xã in groups, four QĐ 51
        half-years, villages, and agencies and inspections from 01/07/2025."""
        started = time.perf_counter()
        step = self._step
        step(
            build,
            "2025: load_divisions",
            lambda: divisions_load(edition=Edition.TWO_TIER_2025).summary(),
        )
        step(build, "2025: load_lineage", lambda: lineage_load().summary())
        criteria_set = CriteriaSet.objects.get(code=EDITION_SETS[Edition.TWO_TIER_2025])
        village_set = CriteriaSet.objects.filter(level=CriteriaSet.Level.THON).first()
        rural = list(
            Commune.objects.of_edition(Edition.TWO_TIER_2025)
            .xa()
            .select_related("province")
            .order_by("pk")[:limit]
        )
        groups = step(
            build,
            "2025: commune groups",
            lambda: build_group_decisions(communes=rural),
            # Told as xã per group: the mapping itself has one entry per xã.
            describe=lambda found: f"xã per group: {dict(sorted(Counter(found.values()).items()))}",
        )
        step(
            build,
            "2025: evaluations (4 half-years of QĐ 51 per xã)",
            lambda: build_evaluations(
                criteria_set=criteria_set, communes=rural, periods=PERIODS_2025, groups=groups
            ),
        )
        step(
            build,
            "2025: villages and their evaluations",
            lambda: build_villages(communes=rural, village_set=village_set),
        )
        step(build, "2025: recognitions", lambda: build_recognitions(criteria_set=criteria_set))
        today = timezone.localdate()
        step(
            build,
            "2025: agencies, assignments, inspections since 01/07/2025",
            lambda: build_sponsorships(communes=rural, today=today, since=REORGANISED_ON),
        )
        approved = Evaluation.objects.approved().filter(village=None).count()
        if CommuneStanding.objects.count() != approved:
            step(build, "2025: summary tables (standings_refresh)", standings_refresh)
        step(build, "2025: plan_inspections", lambda: inspections_plan(today=today).summary())
        if connection.vendor == "postgresql":
            step(build, "2025: ANALYZE", _analyze, describe=lambda _: "done")
        build["total_seconds_2025"] = round(time.perf_counter() - started, 1)
        self.stdout.write(f"build total (2025): {build['total_seconds_2025']:.1f} s")
        return rural

    # --- Measuring ------------------------------------------------------------------------------

    def _context(
        self,
        criteria_set: CriteriaSet,
        rural: list[Commune],
        edition: int,
        province_code: str | None = None,
        roster_rows: int = ROSTER_ROWS,
    ) -> Context:
        # The largest province of the build, or the one asked for (the same at two sizes).
        if province_code:
            province = Province.objects.get(edition=edition, code=province_code)
        else:
            sizes = Counter(commune.province_id for commune in rural)
            province = Province.objects.get(pk=sizes.most_common(1)[0][0])
        # A commune page as the province office opens it: a xã of that province.
        commune = next(c for c in rural if c.province_id == province.pk)
        criteria = list(criteria_set.criteria.order_by("number"))
        admin = User.objects.create(
            username=f"benchmark-admin-{edition}", role=Role.ADMIN, is_superuser=True
        )
        office = User.objects.create(
            username=f"benchmark-province-{edition}", role=Role.PROVINCE, province=province
        )
        clients = {}
        for name, user in (("admin", admin), ("province", office)):
            clients[name] = Client()
            clients[name].force_login(user)
        return Context(
            criteria_set=criteria_set,
            province=province,
            commune=commune,
            evaluation_id=Evaluation.objects.filter(commune=commune, village=None)
            .values_list("pk", flat=True)
            .first(),
            criterion_numbers=[c.number for c in criteria],
            criterion_id=criteria[0].pk,
            edition=edition,
            # A checked 10,000-row evaluation roster, in a province of its own (issue 6).
            roster_import_id=previewable_import(actor=admin, rows=roster_rows).pk,
            clients=clients,
        )

    def _framework_floor(self, ctx: Context, user: str, requests: int) -> Framework:
        """p50 of the authenticated base layout with no data, for this user, and what that
        page runs and renders (each page's own counts are beyond these)."""
        client = ctx.clients[user]
        url = reverse("benchmark_floor")
        for _ in range(3):
            response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        with CaptureQueriesContext(connection) as captured, counting_values() as values:
            client.get(url)
        queries = len(captured)
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        return Framework(
            statistics.median(timings),
            queries,
            values[0],
            p95_ms=_p95(timings),
        )

    def _measure(
        self,
        ctx: Context,
        page: Page,
        requests: int,
        framework: Framework,
        prices: StackPrices,
        profile: bool = False,
    ) -> Measurement:
        client = ctx.clients[page.user]
        url = page.url(ctx)
        for _ in range(3):  # warm caches, templates and connections
            client.get(url)
        with CaptureQueriesContext(connection) as captured, counting_values() as values:
            response = client.get(url)
        # Counted now: the captured list is read lazily from a log the next request clears.
        query_count = len(captured)
        own_queries = max(query_count - framework.queries, 0)
        own_values = max(values[0] - framework.values, 0)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        # Each request of the page is followed by one of the framework floor and one run of the
        # SQL floor: the three are measured side by side, so that a machine that slows down for
        # a minute (a shared host does) slows all three alike rather than one page.
        statements = page.floor(ctx) if connection.vendor == "postgresql" else None
        floor_url = reverse("benchmark_floor")
        if statements is not None:
            self._floor_once(statements)  # its plans and pages warm
        timings, sql, template, empty, raw, own_sql = [], [], [], [], [], []
        rows = 0
        breakdown = Breakdown()
        with breakdown.watching():
            for _ in range(requests):
                breakdown.reset()
                started = time.perf_counter()
                client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                spent_sql, spent_template = breakdown.reset()
                sql.append(spent_sql)
                template.append(spent_template)
                started = time.perf_counter()
                client.get(floor_url)
                empty.append((time.perf_counter() - started) * 1000)
                own_sql.append(max(spent_sql - breakdown.reset()[0], 0.0))
                if statements is not None:
                    spent, rows = self._floor_once(statements)
                    raw.append(spent)
                breakdown.reset()
        if profile:
            self._print_profile(page.name, client, url, requests)
        floor = statistics.median(raw) if raw else None
        p50, sql_p50, template_p50 = (statistics.median(x) for x in (timings, sql, template))
        return Measurement(
            page=page.name,
            url=url,
            p50_ms=round(p50, 1),
            p95_ms=round(_p95(timings), 1),
            queries=query_count,
            floor_ms=round(floor, 1) if floor is not None else None,
            target_ms=page.target_ms,
            framework_floor_ms=round(statistics.median(empty), 1),
            framework_floor_p95_ms=round(_p95(empty), 1),
            floor_rows=rows,
            sql_ms=round(sql_p50, 1),
            template_ms=round(template_p50, 1),
            python_ms=round(max(p50 - sql_p50 - template_p50, 0), 1),
            grows=page.grows,
            own_queries=own_queries,
            values=own_values,
            least_own_ms=round(prices.least_own_ms(own_queries, own_values), 1),
            least_own_plain_html_ms=round(
                prices.least_own_ms(own_queries, own_values, template=False), 1
            ),
            own_sql_ms=round(statistics.median(own_sql), 2),
        )

    def _print_profile(self, name: str, client: Client, url: str, requests: int) -> None:
        """The functions a page spends its own time in, over as many requests again (profiled
        apart: the profiler's overhead stays out of the figures)."""
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(requests):
            client.get(url)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(15)
        # The portal's own functions by cumulative time: which of them the time is under.
        own = r"/(ntm_portal|communes|criteria|sponsorships|reports)/(?!management)"
        stats.sort_stats("cumulative").print_stats(own, 25)
        self.stdout.write(f"\nprofile: {name}, {requests} requests\n{out.getvalue()}")

    def _floor_once(self, statements: SQL) -> tuple[float, int]:
        """One run of a page's SQL floor: ms, and the rows it fetched."""
        with connection.cursor() as cursor:
            started = time.perf_counter()
            rows = 0
            for sql, params in statements:
                cursor.execute(sql, params)
                rows += len(cursor.fetchall())
            return (time.perf_counter() - started) * 1000, rows

    def _floor(self, statements: SQL, requests: int) -> tuple[float, int]:
        """p50 of the raw statements run one after the other, rows fetched: the database's part;
        and how many rows they fetch (after three runs to warm it)."""
        for _ in range(3):
            self._floor_once(statements)
        runs = [self._floor_once(statements) for _ in range(requests)]
        return statistics.median(ms for ms, _rows in runs), runs[-1][1]


def _p95(timings: list[float]) -> float:
    return statistics.quantiles(timings, n=20)[18]


def _analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _data_size(criteria_set: CriteriaSet, ctx: Context) -> dict:
    """The size of the data measured: the country's, and the measured province's."""
    from sponsorships.models import Inspection

    standings = CommuneStanding.objects.filter(criteria_set=criteria_set)
    return {
        "evaluations": Evaluation.objects.filter(criteria_set=criteria_set).count(),
        "standings": standings.count(),
        "latest_standings": standings.filter(is_latest=True).count(),
        "inspections": Inspection.objects.count(),
        "province_latest_standings": standings.filter(
            is_latest=True, commune__province=ctx.province
        ).count(),
    }


def _growth(smaller: dict, larger: dict) -> dict:
    """Per page: p50 at the larger size over p50 at the smaller one, against what the page may
    grow by (flat ≤ 1.1×; linear ≤ the data's own ratio), and the query counts at both.

    Judged on the p50 over its own run's framework floor (measured beside it, request by
    request): the empty page costs the same at both sizes, so that ratio takes out how fast the
    machine was during each run, which on a shared host moves by half between two runs minutes
    apart (the same templates, rendering the same rows, were 1.5× slower in one). The plain p50
    ratio is kept beside it."""
    result: dict = {"pages": []}
    for edition, large in larger["editions"].items():
        small = smaller["editions"].get(edition)
        if small is None or "data" not in small:
            continue
        data_ratio = round(large["data"]["standings"] / max(small["data"]["standings"], 1), 2)
        result.update(
            edition=edition, smaller=small["data"], larger=large["data"], data_ratio=data_ratio
        )
        before = {page["page"]: page for page in small["pages"]}
        for page in large["pages"]:
            old = before.get(page["page"])
            if old is None:
                continue
            ratio = round(page["p50_ms"] / old["p50_ms"], 2)
            normalised = round(
                (page["p50_ms"] / page["framework_floor_ms"])
                / (old["p50_ms"] / old["framework_floor_ms"]),
                2,
            )
            allowed = 1.1 if page["grows"] == "flat" else max(data_ratio, 1.1)
            result["pages"].append(
                {
                    "page": page["page"],
                    "grows": page["grows"],
                    "p50_ratio": ratio,
                    "p50_over_framework_ratio": normalised,
                    "framework_floor_ratio": round(
                        page["framework_floor_ms"] / old["framework_floor_ms"], 2
                    ),
                    "p95_ratio": round(page["p95_ms"] / old["p95_ms"], 2),
                    "allowed": allowed,
                    "within": normalised <= allowed,
                    "queries": [old["queries"], page["queries"]],
                    "queries_equal": old["queries"] == page["queries"],
                }
            )
        break  # one edition: the first measured at both sizes
    return result
