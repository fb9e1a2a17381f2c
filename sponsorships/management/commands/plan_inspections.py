from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sponsorships.services import inspections_plan


class Command(BaseCommand):
    help = "Lập lịch kiểm tra như tác vụ hằng ngày, tính theo một ngày (mặc định: hôm nay)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", dest="day", help="YYYY-MM-DD")

    def handle(self, *args, day: str | None = None, **options) -> None:
        try:
            today = date.fromisoformat(day) if day else timezone.localdate()
        except ValueError:
            raise CommandError(f"Ngày {day!r} không hợp lệ: dùng dạng YYYY-MM-DD.") from None
        self.stdout.write(inspections_plan(today=today).summary())
