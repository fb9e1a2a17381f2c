"""Demo sponsorship data: decision 1841/QĐ-UBND, the CCB steering team, and a calendar from
November 2020 on in which older inspections were filed and acknowledged and recent ones are late."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from ntm_portal.models import User

from .models import Agency, Assignment, AssignmentDecision, Inspection, SteeringMember
from .services import (
    inspections_backfill,
    inspections_plan,
    report_acknowledge,
    report_save,
    report_start,
    report_submit,
)

PLANNED_FROM = date(2020, 11, 1)  # the agencies' plans date from November 2020 (seeds 000, 004)
FILED_UNTIL = date(2024, 6, 30)  # reports filed up to here; later ones are overdue in the demo
CCB_TEAM = [
    ("Lê Văn Thành", "Phó Chủ tịch Hội CCB tỉnh", "Trưởng ban", True),
    ("Nguyễn Hữu Bình", "Trưởng ban Kinh tế", "Thành viên", False),
    ("Trần Quang Hải", "Chánh Văn phòng", "Thành viên", False),
    ("Hoàng Thị Lan", "Phó Trưởng ban Tổ chức", "Thành viên", False),
    ("Phan Văn Dũng", "Chuyên viên Ban Kinh tế", "Thư ký", False),
]


def demo_sponsorships(
    *, decision: AssignmentDecision, ccb: Agency, members: dict[Agency, User], reviewer: User
) -> None:
    Assignment.objects.filter(decision=None, agency__in=members).update(decision=decision)
    for name, position, role, is_head in CCB_TEAM:
        SteeringMember.objects.get_or_create(
            agency=ccb,
            full_name=name,
            defaults={"position": position, "team_role": role, "is_head": is_head},
        )
    today = timezone.localdate()
    assignments = Assignment.objects.filter(agency__in=members).select_related("agency")
    inspections_backfill(
        assignments=assignments, since=PLANNED_FROM, until=today, as_beat_planned=True
    )
    due = Inspection.objects.filter(
        assignment__in=assignments,
        status=Inspection.Status.PLANNED,
        due_date__lte=FILED_UNTIL,
        report__isnull=True,
    ).select_related("assignment__agency")
    for inspection in due:
        member = members[inspection.assignment.agency]
        report = report_start(inspection=inspection, actor=member)
        report = report_save(
            report=report,
            data={
                "inspected_on": inspection.due_date.strftime("%d/%m/%Y"),
                "participants": report.participants,
                "difficulties": "Nguồn vốn đối ứng của xã còn hạn chế.",
                "proposals": "Đề nghị tỉnh ưu tiên vốn cho các tiêu chí chưa đạt.",
                "resources_vnd": "50.000.000",
                "resources_in_kind": "Ngày công làm đường giao thông nông thôn",
            },
            findings={},
            version=report.version,
            actor=member,
        )
        report = report_submit(report=report, version=report.version, actor=member)
        report_acknowledge(report=report, version=report.version, actor=reviewer)
    # Beat's run of today after the reports filed on paper: what is still open is overdue.
    inspections_plan(today=today)
