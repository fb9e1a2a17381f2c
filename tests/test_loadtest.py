"""The load test's arithmetic: per page p50/p95/p99, requests/s and errors, against the goal."""

from __future__ import annotations

from reports.management.commands.loadtest import MIX, Command, _percentile


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


def test_the_goal_is_met_with_no_errors_and_p95_within_a_second():
    report = _report([("heat map", 400.0, 200)] * 50 + [("heat map", 990.0, 200)] * 2)
    assert report["meets_goal"] is True
    slow = _report([("heat map", 400.0, 200)] * 10 + [("heat map", 1500.0, 200)] * 5)
    assert slow["meets_goal"] is False


def test_every_role_walks_and_the_mix_is_twenty():
    assert len(MIX) == 20
    assert set(MIX) == {"admin", "province", "district", "agency", "commune"}
    assert _percentile([7.0], 0.95) == 7.0
