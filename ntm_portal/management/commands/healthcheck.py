"""python manage.py healthcheck [--require worker,beat]: what /healthz reports, for the health
checks of containers that serve no HTTP (the worker and beat read Redis and PostgreSQL
themselves rather than depend on the web server)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ntm_portal.health import PARTS, health_report, is_healthy


class Command(BaseCommand):
    help = (
        "Báo tình trạng cơ sở dữ liệu và nhịp tim của worker, beat; mã thoát 1 khi phần được "
        "yêu cầu (--require worker,beat) không ổn."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--require",
            default="",
            help="các phần phải ổn, cách nhau bởi dấu phẩy: worker, beat",
        )

    def handle(self, *args, require: str, **options) -> None:
        parts = {part for part in require.split(",") if part}
        unknown = parts - set(PARTS)
        if unknown:
            raise CommandError(f"Không biết phần: {', '.join(sorted(unknown))}.")
        report = health_report()
        self.stdout.write(json.dumps(report))
        if not is_healthy(report, require=parts):
            raise CommandError("Không ổn.")
