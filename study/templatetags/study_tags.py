"""Small formatting helpers for the study pages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django import template
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import dateformat
from django.utils.formats import date_format, get_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

from accounts.models import User
from cards.models import Deck
from cards.rules import OPTION_LETTERS, option_letter
from study import progress
from study.models import Mode
from study.progress import DayCount
from study.scheduling import format_interval
from study.selectors import user_zone

register = template.Library()


@register.simple_tag
def study_url(deck: Deck, mode: str = Mode.FLASHCARD, practice: bool = False) -> str:
    """The study page of `deck` in `mode` (Mode.FLASHCARD or Mode.CHOICE), in practice or not:
    `{% study_url deck "choice" %}`, `{% study_url deck mode practice=True as url %}`."""
    query = {"mode": mode, **({"practice": "1"} if practice else {})}
    return f"{reverse('study:session', args=[deck.slug])}?{urlencode(query)}"


@register.filter
def interval(value: timedelta | None) -> str:
    """A rating button's interval: "10 min", "3 d"."""
    return format_interval(value) if value is not None else ""


@register.filter
def option_key(index: int) -> str:
    """The keyboard key of the option at 0-based `index`: its letter; none past Z, where the
    option is numbered instead."""
    letter = option_letter(index)
    return letter if letter in OPTION_LETTERS else ""


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


@register.filter
def share(part: int, whole: int) -> int:
    """`part` as a whole percentage of `whole`, for <progress> bars."""
    return round(100 * part / whole) if whole else 0


@register.filter
def in_zone(value: datetime | None, user: User | AnonymousUser) -> datetime | None:
    """The time in the learner's own time zone (the site's when theirs is unknown)."""
    if value is None:
        return None
    return value.astimezone(user_zone(user))


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


# --- Progress charts: server-rendered SVG, styled by class (the CSP allows no style="") ---

FORECAST_BAR_STEP = 30
FORECAST_BAR_WIDTH = 20
FORECAST_TOP = 18
FORECAST_PLOT = 110
FORECAST_BOTTOM = 22
HEAT_CELL = 10
HEAT_STEP = 12
HEAT_LEFT = 30
# Room after the last week for a month's name that starts there ("Dec", "12월" at phone size).
HEAT_RIGHT = 28
HEAT_TOP = 16


def _svg(
    *, css_class: str, label_id: str, width: int, height: int, title: str, desc: str, body: str
) -> SafeString:
    return format_html(
        '<svg class="chart {}" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-labelledby="{}-title {}-desc" preserveAspectRatio="xMinYMin meet">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        css_class,
        width,
        height,
        width,
        height,
        label_id,
        label_id,
        label_id,
        title,
        label_id,
        desc,
        body,
    )


@register.simple_tag
def forecast_chart(days: Sequence[DayCount]) -> SafeString:
    """Bars: cards due on each of the next days, today first (overdue cards count as today)."""
    peak = max((day.count for day in days), default=0)
    bars = []
    described = []
    for i, day in enumerate(days):
        height = round(FORECAST_PLOT * day.count / peak) if peak else 0
        x = i * FORECAST_BAR_STEP + (FORECAST_BAR_STEP - FORECAST_BAR_WIDTH) // 2
        y = FORECAST_TOP + FORECAST_PLOT - height
        middle = i * FORECAST_BAR_STEP + FORECAST_BAR_STEP // 2
        name = _("Today") if i == 0 else date_format(day.day, "n/j")
        label = ngettext(
            "%(day)s: %(count)d card due", "%(day)s: %(count)d cards due", day.count
        ) % {"day": date_format(day.day, "DATE_FORMAT"), "count": day.count}
        described.append(label)
        bars.append(
            format_html(
                '<g class="forecast-day"><title>{}</title>'
                '<rect class="forecast-bar{}" x="{}" y="{}" width="{}" height="{}" rx="3"></rect>'
                '<text class="chart-count" x="{}" y="{}" text-anchor="middle">{}</text>'
                '<text class="chart-label{}" x="{}" y="{}" text-anchor="middle">{}</text></g>',
                label,
                " is-today" if i == 0 else "",
                x,
                y,
                FORECAST_BAR_WIDTH,
                height,
                middle,
                y - 4,
                day.count,
                # Every other date is a minor label: a phone hides those to keep them legible.
                " is-minor" if i % 2 else "",
                middle,
                FORECAST_TOP + FORECAST_PLOT + 16,
                name,
            )
        )
    width = FORECAST_BAR_STEP * len(days)
    baseline = format_html(
        '<line class="chart-axis" x1="0" x2="{}" y1="{}" y2="{}"></line>',
        width,
        FORECAST_TOP + FORECAST_PLOT,
        FORECAST_TOP + FORECAST_PLOT,
    )
    total = sum(day.count for day in days)
    return _svg(
        css_class="forecast-chart",
        label_id="forecast",
        width=width,
        height=FORECAST_TOP + FORECAST_PLOT + FORECAST_BOTTOM,
        title=ngettext(
            "%(count)d card due in the next %(days)d days",
            "%(count)d cards due in the next %(days)d days",
            total,
        )
        % {"count": total, "days": len(days)},
        desc="; ".join(described),
        body=mark_safe(baseline + "".join(bars)),  # noqa: S308 - pieces built by format_html
    )


