"""Inspections planned after their period ended are unrecorded, not overdue; a done or cancelled
inspection is no longer overdue, and the overdue notices about it are withdrawn."""

import re

from django.db import migrations, models
from django.db.models import F, Q

OVERDUE_NOTICE = "Quá hạn kiểm tra %(commune)s (%(period)s): hạn %(due)s"
INSPECTION_URL = re.compile(r"/kiem-tra/(\d+)/$")


def forwards(apps, schema_editor):
    Inspection = apps.get_model("sponsorships", "Inspection")
    Notification = apps.get_model("ntm_portal", "Notification")
    Inspection.objects.filter(status="planned", created_at__date__gt=F("due_date")).update(
        planned_after_due=True, overdue_since=None
    )
    Inspection.objects.filter(~Q(status="planned"), overdue_since__isnull=False).update(
        overdue_since=None
    )
    open_ids = set(
        Inspection.objects.filter(status="planned", planned_after_due=False).values_list(
            "pk", flat=True
        )
    )
    stale = []
    for pk, url in Notification.objects.filter(template=OVERDUE_NOTICE).values_list("pk", "url"):
        match = INSPECTION_URL.search(url)
        if match and int(match.group(1)) not in open_ids:
            stale.append(pk)
    Notification.objects.filter(pk__in=stale).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sponsorships", "0004_agency_member_log"),
        ("ntm_portal", "0008_roster_import_rows_from_result"),
    ]

    operations = [
        migrations.AddField(
            model_name="inspection",
            name="planned_after_due",
            field=models.BooleanField(default=False, verbose_name="lập sau kỳ"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
