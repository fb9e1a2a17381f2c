"""Existing imports: each row's outcome moves out of `result` into its own RosterImportRow, and
`result` keeps the summary (notices, header row, how many errors), as the check now stores it.
Backwards, the rows and errors go back into `result`."""

from django.db import migrations

BATCH = 2000


def rows_out_of_result(apps, schema_editor):
    RosterImport = apps.get_model("ntm_portal", "RosterImport")
    RosterImportRow = apps.get_model("ntm_portal", "RosterImportRow")
    # One import at a time: a result can hold 20,000 rows.
    for pk in RosterImport.objects.order_by("pk").values_list("pk", flat=True):
        record = RosterImport.objects.only("pk", "result").get(pk=pk)
        result = record.result or {}
        if "rows" not in result and "errors" not in result:
            continue  # never checked, rejected, or already moved
        errors: dict[int, list[dict]] = {}
        for error in result.get("errors", []):
            errors.setdefault(error["row"], []).append(
                {"column": error["column"], "value": error["value"], "reason": error["reason"]}
            )
        RosterImportRow.objects.filter(roster_import_id=pk).delete()
        RosterImportRow.objects.bulk_create(
            (
                RosterImportRow(
                    roster_import_id=pk,
                    number=row["row"],
                    status=row["status"],
                    detail={
                        "label": row.get("label", ""),
                        "matches": row.get("matches", []),
                        "changes": row.get("changes", []),
                        "errors": errors.get(row["row"], []),
                    },
                )
                for row in result.get("rows", [])
            ),
            batch_size=BATCH,
        )
        record.result = {
            "notices": result.get("notices", []),
            "header_row": result.get("header_row"),
            "error_total": len(result.get("errors", [])),
        }
        record.save(update_fields=["result"])


def rows_back_into_result(apps, schema_editor):
    RosterImport = apps.get_model("ntm_portal", "RosterImport")
    RosterImportRow = apps.get_model("ntm_portal", "RosterImportRow")
    for pk in RosterImport.objects.order_by("pk").values_list("pk", flat=True):
        rows = list(
            RosterImportRow.objects.filter(roster_import_id=pk)
            .order_by("number")
            .values_list("number", "status", "detail")
        )
        if not rows:
            continue
        record = RosterImport.objects.only("pk", "result").get(pk=pk)
        summary = record.result or {}
        counts = {status: 0 for status in ("new", "updated", "unchanged", "error")}
        for _number, status, _detail in rows:
            counts[status] = counts.get(status, 0) + 1
        record.result = {
            "counts": counts,
            "notices": summary.get("notices", []),
            "header_row": summary.get("header_row"),
            "rows": [
                {
                    "row": number,
                    "status": status,
                    "label": detail.get("label", ""),
                    "matches": detail.get("matches", []),
                    "changes": detail.get("changes", []),
                }
                for number, status, detail in rows
            ],
            "errors": [
                {"row": number, **error}
                for number, _status, detail in rows
                for error in detail.get("errors", [])
            ],
        }
        record.save(update_fields=["result"])
        RosterImportRow.objects.filter(roster_import_id=pk).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("ntm_portal", "0007_roster_import_rows"),
    ]

    operations = [
        migrations.RunPython(rows_out_of_result, rows_back_into_result),
    ]