WEEKDAY_LABELS = {
    0: pgettext_lazy("weekday in a chart", "Mon"),
    2: pgettext_lazy("weekday in a chart", "Wed"),
    4: pgettext_lazy("weekday in a chart", "Fri"),
}


@register.simple_tag
def heatmap_chart(days: Sequence[DayCount]) -> SafeString:
    """One square per day, a column per week (Monday on top), shaded by answers that day."""
    if not days:
        return SafeString("")
    peak = max(day.count for day in days)
    offset = days[0].day.weekday()
    cells = []
    months = []
    # A year of cells: the format and each count's wording are looked up once, not per cell,
    # and each cell is built directly (integers and one escaped label) rather than by
    # format_html, which made this chart most of the progress page's rendering time.
    day_format = get_format("DATE_FORMAT")
    wordings: dict[int, str] = {}
    for i, day in enumerate(days):
        column, row = divmod(i + offset, 7)
        x = HEAT_LEFT + column * HEAT_STEP
        if day.day.day == 1 or (i == 0 and day.day.day <= 21):
            months.append(
                format_html(
                    '<text class="chart-label" x="{}" y="{}">{}</text>',
                    x,
                    HEAT_TOP - 5,
                    date_format(day.day, "M"),
                )
            )
        wording = wordings.get(day.count)
        if wording is None:
            wording = wordings[day.count] = ngettext(
                "%(day)s: %(count)d answer", "%(day)s: %(count)d answers", day.count
            )
        label = wording % {"day": dateformat.format(day.day, day_format), "count": day.count}
        cells.append(
            f'<rect class="heat heat-{progress.heat_level(day.count, peak)}" x="{x}" '
            f'y="{HEAT_TOP + row * HEAT_STEP}" width="{HEAT_CELL}" height="{HEAT_CELL}" rx="2">'
            f"<title>{escape(label)}</title></rect>"
        )
    weekdays = [
        format_html(
            '<text class="chart-label" x="0" y="{}">{}</text>',
            HEAT_TOP + row * HEAT_STEP + HEAT_CELL - 1,
            name,
        )
        for row, name in WEEKDAY_LABELS.items()
    ]
    columns = (len(days) - 1 + offset) // 7 + 1
    total = sum(day.count for day in days)
    active = sum(1 for day in days if day.count)
    busiest = max(days, key=lambda day: day.count)
    desc = (
        ngettext(
            "Busiest day: %(day)s, %(count)d answer.",
            "Busiest day: %(day)s, %(count)d answers.",
            busiest.count,
        )
        % {"day": date_format(busiest.day, "DATE_FORMAT"), "count": busiest.count}
        if busiest.count
        else ""
    )
    return _svg(
        css_class="heatmap-chart",
        label_id="heatmap",
        width=HEAT_LEFT + columns * HEAT_STEP + HEAT_RIGHT,
        height=HEAT_TOP + 7 * HEAT_STEP,
        title=ngettext(
            "%(count)d answer on %(active)d of the last %(days)d days",
            "%(count)d answers on %(active)d of the last %(days)d days",
            total,
        )
        % {"count": total, "active": active, "days": len(days)},
        desc=desc,
        body=mark_safe("".join(months + weekdays + cells)),  # noqa: S308 - built by format_html
    )


@register.simple_tag
def heat_legend() -> SafeString:
    """The five shades, lightest to darkest, as a small key under the heatmap."""
    return format_html(
        '<svg class="heat-legend" viewBox="0 0 {} {}" width="{}" height="{}" aria-hidden="true">'
        "{}</svg>",
        5 * HEAT_STEP,
        HEAT_CELL,
        5 * HEAT_STEP,
        HEAT_CELL,
        mark_safe(  # noqa: S308 - integers only
            "".join(
                f'<rect class="heat heat-{level}" x="{level * HEAT_STEP}" y="0" '
                f'width="{HEAT_CELL}" height="{HEAT_CELL}" rx="2"></rect>'
                for level in range(progress.HEAT_LEVELS + 1)
            )
        ),
    )


@register.filter
def meter(value: float | None) -> int:
    """A share 0..1 as a whole percentage for <meter>/<progress> values (0 when unknown)."""
    return 0 if value is None else round(value * 100)


# --- Planner charts ---

PLAN_BAR_HEIGHT = 16
PLAN_ROW_STEP = 44
PLAN_LABEL_ROOM = 16
PLAN_WIDTH = 480
PLAN_DAY_PLOT = 120
PLAN_DAY_TOP = 16
PLAN_DAY_BOTTOM = 22
PLAN_DAY_WIDTH = 600


