from django.core.management.base import BaseCommand, CommandError

from communes.divisions import DivisionError
from communes.services import lineage_load, villages_carry_over


class Command(BaseCommand):
    help = (
        "Nạp nguồn gốc đơn vị hành chính 2024 → 2025 (xã và tỉnh) từ "
        "fixtures/divisions/lineage-2025.json. Cần nạp cả hai phiên bản trước. Chạy lại an toàn."
    )

    def handle(self, *args, **options) -> None:
        try:
            result = lineage_load()
        except DivisionError as error:
            raise CommandError(str(error)) from None
        for line in result.unresolved_units:
            self.stdout.write(line)
        # The summary stays the last line: scripts read it.
        self.stdout.write(f"villages_carried={villages_carry_over()}")
        self.stdout.write(result.summary())
