"""A province's public page: what residents and the press may see of its NTM results.

Aggregates and official decisions only: each xã's recognition level, criteria met and villages
met, the recognition decisions (number, date, level; never the signer's name), the counts by
level, and the commune map when the province uploaded boundaries. No person's name, no
evidence, no inspection report. Built once per province and language, kept in the cache for
CACHE_SECONDS, and it says when it was built.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, FilteredRelation, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from communes.models import Edition, Province
from criteria.models import CommuneStanding, CriteriaSet, Recognition
from criteria.selectors import set_in_force
from ntm_portal.models import User
from ntm_portal.security import security_log

from .charts import Bar, horizontal_bars
from .maps import commune_choropleth, province_choropleth
from .models import CommuneBoundarySet, PublicProvincePage

CACHE_SECONDS = 10 * 60
LATEST_RECOGNITIONS = 20
LEVEL_ORDER = [
    Recognition.Level.KIEU_MAU,
    Recognition.Level.NANG_CAO,
    Recognition.Level.NTM,
    "",
]


def cache_key(province_id: int, language: str) -> str:
    return f"public-province:{province_id}:{language}"


def public_page_forget(province_id: int) -> None:
    """What the page shows changed (published, boundaries): build it again on the next visit."""
    for language in ("vi", "en"):
        try:
            cache.delete(cache_key(province_id, language))
        except Exception:  # the cache backend's own errors: the page then expires by itself
            return


@transaction.atomic
def public_page_publish(*, province: Province, published: bool, actor: User) -> PublicProvincePage:
    """Turn a province's public page on or off; who did it and when stay on the row and in the
    security log, and the cached page is dropped once the change is committed."""
    page, _created = PublicProvincePage.objects.update_or_create(
        province=province, defaults={"is_published": published, "changed_by": actor}
    )
    security_log.info(
        "Public page of province %s %s by user=%s",
        province.pk,
        "published" if published else "withdrawn",
        actor.pk,
    )
    transaction.on_commit(lambda: public_page_forget(province.pk))
    return page


def public_page(province: Province) -> dict:
    """The page's content, from the cache when it is fresh (never failing with the cache)."""
    key = cache_key(province.pk, get_language() or "vi")
    try:
        page = cache.get(key)
    except Exception:  # the cache backend's own errors: build the page without it
        page = None
    if page is None:
        page = build_public_page(province)
        with contextlib.suppress(Exception):  # as above: served, only not kept
            cache.set(key, page, CACHE_SECONDS)
    return page


def _criteria_set(province: Province) -> CriteriaSet | None:
    """The set in force for the province's edition; if none of its xã has an approved
    evaluation against it, the set of its latest approved evaluation."""
    in_force = set_in_force(province.edition, timezone.localdate())
    standings = CommuneStanding.objects.filter(commune__province=province, is_latest=True)
    if in_force and standings.filter(criteria_set=in_force).exists():
        return in_force
    latest = standings.select_related("criteria_set").order_by("-period_end", "-pk").first()
    return latest.criteria_set if latest else in_force


