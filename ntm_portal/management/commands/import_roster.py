"""python manage.py import_roster KIND FILE [--dry-run] | import_roster KIND --template FILE"""

from __future__ import annotations

import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from ntm_portal.models import User
from ntm_portal.rosters import roster_for, rosters
from ntm_portal.rosters.base import WHOLE_ROW
from ntm_portal.rosters.reading import RosterFileError
from ntm_portal.rosters.services import roster_import_record_cli, roster_validate_file
from ntm_portal.rosters.workbooks import template_workbook

MAX_PRINTED_ERRORS = 200


class Command(BaseCommand):
    help = "Kiểm tra và nhập một danh sách Excel/CSV, hoặc ghi tệp mẫu của danh sách."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=list(rosters()))
        parser.add_argument("file", nargs="?", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi gì")
        parser.add_argument("--template", type=Path, metavar="FILE", help="ghi tệp mẫu .xlsx")
        parser.add_argument("--user", help="tên đăng nhập ghi vào lịch sử (mặc định: không ghi)")

    def handle(
        self,
        *args,
        kind: str,
        file: Path | None,
        dry_run: bool,
        template: Path | None,
        user: str | None,
        **options,
    ) -> None:
        if template:
            template.write_bytes(template_workbook(roster_for(kind)))
            self.stdout.write(f"template={template}")
            return
        if file is None:
            raise CommandError("Cần tệp danh sách (FILE) hoặc --template FILE.")
        actor = User.objects.filter(username=user).first() if user else None
        if user and actor is None:
            raise CommandError(f"Không có người dùng {user!r}.")
        try:
            with transaction.atomic():
                data = file.read_bytes()
                with io.BytesIO(data) as content:
                    validation = roster_validate_file(
                        kind=kind, content=content, filename=file.name, actor=actor
                    )
                for notice in validation.table.notices:
                    self.stdout.write(notice)
                errors = validation.as_json()["errors"]
                for error in errors[:MAX_PRINTED_ERRORS]:
                    if error["column"] == WHOLE_ROW:
                        self.stdout.write(f"Dòng {error['row']}: {error['reason']}")
                        continue
                    self.stdout.write(
                        f"Dòng {error['row']}, cột «{error['column']}», giá trị «{error['value']}»: {error['reason']}"
                    )
                if len(errors) > MAX_PRINTED_ERRORS:
                    self.stdout.write(f"… và {len(errors) - MAX_PRINTED_ERRORS} lỗi khác.")
                if not dry_run and not validation.has_errors:
                    record = roster_import_record_cli(
                        kind=kind, data=data, filename=file.name, validation=validation, actor=actor
                    )
                    roster_for(kind).apply(
                        validation,
                        actor=actor,
                        reason=f"Nhập từ tệp {file.name} (dòng lệnh, lần nhập số {record.pk})",
                    )
        except (RosterFileError, OSError) as error:
            self.stdout.write(str(error))
            self.stdout.write("new=0 updated=0 unchanged=0 errors=1")
            raise SystemExit(1) from None
        counts = validation.counts
        if validation.has_errors:
            self.stdout.write("Có lỗi: không ghi gì." if not dry_run else "Có lỗi.")
        elif dry_run:
            self.stdout.write("Chạy thử: không ghi gì.")
        self.stdout.write(
            f"new={counts['new']} updated={counts['updated']} unchanged={counts['unchanged']} errors={counts['error']}"
        )
        if validation.has_errors:
            raise SystemExit(1)
