"""manage.py prune_showings [--days N]: delete card showings nobody answered, older than N days."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from study.services import showings_prune

DEFAULT_DAYS = 30


class Command(BaseCommand):
    help = (
        "Delete card showings (study tokens) that were never answered and are older than "
        f"--days (default {DEFAULT_DAYS}). Answered showings, which answers point to, stay. "
        "Safe to run while the site serves; meant for a daily cron job."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            default=str(DEFAULT_DAYS),
            help=f"Keep showings younger than this many days (a whole number ≥ 1; {DEFAULT_DAYS}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            days = int(options["days"])
        except ValueError:
            days = 0
        if days < 1:
            raise CommandError(
                f"--days must be a whole number of at least 1, not {options['days']!r}."
            )
        deleted = showings_prune(before=timezone.now() - dt.timedelta(days=days))
        self.stdout.write(f"Deleted {deleted} unanswered showings older than {days} days.")
