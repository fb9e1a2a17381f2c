from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from criteria.models import Evaluation
from criteria.services import evaluation_recompute_logged


class Command(BaseCommand):
    help = (
        "Tính lại trạng thái tiêu chí sau khi sửa ngưỡng, vùng hay nhóm xã. Mặc định bỏ qua đánh "
        "giá đã duyệt (đã khóa); --include-approved tính lại cả chúng và ghi vào lịch sử."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--include-approved", action="store_true")
        parser.add_argument("--reason", default="Tính lại sau khi sửa bộ tiêu chí")

    def handle(self, *args, include_approved: bool, reason: str, **options) -> None:
        evaluations = Evaluation.objects.select_related("commune__province", "criteria_set")
        if not include_approved:
            evaluations = evaluations.exclude(status=Evaluation.Status.APPROVED)
        changed = total = 0
        for evaluation in evaluations.iterator(chunk_size=500):
            with transaction.atomic():
                total += 1
                changed += evaluation_recompute_logged(evaluation=evaluation, reason=reason)
        self.stdout.write(f"evaluations={total} changed={changed}")