def build_public_page(province: Province) -> dict:
    criteria_set = _criteria_set(province)
    condition = Q(standings__criteria_set=criteria_set, standings__is_latest=True)
    communes = list(
        province.communes.xa()
        .annotate(st=FilteredRelation("standings", condition=condition))
        .select_related("summary")
        .annotate(
            met=F("st__met_count"),
            total=F("st__criteria_count"),
            year=F("st__year"),
            half=F("st__half"),
            refreshed=F("st__refreshed_at"),
        )
        .order_by("search_name", "code")
    )
    rows = []
    for commune in communes:
        summary = getattr(commune, "summary", None)
        level = summary.recognition_level if summary else ""
        rows.append(
            {
                "code": commune.code,
                "name": commune.name,
                "level": level,
                "level_label": Recognition.Level(level).label if level else _("Chưa đạt chuẩn"),
                "met": commune.met,
                "total": commune.total,
                "period": f"{commune.half}/{commune.year}" if commune.half else commune.year,
                "villages_met": summary.villages_met if summary else 0,
                "villages_total": summary.villages_total if summary else 0,
            }
        )
    counts = Counter(row["level"] for row in rows)
    levels = [
        {
            "level": level,
            "label": Recognition.Level(level).label if level else _("Chưa đạt chuẩn"),
            "count": counts.get(level, 0),
            "communes": [row for row in rows if row["level"] == level],
        }
        for level in LEVEL_ORDER
    ]
    recognitions = [
        {
            "commune": r.commune.name,
            "level": r.get_level_display(),
            "number": r.decision_number,
            "date": r.decision_date,
            "revoked_on": r.revoked_on,
        }
        for r in Recognition.objects.filter(commune__province=province)
        .select_related("commune")
        .order_by("-decision_date", "-pk")[:LATEST_RECOGNITIONS]
    ]
    xa_count = len(rows)
    recognised = sum(counts[level] for level in LEVEL_ORDER if level)
    levels_chart = horizontal_bars(
        title=_("Xã theo mức công nhận"),
        bars=[Bar(level["label"], level["count"], xa_count) for level in levels],
        summary=_("%(province)s: %(recognised)s/%(total)s xã đã đạt chuẩn nông thôn mới")
        % {"province": province.name, "recognised": recognised, "total": xa_count},
    )
    predecessors = _related_pages(province.predecessors())
    successors = _related_pages(province.successors())
    boundaries = CommuneBoundarySet.objects.filter(province=province).first()
    commune_map = None
    if boundaries:
        commune_map = commune_choropleth(
            boundaries=boundaries,
            rows=[(row["code"], row["name"], row["met"] or 0, row["total"] or 0) for row in rows],
        )
    summaries_at = max(
        (c.summary.refreshed_at for c in communes if getattr(c, "summary", None)), default=None
    )
    standings_at = max((c.refreshed for c in communes if c.refreshed), default=None)
    return {
        "province_name": province.name,
        "edition": province.get_edition_display(),
        "criteria_set": str(criteria_set) if criteria_set else "",
        "rows": rows,
        "levels": levels,
        # With its years where a province of the other edition is linked (their names alike).
        "province_label": years_label(province) if predecessors or successors else province.name,
        "xa_count": xa_count,
        "recognised": recognised,
        "levels_chart": levels_chart,
        "province_map": _province_map(province, recognised, xa_count),
        "predecessors": predecessors,
        "successors": successors,
        "villages_met": sum(row["villages_met"] for row in rows),
        "villages_total": sum(row["villages_total"] for row in rows),
        "recognitions": recognitions,
        "commune_map": commune_map,
        "has_boundaries": boundaries is not None,
        "built_at": timezone.now(),
        "data_at": _latest(standings_at, summaries_at),
    }


def years_label(province: Province) -> str:
    """The province's name with the years it held ("Tỉnh Quảng Bình (đến 30/06/2025)", "Tỉnh
    Quảng Trị (từ 01/07/2025)"): a former province and today's are told apart wherever both are
    named, their names often the same."""
    valid_from, valid_to = Edition.validity(province.edition)
    valid_from, valid_to = province.valid_from or valid_from, province.valid_to or valid_to
    if valid_to is not None:
        return _("%(name)s (đến %(day)s)") % {"name": province.name, "day": f"{valid_to:%d/%m/%Y}"}
    if valid_from is not None:
        return _("%(name)s (từ %(day)s)") % {"name": province.name, "day": f"{valid_from:%d/%m/%Y}"}
    return province.name


def _related_pages(provinces) -> list[dict]:
    """The published pages of the provinces a province was formed from, or went into."""
    return [
        {"pk": related.pk, "label": years_label(related)}
        for related in provinces.filter(public_page__is_published=True).order_by("search_name")
    ]


def _province_map(province: Province, recognised: int, xa_count: int):
    """The dashboard's map of the country, this province filled by its share of recognised xã
    and every other province drawn pale, named in its tooltip."""
    others = Province.objects.of_edition(province.edition).exclude(pk=province.pk)
    rows = [(province.code, province.name, recognised, xa_count, "")]
    rows += [(code, name, 0, 0, "") for code, name in others.values_list("code", "name")]
    return province_choropleth(
        title=_("Vị trí của %(province)s") % {"province": province.name},
        edition=province.edition,
        rows=rows,
        no_data=_("tỉnh khác"),
        summary=_("%(province)s trên bản đồ; màu theo tỷ lệ xã đã đạt chuẩn nông thôn mới")
        % {"province": province.name},
    )


def _latest(*moments: datetime | None) -> datetime | None:
    return max(filter(None, moments), default=None)


def published_provinces():
    """The provinces whose page is public, as listed on the sign-in page: today's. A former
    province whose successor publishes its page is reached from that page, not listed beside it
    (the 2024 Tỉnh Quảng Trị and today's would read as two identical links)."""
    return (
        Province.objects.filter(public_page__is_published=True)
        .exclude(successions__successor__public_page__is_published=True)
        .order_by("search_name")
    )
