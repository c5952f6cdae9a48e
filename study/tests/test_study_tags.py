"""The study pages' template filters that hold a rule: the time zone shown, the option keys."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from study import selectors
from study.progress import DayCount
from study.templatetags.study_tags import heatmap_chart, in_zone, option_key

NOW = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("America/New_York", "America/New_York"),
        ("UTC", "UTC"),
        ("Mars/Olympus_Mons", "Asia/Seoul"),  # unknown here: the site's
        ("", "Asia/Seoul"),
        ("../../etc/passwd", "Asia/Seoul"),
    ],
)
def test_the_learners_time_zone_falls_back_to_the_sites(zone, expected):
    learner = User(time_zone=zone)

    assert selectors.user_zone(learner).key == expected
    shown = in_zone(NOW, learner)
    assert shown == NOW
    assert shown is not None
    assert shown.tzinfo == ZoneInfo(expected)
    assert in_zone(None, learner) is None


def test_an_anonymous_visitor_sees_the_sites_time_zone():
    assert selectors.user_zone(AnonymousUser()).key == "Asia/Seoul"
    shown = in_zone(NOW, AnonymousUser())
    assert shown is not None
    assert shown.tzinfo == ZoneInfo("Asia/Seoul")


@pytest.mark.parametrize(("index", "key"), [(0, "A"), (1, "B"), (25, "Z"), (26, ""), (-1, "")])
def test_an_options_letter_is_its_key_and_a_number_is_none(index, key):
    assert option_key(index) == key


@pytest.mark.parametrize(("count", "words"), [(1, "1 answer."), (3, "3 answers.")])
def test_the_heatmap_names_its_busiest_day_in_the_right_plural(count, words):
    days = [DayCount(day=date(2026, 3, 1), count=0), DayCount(day=date(2026, 3, 2), count=count)]
    assert f"Busiest day: March 2, 2026, {words}" in heatmap_chart(days)
