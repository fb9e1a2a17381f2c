"""The load test's arithmetic: per page p50/p95/p99, requests/s and errors, against the goal."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from django.conf import global_settings
from django.core.management import call_command
from django.utils import timezone

from criteria.benchmark_data import build_evaluations
from criteria.catalogue import catalogue_load
from criteria.models import CriteriaSet, Evaluation, IndicatorValue
from criteria.standings import standings_refresh
from ntm_portal.models import RosterImport, User
from reports.management.commands.loadtest import MIX, Command, _percentile, forms_of, knee
from sponsorships.benchmark_data import build_sponsorships
from sponsorships.models import InspectionReport
from sponsorships.services import inspections_plan
from tests.factories import CommuneFactory, DistrictFactory, ProvinceFactory


def _report(results, seconds=10.0):
    return Command()._report(
        results, 20, 10, 1.0, 2, 2, {"seconds": seconds, "cores_used": 0.4}, "http://127.0.0.1:1"
    )


def test_percentiles_errors_and_throughput_per_page():
    results = [("dashboard", float(ms), 200) for ms in range(1, 101)]
    results += [("calendar", 50.0, 200)] * 9 + [("calendar", 3000.0, 500)]
    report = _report(results)
    dashboard, calendar = report["pages"]["dashboard"], report["pages"]["calendar"]
    assert (dashboard["requests"], dashboard["errors"]) == (100, 0)
    assert dashboard["p50_ms"] == 50.5
    assert dashboard["p95_ms"] == 95.0
    assert dashboard["p99_ms"] == 99.0
    assert dashboard["requests_per_s"] == 10.0
    assert (calendar["errors"], report["errors"]) == (1, 1)
    assert report["requests_per_s"] == 11.0
    assert report["meets_goal"] is False  # one error is one too many
    assert report["load_generator"]["cores_used"] == 0.4


def test_the_goal_is_no_errors_p95_within_300_ms_and_p99_within_a_second():
    # 100 requests: p95 is the 95th (200 ms), p99 the 99th (990 ms).
    report = _report([("heat map", 200.0, 200)] * 98 + [("heat map", 990.0, 200)] * 2)
    assert report["meets_goal"] is True
    slow_p95 = _report([("heat map", 200.0, 200)] * 90 + [("heat map", 400.0, 200)] * 10)
    assert slow_p95["meets_goal"] is False
    slow_p99 = _report([("heat map", 200.0, 200)] * 97 + [("heat map", 1500.0, 200)] * 3)
    assert slow_p99["meets_goal"] is False


def test_every_role_walks_and_the_mix_is_twenty():
    assert len(MIX) == 20
    assert set(MIX) == {"admin", "province", "district", "agency", "commune"}
    assert _percentile([7.0], 0.95) == 7.0


def test_the_knee_is_where_p95_passes_300_ms_and_names_the_busiest_server():
    def step(users, rate, p95, web, database):
        return {
            "users": users,
            "requests_per_s": rate,
            "p95_ms": p95,
            "cpu_cores_used": {"web": web, "postgresql": database, "load_generator": 0.5},
        }

    stages = [step(5, 40.0, 90.0, 0.8, 0.2), step(10, 70.0, 250.0, 1.3, 0.3)]
    stages.append(step(20, 75.0, 520.0, 1.5, 0.3))
    found = knee(stages)
    assert (found["reached"], found["users"], found["requests_per_s"]) == (True, 20, 75.0)
    assert found["last_under"] == {"users": 10, "requests_per_s": 70.0}
    assert found["bottleneck"] == "web"  # the generator is reported, never the bottleneck
    never = knee(stages[:2])
    assert never["reached"] is False
    assert never["last_under"]["requests_per_s"] == 70.0
    assert knee([])["reached"] is None


def test_forms_are_read_as_a_browser_sends_them():
    html = (
        '<form action="/x/"><input type="hidden" name="csrfmiddlewaretoken" value="t">'
        '<input type="checkbox" name="a"><input type="checkbox" name="b" checked>'
        '<select name="s"><option value="1">1</option><option value="2" selected>2</option>'
        '</select><textarea name="t">chữ</textarea><button type="submit" name="go">Gửi</button>'
        "</form><form><input name=q value=z></form>"
    )
    first, second = forms_of(html)
    assert first == {
        "action": "/x/",
        "fields": {"csrfmiddlewaretoken": "t", "b": "on", "s": "2", "t": "chữ"},
    }
    assert second == {"action": "", "fields": {"q": "z"}}


@pytest.fixture
def working_day(transactional_db, tmp_path, settings):
    """A tiny country with the benchmark's data: QĐ 318 evaluations (the last one submitted),
    standings, agencies with inspections to report on."""
    # The users sign in on gunicorn, which checks passwords with the portal's own hashers.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    settings.STORAGES = {
        **settings.STORAGES,  # gunicorn serves the hashed manifest that collectstatic writes
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    source = Path(__file__).resolve().parent.parent / "fixtures" / "criteria"
    (tmp_path / "qd318").mkdir()
    shutil.copy(source / "qd318-2022-xa-ntm.json", tmp_path / "qd318")
    catalogue_load(directory=tmp_path / "qd318")
    criteria_set = CriteriaSet.objects.get(code="QD318-2022-XA-NTM")
    province = ProvinceFactory()
    district = DistrictFactory(province=province)
    communes = [CommuneFactory(district=district) for _ in range(6)]
    build_evaluations(criteria_set=criteria_set, communes=communes, periods=[(2024, 2), (2025, 1)])
    standings_refresh()
    today = timezone.localdate()
    build_sponsorships(communes=communes, today=today)
    inspections_plan(today=today)
    return criteria_set


def test_a_tiny_working_day_writes_what_each_role_does(working_day, tmp_path):
    output = tmp_path / "loadtest.json"
    out = io.StringIO()
    call_command(
        "loadtest",
        users=5,
        seconds=6,
        think=0.05,
        steps="2",
        step_seconds=2,
        workers=1,
        threads=2,
        output=str(output),
        stdout=out,
    )
    report = json.loads(output.read_text("utf-8"))
    pages = report["pages"]
    # Every role signed in through the form and did its writes, over HTTP.
    assert pages["login"]["requests"] >= 5
    assert pages["login"]["errors"] == 0
    for step in ("evaluation save", "evaluation submit", "approve", "report save"):
        assert pages[step]["requests"] >= 1, step
    assert IndicatorValue.objects.filter(note__startswith="Thử tải").exists()
    # The drafts (the half-year after the latest) were sent; the province approved the others.
    assert Evaluation.objects.filter(status=Evaluation.Status.SUBMITTED, year=2025, half=2).exists()
    assert Evaluation.objects.filter(status=Evaluation.Status.APPROVED, year=2025, half=1).exists()
    assert InspectionReport.objects.filter(proposals="Thử tải: báo cáo kiểm tra.").exists()
    # The agency issued its report as a document; the real worker rendered it.
    documents = report["documents"]
    assert documents["issued"] >= 1
    assert documents["rendered"] == documents["issued"], out.getvalue()
    # One province office took a roster through the worker's check and confirmed it.
    assert report["roster"]["checked"] is True, out.getvalue()
    assert report["roster"]["confirmed"] is True
    assert RosterImport.objects.filter(status=RosterImport.Status.IMPORTED).exists()
    # The new figures are in the JSON.
    assert set(report["machine"]) >= {"cpus", "load_average_at_start"}
    assert report["load_generator"]["cores_used"] >= 0
    assert {"web", "postgresql", "worker", "load_generator"} <= set(report["cpu_cores_used"])
    (stage,) = report["steps"]
    assert {"users", "requests_per_s", "p50_ms", "p95_ms", "p99_ms", "errors", "pages"} <= set(
        stage
    )
    assert stage["users"] == 2
    assert {"reached", "requests_per_s", "bottleneck", "cpu_cores_used"} <= set(report["knee"])
    assert "knee:" in out.getvalue()
    assert User.objects.filter(username__startswith="loadtest-").exists()
    assert not User.objects.filter(username__startswith="loadtest-", is_active=True).exists()
