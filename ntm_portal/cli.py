"""manage.py with one-line answers to the set-up mistakes people make, instead of tracebacks."""

from __future__ import annotations

import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.management import execute_from_command_line
from django.db.utils import OperationalError


def run(argv: list[str]) -> None:
    try:
        execute_from_command_line(argv)
    except ImproperlyConfigured as error:
        _fail(f"Cấu hình sai: {error}")
    except OperationalError as error:
        _fail(
            "Không kết nối được cơ sở dữ liệu "
            f"({_first_line(error)}): kiểm tra DATABASE_URL (postgres://user:pass@host:5432/db) "
            "và máy chủ PostgreSQL, hoặc bỏ DATABASE_URL để dùng SQLite nhúng."
        )


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _fail(message: str) -> None:
    sys.stderr.write(f"Lỗi: {message}\n")
    sys.exit(2)
