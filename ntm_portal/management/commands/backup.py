"""python manage.py backup [--to FOLDER]: the database and the uploaded files, in one folder."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ntm_portal.backups import BackupError, backup_create


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và các tệp tải lên vào một thư mục (khôi phục bằng `restore`)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--to",
            type=Path,
            default=None,
            help="thư mục chứa bản sao lưu (mặc định VAR_DIR/backups)",
        )

    def handle(self, *args, to: Path | None, **options) -> None:
        try:
            folder = backup_create(into=to or Path(settings.VAR_DIR) / "backups")
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(str(folder))
