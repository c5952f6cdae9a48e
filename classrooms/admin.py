"""Classrooms in the admin: for support and oversight. Teachers work in their own pages."""

from django.contrib import admin

from .models import Assignment, Classroom, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("student",)


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ("name", "teacher", "created_at", "archived_at")
    list_select_related = ("teacher",)
    search_fields = ("name", "teacher__email")
    raw_id_fields = ("teacher",)
    readonly_fields = ("join_code",)
    inlines = (MembershipInline,)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("deck", "classroom", "goal", "target_percent", "assigned_at", "due_at")
    list_select_related = ("deck", "classroom")
    list_filter = ("goal",)
    raw_id_fields = ("classroom", "deck")
