from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError

from cards.services import content_seed


class Command(BaseCommand):
    help = (
        "Add the content of fixtures/content.json that the database lacks, keeping every "
        "existing card as it is (admin edits survive). Use `loaddata content` to overwrite."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "fixture",
            nargs="?",
            default=str(Path(settings.BASE_DIR) / "fixtures" / "content.json"),
            help="fixture file (default: fixtures/content.json)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["fixture"])
        if not path.is_file():
            raise CommandError(f"{path}: no such fixture file (run build_fixtures first)")
        try:
            report = content_seed(fixture_path=path)
        except (DeserializationError, DatabaseError, ValueError) as error:
            raise CommandError(f"{path}: {error}") from error
        self.stdout.write(f"{path}: {report.summary()}")
