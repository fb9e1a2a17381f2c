from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from criteria.catalogue import CatalogueError, catalogue_load


class Command(BaseCommand):
    help = "Nạp các bộ tiêu chí từ fixtures/criteria/*.json. Chạy lại an toàn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--directory", type=Path, default=Path(settings.BASE_DIR) / "fixtures" / "criteria"
        )

    def handle(self, *args, directory: Path, **options) -> None:
        try:
            result = catalogue_load(directory=directory)
        except CatalogueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(result.summary())
