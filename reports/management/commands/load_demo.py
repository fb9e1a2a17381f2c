from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from communes.access import ended_district_notice
from reports.demo import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu (người dùng, cơ quan, phân công, thôn) cho bản chạy thử. Chạy lại an toàn."
    )

    def handle(self, *args, **options) -> None:
        if not settings.ALLOW_DEMO_DATA:
            raise CommandError(
                "Dữ liệu mẫu có mật khẩu công khai, chỉ dùng cho bản chạy thử: "
                "đặt ALLOW_DEMO_DATA=true nếu đây không phải máy chủ thật."
            )
        try:
            users = demo_load()
        except LookupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Dữ liệu mẫu đã sẵn sàng. Đăng nhập (mật khẩu {DEMO_PASSWORD}):")
        for user in users:
            # As they are now: the present moved some of them (skhdt to Sở Tài chính).
            user.refresh_from_db()
            self.stdout.write(
                f"  {user.username:<9} {user.get_role_display()}: {user.scope_label()}"
            )
            # A district account whose district ended only reads its history: say so here too.
            if notice := ended_district_notice(user):
                self.stdout.write(f"  {'':<9} {notice}")
