"""Classrooms in the admin: for support and oversight. Teachers work in their own pages."""

from typing import Any

from django.contrib import admin

from .models import Assignment, Classroom, Membership, ReplacedJoinCode


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("student",)


class ReplacedJoinCodeInline(admin.TabularInline):
    model = ReplacedJoinCode
    extra = 0
    readonly_fields = ("code", "replaced_at")
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ("name", "teacher", "created_at", "archived_at")
    list_select_related = ("teacher",)
    search_fields = ("name", "teacher__email")
    raw_id_fields = ("teacher",)
    readonly_fields = ("join_code",)
    inlines = (MembershipInline, ReplacedJoinCodeInline)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("deck", "classroom", "goal", "target_percent", "assigned_at", "due_at")
    list_select_related = ("deck", "classroom")
    list_filter = ("goal",)
    raw_id_fields = ("classroom", "deck")
