"""Exam maths as tables: the time limit, the clock, the scaled estimate, tallies, the chart."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from study import exams

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
# The SAA-C03 format as its blueprint gives it: 65 questions, 130 minutes, 100-1000, 720 to pass.
SAA = exams.ExamFormat(questions=65, minutes=130, score_min=100, score_max=1000, passing_score=720)
# Its four domains' weights, in the blueprint's order.
WEIGHTS = [30, 26, 24, 20]


@pytest.mark.parametrize(
    ("available", "expected"), [(0, 0), (1, 1), (5, 5), (64, 64), (65, 65), (66, 65), (400, 65)]
)
def test_a_default_exam_is_full_when_there_are_enough_questions(available, expected):
    assert exams.default_question_count(available, SAA) == expected


@pytest.mark.parametrize(
    ("count", "limit"),
    [
        (65, timedelta(minutes=130)),
        (5, timedelta(minutes=10)),
        (1, timedelta(minutes=2)),
        (13, timedelta(minutes=26)),
        (30, timedelta(minutes=60)),
    ],
)
def test_the_time_limit_is_130_minutes_per_65_questions(count, limit):
    assert exams.time_limit(count, SAA) == limit
    assert exams.deadline_for(T0, count, SAA) == T0 + limit


def test_an_exam_without_questions_has_no_time_limit():
    with pytest.raises(ValueError):
        exams.time_limit(0, SAA)


@pytest.mark.parametrize(
    ("deadline", "now", "over"),
    [
        (None, T0 + timedelta(days=30), False),
        (T0, T0 - timedelta(seconds=1), False),
        (T0, T0, True),
        (T0, T0 + timedelta(microseconds=1), True),
    ],
)
def test_answers_stop_at_the_deadline_and_untimed_exams_never_end(deadline, now, over):
    assert exams.is_over(deadline, now) is over


@pytest.mark.parametrize(
    ("left", "seconds", "clock"),
    [
        (timedelta(minutes=130), 7800, "130:00"),
        (timedelta(minutes=9, seconds=59, milliseconds=900), 599, "09:59"),
        (timedelta(seconds=61), 61, "01:01"),
        (timedelta(seconds=0), 0, "00:00"),
        (timedelta(seconds=-30), 0, "00:00"),
    ],
)
def test_the_clock_shows_whole_minutes_and_seconds_left(left, seconds, clock):
    assert exams.seconds_left(T0 + left, T0) == seconds
    assert exams.format_clock(seconds) == clock


@pytest.mark.parametrize(
    ("allowed", "low_below"),
    [
        (timedelta(minutes=130), 300),  # a full exam: the last five minutes
        (timedelta(minutes=20), 300),
        (timedelta(minutes=10), 150),  # shorter: the last quarter
        (timedelta(minutes=2), 30),  # one question: not red from the start
    ],
)
def test_the_clock_turns_red_late_enough_for_short_exams(allowed, low_below):
    assert exams.low_time_below(allowed) == low_below
    assert exams.low_time_below(allowed) < allowed.total_seconds()


def test_an_untimed_exam_has_no_seconds_left():
    assert exams.seconds_left(None, T0) is None


@pytest.mark.parametrize(
    ("correct", "total", "scaled"),
    [
        (0, 65, 100),
        (65, 65, 1000),
        (52, 65, 820),  # 80 %
        (45, 65, 723),  # the fewest right answers that pass a full exam
        (44, 65, 709),
        (1, 2, 550),
        (1, 3, 400),
        (2, 3, 700),
        (3, 5, 640),
        (4, 5, 820),
        (1, 8, 213),  # 212.5 rounds up
        (0, 1, 100),
        (1, 1, 1000),
    ],
)
def test_the_scaled_estimate_is_a_straight_line_from_100_to_1000(correct, total, scaled):
    """Within one domain (whatever its weight) the estimate is the plain share right."""
    for weight in (1, 24, 30):
        assert exams.scaled_score([exams.DomainScore(weight, correct, total)], SAA) == scaled


@pytest.mark.parametrize(("correct", "total"), [(0, 0), (-1, 5), (6, 5)])
def test_an_impossible_score_is_refused(correct, total):
    with pytest.raises(ValueError):
        exams.scaled_score([exams.DomainScore(24, correct, total)], SAA)


@pytest.mark.parametrize(("scaled", "passed"), [(719, False), (720, True), (1000, True)])
def test_720_passes(scaled, passed):
    assert exams.passed(scaled, SAA) is passed


@pytest.mark.parametrize(
    ("correct", "total", "percent"), [(0, 0, 0), (1, 3, 33), (2, 3, 67), (1, 8, 13), (5, 5, 100)]
)
def test_percent_rounds_halves_up(correct, total, percent):
    assert exams.percent(correct, total) == percent


def test_the_same_seed_picks_the_same_questions_whatever_order_they_come_in():
    ids = list(range(100, 200))
    first = exams.pick_questions(ids, 10, random.Random(42))
    again = exams.pick_questions(reversed(ids), 10, random.Random(42))
    other = exams.pick_questions(ids, 10, random.Random(43))
    assert first == again
    assert first != other
    assert len(set(first)) == 10
    assert set(first) <= set(ids)


@pytest.mark.parametrize("count", [0, 4])
def test_picking_more_questions_than_there_are_is_refused(count):
    with pytest.raises(ValueError):
        exams.pick_questions([1, 2, 3], count, random.Random(1))


def test_shuffling_keeps_every_option_once():
    order = exams.shuffled([1, 2, 3, 4, 5], random.Random(7))
    assert sorted(order) == [1, 2, 3, 4, 5]
    assert order == exams.shuffled([1, 2, 3, 4, 5], random.Random(7))


def test_tally_counts_right_answers_per_key_in_order_of_first_appearance():
    result = exams.tally([("b", True), ("a", False), ("b", False), ("b", True), ("a", False)])
    assert list(result) == ["b", "a"]
    assert result["b"] == exams.Tally(correct=2, total=3)
    assert result["b"].percent == 67
    assert result["a"] == exams.Tally(correct=0, total=2)
    assert exams.tally([]) == {}


def test_the_chart_places_scores_on_a_100_to_1000_scale():
    chart = exams.score_chart([100, 1000, 720], fmt=SAA, width=600, height=240)
    top, bottom = 14, 240 - 36
    assert [p.y for p in chart.points] == [bottom, top, chart.pass_y]
    assert chart.points[0].x == 56
    assert chart.points[-1].x == chart.axis_end == 600 - 16
    assert chart.points[1].x == (56 + 584) / 2
    assert chart.polyline.startswith("56,204 ")
    assert [score for score, _y in chart.ticks] == [100, 400, 720, 1000]


def test_scores_outside_the_scale_are_drawn_at_its_edge():
    chart = exams.score_chart([50, 1200], fmt=SAA)
    assert [p.score for p in chart.points] == [50, 1200]
    assert [p.y for p in chart.points] == [chart.ticks[0][1], chart.ticks[-1][1]]


def test_only_the_first_and_last_exam_are_labelled_inside_the_chart():
    chart = exams.score_chart([400, 500, 600], ["03-01", "03-02", "03-03"], fmt=SAA)
    assert [(p.label, p.anchor) for p in chart.points] == [
        ("03-01", "start"),
        ("", "middle"),
        ("03-03", "end"),
    ]


def test_a_single_exam_is_plotted_and_labelled_in_the_middle():
    chart = exams.score_chart([550], ["03-01"], fmt=SAA)
    assert len(chart.points) == 1
    assert chart.points[0].x == 56 + (600 - 56 - 16) / 2
    assert (chart.points[0].label, chart.points[0].anchor) == ("03-01", "middle")


def part(weight, correct, total):
    return exams.DomainScore(weight=weight, correct=correct, total=total)


@pytest.mark.parametrize(
    ("parts", "scaled"),
    [
        # Every domain at the same share: the same as one domain at that share.
        ([part(30, 15, 20), part(26, 15, 20), part(24, 15, 20), part(20, 15, 20)], 775),
        # All right in the heaviest domain, all wrong elsewhere: its weight, 30 %.
        ([part(30, 20, 20), part(26, 0, 17), part(24, 0, 16), part(20, 0, 12)], 370),
        # ... and in the lightest: 20 %.
        ([part(30, 0, 20), part(26, 0, 17), part(24, 0, 16), part(20, 12, 12)], 280),
        # Two domains only: weighted among those two, 24/44 of 100 % + 20/44 of 50 %.
        ([part(24, 10, 10), part(20, 5, 10)], 795),  # 100 + 900 × 34/44 = 795.45
        # A domain with no questions counts for nothing. A whole mock at 52/65 (80 %) gets 820
        # either way here: 80 %, 76.5 %, 81.25 %, 83.3 % weighted = 80.05 %.
        (
            [part(30, 16, 20), part(26, 13, 17), part(24, 13, 16), part(20, 10, 12), part(1, 0, 0)],
            820,
        ),
    ],
)
def test_the_scaled_estimate_weights_domains_like_the_guide(parts, scaled):
    assert exams.scaled_score(parts, SAA) == scaled


@pytest.mark.parametrize(
    ("total", "available", "counts"),
    [
        # The bank allows: 65 by 30/26/24/20 (19.5, 16.9, 15.6, 13.0 -> remainders to 2 and 3).
        (65, [99, 99, 99, 99], [19, 17, 16, 13]),
        (10, [99, 99, 99, 99], [3, 3, 2, 2]),
        (1, [99, 99, 99, 99], [1, 0, 0, 0]),
        (4, [99, 99, 99, 99], [1, 1, 1, 1]),
        # A domain short of its share gives all it has; the others share what it lacks.
        (65, [99, 99, 10, 99], [22, 19, 10, 14]),
        (65, [0, 0, 30, 0], [0, 0, 30, 0]),  # one domain's notes: all of them, no more
        (65, [0, 5, 30, 0], [0, 5, 30, 0]),
        (20, [0, 5, 30, 0], [0, 5, 15, 0]),
        (65, [1, 1, 1, 1], [1, 1, 1, 1]),
        (0, [9, 9, 9, 9], [0, 0, 0, 0]),
        (65, [0, 0, 0, 0], [0, 0, 0, 0]),
    ],
)
def test_a_whole_exam_is_split_by_weight_within_what_the_bank_has(total, available, counts):
    result = exams.apportion(total, WEIGHTS, available)
    assert result == counts
    assert sum(result) == min(total, sum(available))
    assert all(c <= a for c, a in zip(result, available, strict=True))


def test_apportioning_needs_one_weight_per_domain():
    with pytest.raises(ValueError):
        exams.apportion(10, [30, 26], [5])


def test_a_whole_exam_draws_each_domains_count_and_mixes_them():
    pools = [list(range(100, 130)), list(range(200, 230)), [], list(range(400, 410))]
    drawn = exams.draw_by_domain(pools, [5, 4, 0, 3], random.Random(9))
    assert len(drawn) == len(set(drawn)) == 12
    assert [sum(1 for pk in drawn if pk // 100 == d) for d in (1, 2, 3, 4)] == [5, 4, 0, 3]
    # Deterministic given the seed, whatever order the pools come in; shuffled across domains.
    reordered = [list(reversed(pool)) for pool in pools]
    assert drawn == exams.draw_by_domain(reordered, [5, 4, 0, 3], random.Random(9))
    assert drawn != sorted(drawn)
