"""manage.py seed_demo: demo accounts with a few weeks of history, for local use (see README)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from classrooms.demo import DEMO_PASSWORD, DemoError, demo_seed


class Command(BaseCommand):
    help = (
        "Create (or make again) the demo learner, teacher and class with a few weeks of study "
        "history. The accounts share a published password: local use only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="run even with DJANGO_DEBUG off (the password is public: never in production)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "Refusing to create demo accounts with DJANGO_DEBUG off: their password is "
                "published. Run with DJANGO_DEBUG=1 (make demo does), or --force if you mean it."
            )
        try:
            report = demo_seed(now=timezone.now())
        except DemoError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(report.summary()))
        for email in report.accounts:
            self.stdout.write(f"  {email}  /  {DEMO_PASSWORD}")
