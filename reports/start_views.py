""" "Bắt đầu với tỉnh": the province office's checklist of what is set up (reports.province_start)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from communes.access import ended_district_accounts

from .access import get_start_province_or_404
from .province_start import start_steps


def province_start(request: HttpRequest, pk: int) -> HttpResponse:
    province = get_start_province_or_404(request.user, pk)
    steps = start_steps(province, request.user, timezone.localdate())
    return render(
        request,
        "reports/province_start.html",
        {
            "province": province,
            "steps": steps,
            "done": sum(step.done for step in steps),
            "next_step": next((step for step in steps if not step.done), None),
            # Accounts of districts that ended, still open: the office locks them (issue 28 §6).
            "ended_district_accounts": list(ended_district_accounts(province.pk)),
        },
    )
