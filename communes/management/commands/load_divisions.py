from django.core.management.base import BaseCommand, CommandError, CommandParser

from communes.divisions import DivisionError
from communes.services import divisions_load


class Command(BaseCommand):
    help = "Nạp danh mục đơn vị hành chính (2024: tỉnh–huyện–xã; 2025: tỉnh–xã). Chạy lại an toàn."

    def add_arguments(self, parser: CommandParser) -> None:
        # No argparse `choices`: an unknown edition gets our one-line message, not a usage dump.
        parser.add_argument("--edition", type=int, required=True, help="2024 hoặc 2025")

    def handle(self, *args, edition: int, **options) -> None:
        try:
            result = divisions_load(edition=edition)
        except DivisionError as error:
            raise CommandError(str(error)) from None
        for line in (*result.corrections, *result.not_in_source):
            self.stdout.write(line)
        self.stdout.write(result.summary())
