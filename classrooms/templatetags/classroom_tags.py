"""Formatting for the classroom pages."""

from django import template

from classrooms.goals import format_duration

register = template.Library()


@register.filter
def duration(milliseconds: int | None) -> str:
    """Time spent: "12 min", "1 h 05 min"."""
    return format_duration(milliseconds or 0)
