"""manage.py with one-line answers to the set-up mistakes people make, instead of tracebacks."""

from __future__ import annotations

import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.management import execute_from_command_line
from django.db.utils import OperationalError, ProgrammingError


def run(argv: list[str]) -> None:
    try:
        execute_from_command_line(argv)
    except ImproperlyConfigured as error:
        _fail(f"Cấu hình sai: {error}")
    except (OperationalError, ProgrammingError) as error:
        if _is_missing_table(error):
            _fail(
                f"Cơ sở dữ liệu chưa có bảng cần thiết ({_first_line(error)}): "
                "chạy `python manage.py migrate` trước."
            )
        if isinstance(error, ProgrammingError):
            raise
        _fail(
            "Không kết nối được cơ sở dữ liệu "
            f"({_first_line(error)}): kiểm tra DATABASE_URL (postgres://user:pass@host:5432/db) "
            "và máy chủ PostgreSQL, hoặc bỏ DATABASE_URL để dùng SQLite nhúng."
        )


def _is_missing_table(error: Exception) -> bool:
    text = str(error)
    return "no such table" in text or ("relation" in text and "does not exist" in text)


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _fail(message: str) -> None:
    sys.stderr.write(f"Lỗi: {message}\n")
    sys.exit(2)
