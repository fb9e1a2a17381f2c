"""python manage.py restore FOLDER [--noinput]: put a backup's database and files back."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ntm_portal.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = "Khôi phục cơ sở dữ liệu và các tệp tải lên từ một bản sao lưu (thay toàn bộ dữ liệu)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="thư mục do `backup` tạo")
        parser.add_argument("--noinput", action="store_true", help="không hỏi lại")

    def handle(self, *args, folder: Path, noinput: bool, **options) -> None:
        if not noinput:
            answer = input(
                "Toàn bộ dữ liệu hiện có sẽ bị thay bằng bản sao lưu. Gõ 'co' để tiếp tục: "
            )
            if answer.strip().lower() != "co":
                raise CommandError("Đã hủy.")
        try:
            rows = backup_restore(source=folder)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(" ".join(f"{label}={count}" for label, count in rows.items()))
