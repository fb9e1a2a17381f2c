"""What the stack itself charges per unit of a page's work, for `manage.py benchmark`.

Measured in the benchmark's own process, beside the pages: what one ORM query costs in Python
beyond its SQL (building the query, the cursor's rows turned into a model object), what one
value costs rendered by Django's template language, and what the cheapest HTML of a value costs
(escaped and joined in plain Python, as any template engine must at least do). With a page's own
query count and the number of values its templates render, they give the page's **least own
cost**: what no code of that page can go under with the ORM and Django's templates, even if its
SQL took no time at all. When that is already above 3 × the page's SQL floor, the goal
p95 ≤ framework floor + 3 × SQL floor cannot be met by making the page's code better, only by not
running it (a page served from a cache) or by leaving the ORM and the template language.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape

from django.db import connection
from django.template import base as template_base
from django.template import engines

from communes.models import Commune

ROWS = 500  # rows of the rendering samples: two values each
REPEAT = 200


@dataclass(frozen=True)
class StackPrices:
    orm_query_ms: float  # one single-row query through the ORM, less the same SQL run raw
    template_value_ms: float  # one {{ value }} in a {% for %} of Django's template language
    html_value_ms: float  # one value escaped into HTML and joined in plain Python

    def least_own_ms(self, own_queries: int, values: int, *, template: bool = True) -> float:
        per_value = self.template_value_ms if template else self.html_value_ms
        return own_queries * self.orm_query_ms + values * per_value

    def as_json(self) -> dict:
        return {
            "orm_query_us": round(self.orm_query_ms * 1000, 1),
            "template_value_us": round(self.template_value_ms * 1000, 2),
            "html_value_us": round(self.html_value_ms * 1000, 2),
        }


def _median_ms(work: Callable[[], object], repeat: int = REPEAT) -> float:
    for _ in range(5):
        work()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def stack_prices(commune_pk: int) -> StackPrices:
    """The three prices, each a median over REPEAT runs."""
    query = Commune.objects.select_related("province").filter(pk=commune_pk)
    sql, params = query.query.sql_with_params()

    def raw() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    orm = _median_ms(lambda: list(query.all())) - _median_ms(raw)
    rows = [{"name": f"Xã Số {n}", "code": f"{n:05d}"} for n in range(ROWS)]
    template = engines["django"].from_string(
        "{% for row in rows %}<tr><td>{{ row.name }}</td><td>{{ row.code }}</td></tr>{% endfor %}"
    )
    rendered = _median_ms(lambda: template.render({"rows": rows}), repeat=REPEAT // 4)

    def plain() -> str:
        return "".join(
            f"<tr><td>{escape(row['name'])}</td><td>{escape(row['code'])}</td></tr>" for row in rows
        )

    values = 2 * ROWS
    return StackPrices(
        orm_query_ms=max(orm, 0.0),
        template_value_ms=rendered / values,
        html_value_ms=_median_ms(plain, repeat=REPEAT // 4) / values,
    )


@contextmanager
def counting_values() -> Iterator[list[int]]:
    """Counts the values Django's templates render ({{ … }} and the like) while it is open."""
    original = template_base.render_value_in_context
    counted = [0]

    def render_value_in_context(value, context):
        counted[0] += 1
        return original(value, context)

    template_base.render_value_in_context = render_value_in_context
    try:
        yield counted
    finally:
        template_base.render_value_in_context = original
