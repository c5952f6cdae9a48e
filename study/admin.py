"""Study records in the admin: read-only, for looking into a learner's history.

Schedules and attempts are written only by the study services, inside one transaction each; an
edit here would break the link between an Attempt's card_before and the ReviewState it produced.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Attempt, ReviewState, Showing, Suspension


class ReadOnlyAdmin(admin.ModelAdmin):
    """View permission only: no add, change or delete, whoever is signed in."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReviewState)
class ReviewStateAdmin(ReadOnlyAdmin):
    list_display = [
        "user",
        "question",
        "state",
        "due",
        "stability",
        "difficulty",
        "reps",
        "lapses",
        "first_review",
        "last_review",
    ]
    list_filter = ["state"]
    list_select_related = ["user", "question"]
    search_fields = ["user__email", "question__key"]
    ordering = ["due"]
    show_full_result_count = False


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    list_display = [
        "reviewed_at",
        "user",
        "question",
        "mode",
        "correct",
        "rating",
        "rescheduled",
        "state_before",
        "due_after",
        "duration_ms",
    ]
    list_filter = ["mode", "correct", "rating", "rescheduled"]
    list_select_related = ["user", "question"]
    search_fields = ["user__email", "question__key"]
    date_hierarchy = "reviewed_at"
    ordering = ["-reviewed_at"]
    show_full_result_count = False


@admin.register(Showing)
class ShowingAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "question", "deck", "mode", "practice", "answered_at"]
    list_filter = ["mode", "practice"]
    list_select_related = ["user", "question", "deck"]
    search_fields = ["user__email", "question__key"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    show_full_result_count = False


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyAdmin):
    """Cards learners set aside: many learners suspending one card says it needs a look."""

    list_display = ["user", "question", "created_at"]
    list_select_related = ["user", "question"]
    list_filter = ["question__topic__domain"]
    search_fields = ["user__email", "question__key"]
    ordering = ["-created_at"]