@register.simple_tag
def plan_recall_chart(outlook: Sequence[Any]) -> SafeString:
    """Horizontal bars, one pair per domain: the share of its cards expected to be recalled on
    exam day with the recommended plan, over the share if nothing more were studied."""
    rows = []
    described = []
    for i, row in enumerate(outlook):
        top = i * PLAN_ROW_STEP
        label = _("%(group)s: %(plan)s with the plan, %(now)s if you stop now") % {
            "group": row.group.label,
            "plan": percent(row.share),
            "now": percent(row.today_share),
        }
        described.append(label)
        rows.append(
            format_html(
                '<g class="plan-row"><title>{}</title>'
                '<text class="chart-label" x="0" y="{}">{}</text>'
                '<rect class="plan-track" x="0" y="{}" width="{}" height="{}" rx="3"></rect>'
                '<rect class="plan-bar" x="0" y="{}" width="{}" height="{}" rx="3"></rect>'
                '<rect class="plan-now" x="0" y="{}" width="{}" height="4"></rect>'
                '<text class="chart-count" x="{}" y="{}" text-anchor="end">{}</text></g>',
                label,
                top + 12,
                row.group.label,
                top + PLAN_LABEL_ROOM,
                PLAN_WIDTH,
                PLAN_BAR_HEIGHT,
                top + PLAN_LABEL_ROOM,
                round(PLAN_WIDTH * min(1.0, row.share)),
                PLAN_BAR_HEIGHT,
                top + PLAN_LABEL_ROOM + PLAN_BAR_HEIGHT - 4,
                round(PLAN_WIDTH * min(1.0, row.today_share)),
                PLAN_WIDTH - 4,
                top + PLAN_LABEL_ROOM + 12,
                percent(row.share),
            )
        )
    return _svg(
        css_class="plan-recall-chart",
        label_id="plan-recall",
        width=PLAN_WIDTH,
        height=max(1, len(outlook)) * PLAN_ROW_STEP,
        title=_("Cards expected to be recalled on exam day, by domain"),
        desc="; ".join(described),
        body=mark_safe("".join(rows)),  # noqa: S308 - pieces built by format_html
    )


@register.simple_tag
def plan_reviews_chart(days: Sequence[Any]) -> SafeString:
    """Bars: showings planned on each day until the exam (reviews, learning steps and new
    cards), as the recommended plan simulates them."""
    count = len(days)
    if not count:
        return SafeString("")
    peak_count = max(day.reviews for day in days)
    peak = peak_count or 1
    step = PLAN_DAY_WIDTH / count
    width = max(1.0, step * 0.7)
    bars = []
    described = []
    for i, day in enumerate(days):
        height = round(PLAN_DAY_PLOT * day.reviews / peak)
        label = ngettext(
            "%(day)s: %(count)d review, %(minutes)d min",
            "%(day)s: %(count)d reviews, %(minutes)d min",
            day.reviews,
        ) % {
            "day": date_format(day.date, "DATE_FORMAT"),
            "count": day.reviews,
            "minutes": round(day.minutes),
        }
        described.append(label)
        bars.append(
            format_html(
                '<rect class="plan-day" x="{}" y="{}" width="{}" height="{}"><title>{}</title>'
                "</rect>",
                f"{i * step:.1f}",
                PLAN_DAY_TOP + PLAN_DAY_PLOT - height,
                f"{width:.1f}",
                height,
                label,
            )
        )
    axis = format_html(
        '<line class="chart-axis" x1="0" x2="{}" y1="{}" y2="{}"></line>'
        '<text class="chart-label" x="0" y="{}">{}</text>'
        '<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>'
        '<text class="chart-count" x="0" y="12">{}</text>',
        PLAN_DAY_WIDTH,
        PLAN_DAY_TOP + PLAN_DAY_PLOT,
        PLAN_DAY_TOP + PLAN_DAY_PLOT,
        PLAN_DAY_TOP + PLAN_DAY_PLOT + 16,
        date_format(days[0].date, "n/j"),
        PLAN_DAY_WIDTH,
        PLAN_DAY_TOP + PLAN_DAY_PLOT + 16,
        date_format(days[-1].date, "n/j"),
        _("peak %(count)d") % {"count": peak_count},
    )
    total = sum(day.reviews for day in days)
    return _svg(
        css_class="plan-reviews-chart",
        label_id="plan-reviews",
        width=PLAN_DAY_WIDTH,
        height=PLAN_DAY_TOP + PLAN_DAY_PLOT + PLAN_DAY_BOTTOM,
        title=ngettext(
            "%(count)d review planned over %(days)d days until the exam",
            "%(count)d reviews planned over %(days)d days until the exam",
            total,
        )
        % {"count": total, "days": count},
        desc="; ".join(described),
        body=mark_safe(axis + "".join(bars)),  # noqa: S308 - pieces built by format_html
    )
