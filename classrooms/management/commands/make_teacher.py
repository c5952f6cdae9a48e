"""manage.py make_teacher EMAIL: put a user in the Teachers group, as the admin would."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from classrooms.access import teachers_group_ensure


class Command(BaseCommand):
    help = "Make the user with this email a teacher (member of the Teachers group)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The user's email address (any letter case).")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip()
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user has the email address {email!r}.")
        group = teachers_group_ensure()
        if user.groups.filter(pk=group.pk).exists():
            self.stdout.write(f"{user.email} is already a teacher.")
            return
        user.groups.add(group)
        self.stdout.write(self.style.SUCCESS(f"{user.email} is now a teacher."))
