"""Small formatting helpers for the study pages."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import template
from django.conf import settings
from django.utils.translation import gettext as _

from study.scheduling import format_interval

register = template.Library()

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@register.filter
def interval(value: timedelta | None) -> str:
    """A rating button's interval: "10 min", "3 d"."""
    return format_interval(value) if value is not None else ""


@register.filter
def option_key(index: int) -> str:
    """The keyboard letter of the option at 0-based `index` (A, B, ...)."""
    return LETTERS[index] if 0 <= index < len(LETTERS) else ""


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


@register.filter
def share(part: int, whole: int) -> int:
    """`part` as a whole percentage of `whole`, for <progress> bars."""
    return round(100 * part / whole) if whole else 0


@register.filter
def in_zone(value: datetime | None, user: Any) -> datetime | None:
    """The time in the learner's own time zone (the site's when theirs is unknown)."""
    if value is None:
        return None
    name = getattr(user, "time_zone", "") or settings.TIME_ZONE
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(settings.TIME_ZONE)
    return value.astimezone(zone)


@register.simple_tag
def due_in(due: datetime | None, now: datetime) -> str:
    """ "now", or "in 10 min" / "in 3 d", measured on the same clock the page used."""
    if due is None:
        return ""
    if due <= now:
        return _("now")
    return _("in %(interval)s") % {"interval": format_interval(due - now)}


@register.inclusion_tag("study/includes/counts.html")
def bucket_counts(counts: Any) -> dict[str, Any]:
    """The learning / review / new pills."""
    return {"counts": counts}
