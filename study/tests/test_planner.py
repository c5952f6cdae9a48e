"""Planner maths as tables: constructed FSRS states and fixed moments in, exact figures out."""

import datetime as dt
import math
import random
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fsrs import Card, Rating, Scheduler, State

from study import planner, progress, scheduling
from study.planner import PlanCard

UTC = dt.UTC
SEOUL = ZoneInfo("Asia/Seoul")
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LEARNING, REVIEW, RELEARNING = int(State.Learning), int(State.Review), int(State.Relearning)


def days(n: float) -> dt.timedelta:
    return dt.timedelta(days=n)


def fsrs_card(*, stability, last_review, state=State.Review, difficulty=5.0, step=None):
    return Card(
        card_id=1,
        state=state,
        step=step,
        stability=stability,
        difficulty=difficulty,
        due=NOW,
        last_review=last_review,
    )


def history(gaps_and_ratings, *, retention=0.9):
    """The fsrs card after a review history: (days after the previous review, rating) pairs,
    the first one the first showing at NOW - sum of all gaps; returns (card, moment of the last
    review). Same-session learning steps are written with a gap of 0."""
    scheduler = scheduling.build_scheduler(retention, fuzzing=False)
    moment = NOW - days(sum(gap for gap, _rating in gaps_and_ratings))
    card = scheduling.new_card(1, moment)
    for gap, rating in gaps_and_ratings:
        moment += days(gap)
        card = scheduling.review(card, rating, now=moment, scheduler=scheduler)
    return card, moment


def plan_card(card, key="d1"):
    return PlanCard(
        key=key,
        state=int(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


def review_card(*, stability, last_review, due, difficulty=5.0, key="d1"):
    return PlanCard(
        key=key,
        state=REVIEW,
        step=None,
        stability=stability,
        difficulty=difficulty,
        due=due,
        last_review=last_review,
    )


def simulate(**overrides):
    arguments: dict[str, Any] = {
        "cards": [],
        "new_cards": {},
        "start": NOW,
        "end": NOW + days(30),
        "retention": 0.9,
        "new_per_day": 10,
        "minutes_per_day": 30.0,
        "seconds_per_review": 20.0,
        "seed": 1,
    }
    arguments.update(overrides)
    return planner.simulate(**arguments)


def population(count, *, seed=3, keys=("d1", "d2", "d3", "d4")):
    """`count` Review cards with varied stability, difficulty and last review, due as fsrs at 0.9
    would have scheduled them: the state of a learner some weeks in."""
    rng = random.Random(seed)
    cards = []
    for index in range(count):
        stability = rng.lognormvariate(2.0, 1.0)
        last_review = NOW - dt.timedelta(days=rng.randint(0, 30), hours=rng.randint(0, 23))
        cards.append(
            review_card(
                key=keys[index % len(keys)],
                stability=stability,
                difficulty=rng.uniform(2, 9),
                last_review=last_review,
                due=last_review + days(max(1, round(stability))),
            )
        )
    return cards


# --- predicted_recall --------------------------------------------------------------------------


@pytest.mark.parametrize("stability", [0.212, 2.3065, 10.0, 61.5])
@pytest.mark.parametrize("elapsed", [days(0), days(1), dt.timedelta(days=6, hours=23), days(30)])
def test_a_card_not_reviewed_again_has_fsrs_recall_on_each_day(stability, elapsed):
    last_review = NOW - days(3)
    card = fsrs_card(stability=stability, last_review=last_review)
    on = last_review + elapsed

    recall = planner.predicted_recall(stability=stability, last_review=last_review, on=on)

    assert recall == Scheduler().get_card_retrievability(card, on)
    # FSRS-6's curve with its default decay 0.1542: R(t) = (1 + F t / S) ** -0.1542, t whole days,
    # F = 0.9 ** (-1 / 0.1542) - 1 so that R(S) = 0.9.
    factor = 0.9 ** (-1 / 0.1542) - 1
    assert recall == pytest.approx((1 + factor * elapsed.days / stability) ** -0.1542, rel=1e-12)


@pytest.mark.parametrize("stability", [1.0, 7.0, 30.0, 365.0])
def test_stability_is_the_days_until_recall_falls_to_ninety_percent(stability):
    recall = planner.predicted_recall(
        stability=stability, last_review=NOW, on=NOW + days(stability)
    )

    assert recall == pytest.approx(0.9, abs=1e-12)


@pytest.mark.parametrize(
    ("stability", "last_review", "recall"),
    [
        (None, None, 0.0),
        (3.0, None, 0.0),
        (None, NOW - days(1), 0.0),
        (0.0, NOW - days(1), 0.0),
        (-2.0, NOW - days(1), 0.0),
        (math.nan, NOW - days(1), 0.0),
        (math.inf, NOW - days(1), 0.0),
        (5.0, NOW + days(2), 1.0),  # a review after `on` is no loss of memory yet
    ],
)
def test_predicted_recall_of_a_card_without_a_usable_memory_state(stability, last_review, recall):
    assert planner.predicted_recall(stability=stability, last_review=last_review, on=NOW) == recall


def test_predicted_recall_counts_days_between_instants_whatever_the_zones():
    last_review = dt.datetime(2026, 3, 2, 23, 30, tzinfo=SEOUL)  # 14:30 UTC
    on_seoul = dt.datetime(2026, 3, 9, 23, 29, tzinfo=SEOUL)  # 6 days 23:59 later

    recall = planner.predicted_recall(stability=4.0, last_review=last_review, on=on_seoul)

    assert recall == progress.recall_after(4.0, 6)


@pytest.mark.parametrize(
    ("exam", "moment"),
    [
        (None, NOW + days(30)),
        (NOW + days(3), NOW + days(3)),
        (NOW, NOW + days(30)),
        (NOW - days(1), NOW + days(30)),
    ],
)
def test_readiness_is_predicted_for_the_exam_or_thirty_days_ahead(exam, moment):
    assert planner.readiness_moment(now=NOW, exam=exam) == moment


# --- readiness_on ------------------------------------------------------------------------------

AGAIN, GOOD = scheduling.AGAIN, scheduling.GOOD
# A fresh learner failing each card and relearning it in the same session.
FAILED = [(0, AGAIN), (0, AGAIN), (0, GOOD), (0, GOOD)]
# One pass through the learning steps, then Good each time the card came due at 0.9.
STREAK = [(0, GOOD), (0, GOOD), (3, GOOD), (10, GOOD), (31, GOOD), (85, GOOD)]


@pytest.mark.parametrize(
    ("reviews", "exam_in", "studied_of", "low", "high"),
    [
        # Stability 0.13 days: FSRS-6's forgetting curve has a long tail, but under a half.
        (FAILED, 21, (10, 10), 0.45, 0.46),
        (FAILED, 60, (10, 10), 0.38, 0.39),
        # Stability 337 days.
        (STREAK, 21, (10, 10), 0.99, 0.992),
        (STREAK, 60, (10, 10), 0.975, 0.976),
        (STREAK, 21, (5, 10), 0.495, 0.496),  # half the deck never studied: half of it
    ],
)
def test_readiness_on_the_exam_date_after_constructed_histories(
    reviews, exam_in, studied_of, low, high
):
    card, last = history(reviews)
    studied, total = studied_of
    assert last == NOW

    result = planner.readiness_on(
        [(card.stability, card.last_review)] * studied, total, NOW + days(exam_in)
    )

    assert low <= result.readiness <= high
    # Right after the last review fsrs recall "now" is 1 either way: it says nothing of the exam.
    assert progress.retrievability(stability=card.stability, last_review=last, now=NOW) == 1.0


def test_a_first_session_with_43_percent_right_is_not_ready_for_an_exam_in_three_weeks():
    # A first session: 43 of 100 cards wrong (relearned in the session), 57 right.
    failed, _ = history(FAILED)
    passed, _ = history([(0, GOOD), (0, GOOD)])
    states = [(failed.stability, failed.last_review)] * 43 + [
        (passed.stability, passed.last_review)
    ] * 57

    on_exam = planner.readiness_on(states, 100, NOW + days(21))

    now = [progress.retrievability(stability=s, last_review=r, now=NOW) for s, r in states]
    assert progress.readiness(now, 100).readiness == 1.0  # what the page said: "100%"
    assert 0.55 < on_exam.readiness < 0.65
    assert on_exam.mean_recall == pytest.approx(on_exam.readiness)


def test_right_after_failing_readiness_is_far_below_a_streak():
    failed, _ = history(FAILED)
    streak, _ = history(STREAK)
    on = NOW + days(21)

    low = planner.readiness_on([(failed.stability, failed.last_review)], 1, on)
    high = planner.readiness_on([(streak.stability, streak.last_review)], 1, on)

    assert failed.stability < 1 < 100 < streak.stability
    assert high.readiness - low.readiness > 0.3


@pytest.mark.parametrize(
    ("cards", "total", "studied", "expected", "mean", "share", "readiness"),
    [
        ([], 0, 0, 0.0, None, None, 0.0),
        ([], 4, 0, 0.0, None, 0.0, 0.0),
        ([(1.0, None), (None, None)], 4, 0, 0.0, None, 0.0, 0.0),
        ([(math.inf, NOW)], 2, 1, 0.0, 0.0, 0.5, 0.0),
        ([(10.0, NOW), (10.0, NOW)], 4, 2, 2.0, 1.0, 0.5, 0.5),
        ([(10.0, NOW), (None, NOW)], 2, 2, 1.0, 0.5, 1.0, 0.5),
    ],
)
def test_readiness_on_explains_itself(cards, total, studied, expected, mean, share, readiness):
    result = planner.readiness_on(cards, total, NOW)

    assert (result.total, result.studied, result.expected_recalled) == (total, studied, expected)
    assert (result.mean_recall, result.studied_share, result.readiness) == (mean, share, readiness)
    assert result.on == NOW


def test_readiness_is_mean_recall_times_studied_share():
    cards = [(2.0, NOW - days(5)), (30.0, NOW - days(1)), (0.5, NOW - days(9))]

    result = planner.readiness_on(cards, 7, NOW + days(14))

    assert result.mean_recall is not None and result.studied_share is not None
    assert result.readiness == pytest.approx(result.mean_recall * result.studied_share)
    assert result.readiness == pytest.approx(result.expected_recalled / 7)


def test_a_group_counted_short_of_its_studied_cards_stays_within_one():
    result = planner.readiness_on([(10.0, NOW)] * 3, 2, NOW)

    assert (result.total, result.studied, result.readiness) == (3, 3, 1.0)


# --- pace --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("durations", "seconds", "samples", "measured"),
    [
        ([], 30.0, 0, False),
        ([12_000] * 19, 30.0, 19, False),
        ([12_000] * 19 + [None, 0], 30.0, 19, False),
        ([12_000] * 20, 12.0, 20, True),
        ([10_000] * 11 + [20_000] * 8 + [3_600_000], 10.0, 20, True),  # an hour left open
        ([10_000] * 10 + [20_000] * 10, 15.0, 20, True),
    ],
)
def test_seconds_per_review_is_the_median_once_there_are_enough(
    durations, seconds, samples, measured
):
    assert planner.seconds_per_review(durations) == planner.ReviewTime(seconds, samples, measured)


@pytest.mark.parametrize(("ms", "seconds"), [(1, 1.0), (999, 1.0), (3_600_000, 600.0)])
def test_a_measured_time_per_review_stays_within_a_second_and_ten_minutes(ms, seconds):
    assert planner.seconds_per_review([ms] * 20).seconds == seconds


def test_seconds_per_review_takes_a_stated_default_and_minimum():
    assert planner.seconds_per_review([4_000] * 3, default=45.0, minimum=3).seconds == 4.0
    assert planner.seconds_per_review([4_000] * 2, default=45.0, minimum=3).seconds == 45.0


@pytest.mark.parametrize(
    ("durations", "window", "minutes"),
    [
        ([], 14, 0.0),
        ([60_000] * 14, 14, 1.0),
        ([600_000, None, 0, 300_000], 5, 3.0),
    ],
)
def test_minutes_per_day_over_a_window(durations, window, minutes):
    assert planner.minutes_per_day(durations, days=window) == minutes


def test_minutes_per_day_needs_a_window():
    with pytest.raises(ValueError, match="days must be positive"):
        planner.minutes_per_day([1000], days=0)


# --- the fast model against fsrs ---------------------------------------------------------------


def fsrs_review(scheduler, state, step, stability, difficulty, elapsed, good, *, hours=0):
    """(state, step, stability, difficulty, days until due as the planner counts them) after
    Scheduler.review_card at a day's session `elapsed` days (and `hours`) after the last review."""
    moment = NOW + days(40)
    last = None if elapsed is None else moment - dt.timedelta(days=elapsed, hours=hours)
    card = Card(
        card_id=1,
        state=State(state),
        step=step,
        stability=stability,
        difficulty=difficulty,
        due=moment,
        last_review=last,
    )
    after, _log = scheduler.review_card(
        card, Rating.Good if good else Rating.Again, review_datetime=moment
    )
    wait = after.due - moment
    wait_days = -1 if wait < days(1) else -(-wait // days(1))
    recall = scheduler.get_card_retrievability(card, moment)
    whole = None if last is None else (moment - last).days
    return (int(after.state), after.step, after.stability, after.difficulty, wait_days), (
        whole,
        recall,
    )


def model_review(model, state, step, stability, difficulty, whole, recall, good):
    new_state, new_step, new_stability, new_difficulty, wait = model.review(
        state, step or 0, stability, difficulty, whole, recall, good
    )
    return (
        new_state,
        None if new_state == REVIEW else new_step,
        new_stability,
        new_difficulty,
        wait,
    )


@pytest.mark.parametrize("retention", planner.RETENTIONS)
@pytest.mark.parametrize("good", [False, True], ids=["again", "good"])
@pytest.mark.parametrize(
    ("state", "step", "stability", "difficulty", "elapsed", "hours"),
    [
        (LEARNING, 0, None, None, None, 0),  # first showing of a new card
        (LEARNING, 0, 0.212, 6.41, 0, 0),  # after Again, same session
        (LEARNING, 1, 2.3065, 2.12, 0, 0),  # after Good, same session: graduates on Good
        (LEARNING, 1, 2.3065, 2.12, 1, 0),  # the step left for the next day
        (LEARNING, 1, 2.3065, 2.12, 3, 5),
        (LEARNING, 2, 2.3065, 2.12, 0, 0),  # a step beyond this scheduler's steps
        (REVIEW, None, 8.3, 1.0, 0, 4),  # reviewed again on its review day
        (REVIEW, None, 8.3, 1.0, 8, 0),
        (REVIEW, None, 39.0, 4.5, 60, 7),  # overdue
        (REVIEW, None, 0.001, 10.0, 2, 0),
        (REVIEW, None, 4_000.0, 1.0, 365, 0),  # the interval hits the maximum
        (REVIEW, None, 50.0, 3.0, None, 0),  # no last review: fsrs reads recall 0
        (RELEARNING, 0, 1.7, 7.9, 0, 0),
        (RELEARNING, 0, 1.7, 7.9, 2, 0),
        (RELEARNING, 1, 1.7, 7.9, 0, 0),
    ],
)
def test_the_planner_model_is_fsrs_review_card_exactly(
    retention, good, state, step, stability, difficulty, elapsed, hours
):
    scheduler = Scheduler(desired_retention=retention, enable_fuzzing=False)
    expected, (whole, recall) = fsrs_review(
        scheduler, state, step, stability, difficulty, elapsed, good, hours=hours
    )

    got = model_review(
        planner._Model(scheduler), state, step, stability, difficulty, whole, recall, good
    )

    assert got == expected  # equal floats, not approximately


def test_the_planner_model_matches_fsrs_on_a_sweep_of_states():
    rng = random.Random(20260302)
    schedulers = {
        r: Scheduler(desired_retention=r, enable_fuzzing=False) for r in planner.RETENTIONS
    }
    models = {r: planner._Model(scheduler) for r, scheduler in schedulers.items()}
    for _ in range(2_000):
        retention = rng.choice(planner.RETENTIONS)
        state = rng.choice([LEARNING, REVIEW, RELEARNING])
        stability = rng.uniform(0.001, 500)
        step = None if state == REVIEW else rng.choice([0, 1])
        elapsed = rng.choice([0, 1, rng.randint(0, 400)])
        good = rng.random() < 0.5
        difficulty = rng.uniform(1, 10)
        expected, (whole, recall) = fsrs_review(
            schedulers[retention],
            state,
            step,
            stability,
            difficulty,
            elapsed,
            good,
            hours=rng.randint(0, 23),
        )

        got = model_review(
            models[retention], state, step, stability, difficulty, whole, recall, good
        )

        assert got == expected, (state, step, stability, difficulty, elapsed, good)


def test_the_planner_model_reads_the_forgetting_curve_as_progress_does():
    model = planner._Model(Scheduler())

    assert [model.recall(3.0, t) for t in (-1, 0, 1, 10)] == [
        progress.recall_after(3.0, t) for t in (0, 0, 1, 10)
    ]


# --- simulate ----------------------------------------------------------------------------------


def plain_simulation(
    *,
    cards,
    new_keys,
    start,
    end,
    retention,
    new_per_day,
    minutes_per_day,
    seconds_per_review,
    seed,
    first_try_recall=planner.FIRST_TRY_RECALL,
    max_reviews_per_day=None,
):
    """The simulation's rules written plainly on fsrs Cards and Scheduler.review_card at real
    datetimes, with the same draws: what simulate() must reproduce exactly."""
    scheduler = Scheduler(desired_retention=retention, enable_fuzzing=False)
    sessions = planner.sessions_before(start=start, end=end)
    fsrs_cards: list[Card | None] = [
        scheduling.card_from_fields(
            card_id=index,
            state=card.state,
            step=card.step,
            stability=card.stability,
            difficulty=card.difficulty,
            due=card.due,
            last_review=card.last_review,
        )
        for index, card in enumerate(cards)
    ]
    fsrs_cards += [None] * len(new_keys)
    rng = random.Random(seed)
    streams = [rng.getrandbits(64) for _ in fsrs_cards]
    draws = [0] * len(fsrs_cards)
    buckets: dict[int, list[int]] = {}
    for index, stored in enumerate(fsrs_cards[: len(cards)]):
        assert stored is not None
        wait = stored.due - start
        day = 0 if stored.state != State.Review and wait < days(1) else max(0, -(-wait // days(1)))
        buckets.setdefault(day, []).append(index)
    cap = math.floor(minutes_per_day * 60 / seconds_per_review + 1e-9)
    next_new = len(cards)
    carry: list[int] = []
    shown_days = []
    for day in range(sessions):
        moment = start + days(day)
        queue, carry = carry + buckets.pop(day, []), []
        shown = new = reviews = position = 0
        while shown < cap:
            if position < len(queue):
                index = queue[position]
                position += 1
            elif new < new_per_day and next_new < len(fsrs_cards):
                index, next_new, new = next_new, next_new + 1, new + 1
                fsrs_cards[index] = scheduling.new_card(index, moment)
            else:
                break
            showing = fsrs_cards[index]
            assert showing is not None
            if showing.state == State.Review and max_reviews_per_day is not None:
                if reviews >= max_reviews_per_day:
                    carry.append(index)
                    continue
                reviews += 1
            if showing.stability is None:
                chance = first_try_recall
            else:
                chance = scheduler.get_card_retrievability(showing, moment)
            good = planner._uniform(streams[index], draws[index]) < chance
            draws[index] += 1
            card, _log = scheduler.review_card(
                showing, Rating.Good if good else Rating.Again, review_datetime=moment
            )
            fsrs_cards[index] = card
            shown += 1
            if card.due - moment < days(1):
                queue.append(index)
            elif (due_day := -(-(card.due - start) // days(1))) < sessions:
                buckets.setdefault(due_day, []).append(index)
        carry += queue[position:]
        shown_days.append((shown, new, len(carry)))
    recalls = [
        0.0 if card is None else scheduler.get_card_retrievability(card, end) for card in fsrs_cards
    ]
    return shown_days, sum(recalls)


@pytest.mark.parametrize(
    ("count", "new", "minutes", "review_cap", "retention", "first_try", "end"),
    [
        (40, 30, 8.0, None, 0.9, 0.6, NOW + days(20)),
        (40, 30, 3.0, 12, 0.8, 0.3, NOW + dt.timedelta(days=20, hours=5)),
        (25, 60, 60.0, None, 0.95, 1.0, NOW + days(35)),
        (60, 0, 2.0, 5, 0.85, 0.0, NOW + days(9)),
    ],
)
def test_the_simulation_is_fsrs_review_card_day_by_day(
    count, new, minutes, review_cap, retention, first_try, end
):
    cards = population(count, seed=count)
    # A few cards mid-learning and relearning, as a session left them.
    cards += [
        plan_card(history([(0, AGAIN)])[0], "d2"),
        plan_card(history([(0, GOOD)])[0], "d3"),
        plan_card(history([(0, GOOD), (0, GOOD), (4, AGAIN)])[0], "d4"),
    ]
    keys = planner.new_card_keys({"d1": new // 2, "d2": new - new // 2})
    arguments = {
        "cards": cards,
        "start": NOW,
        "end": end,
        "retention": retention,
        "new_per_day": 7,
        "minutes_per_day": minutes,
        "seconds_per_review": 15.0,
        "seed": 9,
        "first_try_recall": first_try,
        "max_reviews_per_day": review_cap,
    }

    plan = planner.simulate(new_cards=keys, **arguments)
    shown_days, expected = plain_simulation(new_keys=keys, **arguments)

    assert [(day.reviews, day.new, day.overdue) for day in plan.days] == shown_days
    assert plan.expected_recalled == pytest.approx(expected, rel=1e-12)
    assert plan.total_reviews > 0


@pytest.mark.parametrize("stability", [0.5, 4.0, 25.0, 300.0])
@pytest.mark.parametrize("exam_in", [1, 6, 30, 90])
def test_a_card_not_due_before_the_exam_keeps_fsrs_recall_on_exam_day(stability, exam_in):
    last_review = NOW - dt.timedelta(hours=2)
    end = NOW + days(exam_in)
    card = review_card(stability=stability, last_review=last_review, due=end + days(1))

    plan = simulate(cards=[card], end=end)

    expected = Scheduler().get_card_retrievability(
        fsrs_card(stability=stability, last_review=last_review), end
    )
    assert plan.expected_recalled == expected
    assert plan.total_reviews == 0
    assert plan.expected_by_key == {"d1": expected}


def test_the_same_seed_gives_the_same_plan_and_other_seeds_other_luck():
    cards = population(200)
    arguments = {"cards": cards, "new_cards": {"d1": 50, "d2": 30}, "minutes_per_day": 20.0}

    first = simulate(seed=7, **arguments)

    assert simulate(seed=7, **arguments) == first
    assert len({simulate(seed=seed, **arguments).expected_recalled for seed in range(4)}) > 1


def test_the_luck_left_in_the_figure_is_small():
    cards = population(400)
    figures = [
        simulate(
            cards=cards, new_cards={"d1": 100}, end=NOW + days(60), seed=seed
        ).expected_recalled
        for seed in range(8)
    ]

    assert max(figures) - min(figures) < 0.015 * 500


@pytest.mark.parametrize(
    ("minutes", "seconds", "cap"),
    [(30.0, 20.0, 90), (10.0, 45.0, 13), (0.0, 20.0, 0), (1.0, 61.0, 0), (0.5, 10.0, 3)],
)
def test_a_day_never_takes_more_than_its_minutes(minutes, seconds, cap):
    cards = population(300)

    plan = simulate(
        cards=cards, new_cards={"d1": 200}, minutes_per_day=minutes, seconds_per_review=seconds
    )

    assert max(day.reviews for day in plan.days) == cap
    assert plan.peak_minutes == cap * seconds / 60
    assert plan.mean_minutes == pytest.approx(plan.total_minutes / 30)
    assert all(day.minutes == day.reviews * seconds / 60 <= minutes for day in plan.days)


def test_more_minutes_a_day_recall_more_on_exam_day():
    cards = population(300)

    recalled = [
        simulate(cards=cards, new_cards={"d1": 100}, minutes_per_day=m).expected_recalled
        for m in (2.0, 10.0, 30.0, 90.0)
    ]

    assert recalled == sorted(recalled)
    assert recalled[-1] - recalled[0] > 50


def test_with_time_to_spare_a_higher_retention_recalls_more_on_exam_day():
    cards = population(300)

    recalled = [
        simulate(cards=cards, retention=r, minutes_per_day=600.0).expected_recalled
        for r in planner.RETENTIONS
    ]

    assert recalled == sorted(recalled)


def test_without_time_nothing_is_studied_and_recall_decays():
    cards = population(50)
    end = NOW + days(30)

    plan = simulate(cards=cards, new_cards={"d1": 10}, minutes_per_day=0.0, end=end)

    stored = sum(
        planner.predicted_recall(stability=c.stability, last_review=c.last_review, on=end)
        for c in cards
    )
    assert plan.expected_recalled == stored
    assert plan.total_reviews == 0
    assert (plan.unstudied_at_end, plan.all_studied_on) == (10, None)
    # Every card due by the last session (day 29) is still waiting then.
    assert plan.days[-1].overdue == sum(1 for c in cards if c.due <= NOW + days(29)) > 40


def sure_card(due=NOW, key="d1"):
    """A card the learner cannot fail (recall 1 - 1e-7) that graduates for a long time."""
    return review_card(stability=1e6, last_review=NOW - days(1), due=due, key=key)


@pytest.mark.parametrize(
    ("review_cap", "new_per_day", "reviews", "overdue"),
    [
        (None, 0, [20, 20, 10, 0], [30, 10, 0, 0]),  # the time budget: 20 a day
        (15, 0, [15, 15, 15, 5], [35, 20, 5, 0]),  # the review cap below it
        # New cards' learning steps are not capped; day 0's two come due for review on day 2.
        (15, 2, [19, 19, 19], [35, 20, 7, 0]),
    ],
)
def test_due_cards_beyond_the_day_wait_for_the_next(review_cap, new_per_day, reviews, overdue):
    plan = simulate(
        cards=[sure_card() for _ in range(50)],
        new_cards={"d2": 100},
        end=NOW + days(4),
        minutes_per_day=20 * 20 / 60,
        seconds_per_review=20.0,
        new_per_day=new_per_day,
        first_try_recall=1.0,
        max_reviews_per_day=review_cap,
    )

    assert [day.reviews for day in plan.days][: len(reviews)] == reviews
    assert [day.overdue for day in plan.days] == overdue


@pytest.mark.parametrize(
    ("first_try", "showings"),
    [(1.0, 2), (0.0, 3)],  # Good, Good -> Review; Again, then Good twice (recall 1 that day)
)
def test_new_cards_go_through_their_learning_steps_in_the_session(first_try, showings):
    plan = simulate(
        new_cards={"d1": 12},
        new_per_day=5,
        minutes_per_day=600.0,
        first_try_recall=first_try,
        end=NOW + days(6),
    )

    assert [day.new for day in plan.days] == [5, 5, 2, 0, 0, 0]
    assert plan.days[0].reviews == 5 * showings  # later days add the first reviews
    assert plan.all_studied_on == dt.date(2026, 3, 4)
    assert plan.unstudied_at_end == 0


@pytest.mark.parametrize(
    ("state", "reviewed_on"),
    [(LEARNING, 0), (RELEARNING, 0), (REVIEW, 1)],
)
def test_a_card_due_later_today_is_done_today_only_when_it_is_being_learned(state, reviewed_on):
    due = NOW + dt.timedelta(hours=5)
    card = PlanCard(
        key="d1",
        state=state,
        step=0,
        stability=50.0,
        difficulty=5.0,
        due=due,
        last_review=NOW - dt.timedelta(hours=1),
    )

    plan = simulate(cards=[card], end=NOW + days(3), first_try_recall=1.0)

    assert [day.reviews > 0 for day in plan.days[:2]] == [reviewed_on == 0, reviewed_on == 1]


@pytest.mark.parametrize(
    ("end", "sessions"),
    [
        (NOW, 0),
        (NOW - days(2), 0),
        (NOW + dt.timedelta(minutes=1), 1),
        (NOW + days(1), 1),
        (NOW + dt.timedelta(days=1, seconds=1), 2),
        (NOW + days(90), 90),
    ],
)
def test_sessions_are_the_days_before_the_exam_moment(end, sessions):
    assert planner.sessions_before(start=NOW, end=end) == sessions
    assert len(simulate(end=end, new_cards={"d1": 1}).days) == sessions


def test_sessions_are_counted_in_real_time_across_a_clock_change():
    zone = ZoneInfo("America/New_York")  # clocks go forward on 8 March 2026
    start = dt.datetime(2026, 3, 7, 20, 0, tzinfo=zone)

    # 20:00 to 20:30 two days later is 47.5 hours: two sessions, not three.
    assert planner.sessions_before(start=start, end=start + dt.timedelta(days=2, minutes=30)) == 2


def test_days_are_the_learners_local_dates():
    start = dt.datetime(2026, 3, 2, 1, 0, tzinfo=SEOUL)  # still 1 March in UTC

    plan = simulate(start=start, end=start + days(3), new_cards={"d1": 3}, new_per_day=1)

    assert [day.date for day in plan.days] == [dt.date(2026, 3, d) for d in (2, 3, 4)]
    assert plan.all_studied_on == dt.date(2026, 3, 4)


def test_figures_per_key_add_up_to_the_whole():
    cards = population(120)

    plan = simulate(cards=cards, new_cards={"d1": 10, "d5": 7})

    assert plan.total_by_key == {"d1": 40, "d2": 30, "d3": 30, "d4": 30, "d5": 7}
    assert plan.total == 137
    assert sum(plan.expected_by_key.values()) == pytest.approx(plan.expected_recalled)
    assert 0 < plan.expected_by_key["d5"] <= 7
    assert plan.recalled_at_goal <= plan.total


@pytest.mark.parametrize(
    ("new_cards", "keys"),
    [
        ({}, []),
        ({"a": 3, "b": 1}, ["a", "a", "b", "a"]),
        ({"b": 2, "a": 2}, ["a", "b", "a", "b"]),
        ({"a": 0, "b": 2}, ["b", "b"]),
        (["c", "a", "c"], ["c", "a", "c"]),  # the queue's own order is kept
    ],
)
def test_new_cards_are_introduced_keys_interleaved_or_in_queue_order(new_cards, keys):
    assert planner.new_card_keys(new_cards) == keys


@pytest.mark.parametrize(
    ("overrides", "error", "message"),
    [
        ({"retention": 1.0}, ValueError, "retention"),
        ({"retention": 0}, ValueError, "retention"),
        ({"seconds_per_review": 0.0}, ValueError, "seconds per review"),
        ({"seconds_per_review": math.nan}, ValueError, "seconds per review"),
        ({"minutes_per_day": -1.0}, ValueError, "minutes per day"),
        ({"minutes_per_day": math.inf}, ValueError, "minutes per day"),
        ({"new_per_day": -1}, ValueError, "new cards per day"),
        ({"new_cards": {"d1": -1}}, ValueError, "new card counts"),
        ({"new_cards": "d1"}, TypeError, "as a list"),
        ({"first_try_recall": 1.5}, ValueError, "first-try recall"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_error(overrides, error, message):
    with pytest.raises(error, match=message):
        simulate(**overrides)


@pytest.mark.parametrize(
    ("state", "stability", "difficulty"),
    [(9, 3.0, 5.0), (REVIEW, math.nan, 5.0), (REVIEW, 3.0, None), (RELEARNING, -1.0, 5.0)],
)
def test_a_broken_stored_card_is_learned_again_rather_than_breaking_the_plan(
    state, stability, difficulty
):
    card = PlanCard(
        key="d1",
        state=state,
        step=None,
        stability=stability,
        difficulty=difficulty,
        due=NOW,
        last_review=NOW - days(3),
    )

    plan = simulate(cards=[card], first_try_recall=1.0, end=NOW + days(1))

    assert plan.days[0].reviews == 2  # a first showing and one learning step
    assert plan.expected_recalled > 0.9


# --- recommend ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("new", "sessions", "options"),
    [
        (0, 10, (0,)),
        (100, 0, (0,)),
        (100, 10, (10, 13, 20)),  # done in 10, 8 or 5 sessions
        (5, 90, (1,)),
        (500, 90, (6, 8, 12)),
        (5_000, 1, (1_000,)),  # the settings' ceiling
    ],
)
def test_new_per_day_options_get_through_the_unstudied_cards(new, sessions, options):
    assert planner.new_per_day_options(new_cards=new, sessions=sessions) == options
    # each option introduces every card within the sessions left (when the ceiling allows it)
    if new and sessions:
        assert all(o * sessions >= new or o == planner.NEW_PER_DAY_MAX for o in options)


@pytest.mark.parametrize(
    ("minutes", "exam_in", "new"),
    [
        (10.0, 14, {"d1": 40}),
        (30.0, 45, {"d1": 60, "d2": 20}),
        (120.0, 30, {}),
        (5.0, 60, {"d3": 90}),
    ],
)
def test_the_pick_is_the_argmax_of_its_own_grid(minutes, exam_in, new):
    end = NOW + days(exam_in)

    result = planner.recommend(
        cards=population(150),
        new_cards=new,
        start=NOW,
        end=end,
        minutes_per_day=minutes,
        seconds_per_review=20.0,
        seed=4,
    )

    options = planner.new_per_day_options(new_cards=sum(new.values()), sessions=exam_in)
    assert [(p.retention, p.new_per_day) for p in result.plans] == [
        (r, n) for r in planner.RETENTIONS for n in options
    ]
    assert result.best is not None
    assert result.best == max(result.plans, key=planner.plan_rank)
    assert all(result.best.expected_recalled >= p.expected_recalled - 0.05 for p in result.plans)
    assert all(day.minutes <= minutes for p in result.plans for day in p.days)


def test_a_recommendation_is_the_same_for_the_same_seed():
    arguments: dict[str, Any] = {
        "cards": population(100),
        "new_cards": {"d1": 30},
        "start": NOW,
        "end": NOW + days(20),
        "minutes_per_day": 15.0,
        "seconds_per_review": 25.0,
    }

    assert planner.recommend(seed=5, **arguments) == planner.recommend(seed=5, **arguments)


@pytest.mark.parametrize(
    ("cards", "new_cards", "end"),
    [
        (population(10), {"d1": 5}, NOW),  # the exam is now: no day left
        (population(10), {"d1": 5}, NOW - days(3)),  # or past
        ([], {}, NOW + days(30)),  # no cards at all
        ([], {"d1": 0}, NOW + days(30)),
    ],
)
def test_with_no_day_left_or_no_card_there_is_nothing_to_recommend(cards, new_cards, end):
    result = planner.recommend(
        cards=cards,
        new_cards=new_cards,
        start=NOW,
        end=end,
        minutes_per_day=30.0,
        seconds_per_review=20.0,
        seed=1,
    )

    assert result == planner.Recommendation(plans=(), best=None)


def test_a_learner_with_only_new_cards_gets_a_plan_that_learns_them_all():
    result = planner.recommend(
        cards=[],
        new_cards={"d1": 30, "d2": 30},
        start=NOW,
        end=NOW + days(20),
        minutes_per_day=60.0,
        seconds_per_review=20.0,
        seed=1,
    )

    assert result.best is not None
    assert result.best.unstudied_at_end == 0
    assert result.best.expected_recalled > 50


def test_when_every_plan_recalls_the_same_the_least_work_wins():
    # Cards not due before the exam and nothing new: no plan reviews anything.
    cards = [sure_card(due=NOW + days(40)) for _ in range(5)]

    result = planner.recommend(
        cards=cards,
        new_cards={},
        start=NOW,
        end=NOW + days(10),
        minutes_per_day=30.0,
        seconds_per_review=20.0,
        seed=1,
    )

    assert result.best is not None
    assert (result.best.retention, result.best.new_per_day) == (0.80, 0)
    assert {p.expected_recalled for p in result.plans} == {result.best.expected_recalled}


def made_plan(expected, minutes, retention=0.9, new_per_day=10):
    day = planner.PlanDay(
        date=dt.date(2026, 3, 2), reviews=round(minutes * 3), new=0, minutes=minutes, overdue=0
    )
    return planner.Plan(
        retention=retention,
        new_per_day=new_per_day,
        minutes_per_day=60.0,
        seconds_per_review=20.0,
        days=(day,),
        total=500,
        expected_recalled=expected,
        total_by_key={},
        expected_by_key={},
        recalled_at_goal=0,
        unstudied_at_end=0,
        all_studied_on=None,
    )


@pytest.mark.parametrize(
    ("plans", "best"),
    [
        ([made_plan(410.0, 50), made_plan(410.04, 60)], 0),  # a tie to a tenth: fewer minutes
        ([made_plan(410.0, 50), made_plan(410.2, 60)], 1),  # more recalled wins
        ([made_plan(410.0, 50, 0.95), made_plan(410.0, 50, 0.85)], 1),  # then lower retention
        ([made_plan(410.0, 50, 0.9, 12), made_plan(410.0, 50, 0.9, 8)], 1),  # fewer new a day
    ],
)
def test_plans_rank_by_cards_recalled_then_by_less_work(plans, best):
    assert max(plans, key=planner.plan_rank) is plans[best]


def test_recommend_takes_its_own_grid():
    result = planner.recommend(
        cards=population(30),
        new_cards={"d1": 10},
        start=NOW,
        end=NOW + days(10),
        minutes_per_day=20.0,
        seconds_per_review=20.0,
        seed=1,
        retentions=[0.9],
        new_per_day=[3, 5],
    )

    assert [(p.retention, p.new_per_day) for p in result.plans] == [(0.9, 3), (0.9, 5)]


# --- exam-day order ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cards", "order"),
    [
        ([], []),
        (
            [
                (2, 50.0, NOW - days(1)),  # recall 0.96 on exam day
                (5, 10.0, NOW),  # 0.88
                (4, 1.0, NOW - days(5)),  # 0.63
                (3, 1.0, NOW - days(5)),  # the same: by question id
                (1, None, None),  # never studied: 0
            ],
            [1, 3, 4, 5, 2],
        ),
        # Reviewed today but weak comes before stable but unseen for 400 days (and overdue).
        ([(8, 300.0, NOW - days(400)), (9, 3.0, NOW)], [9, 8]),
    ],
)
def test_exam_day_order_puts_the_lowest_recall_on_exam_day_first(cards, order):
    exam = NOW + days(14)

    ranked = planner.exam_day_order(cards, on=exam)

    assert ranked == order
    recalls = {
        q: planner.predicted_recall(stability=s, last_review=r, on=exam) for q, s, r in cards
    }
    assert [recalls[q] for q in ranked] == sorted(recalls.values())


@pytest.mark.parametrize(
    ("today", "window", "open_"),
    [
        (dt.date(2026, 4, 3), 7, False),  # 7 days before the exam
        (dt.date(2026, 4, 4), 7, True),  # 6 days before: the last 7 days, exam day included
        (dt.date(2026, 4, 10), 7, True),  # exam day
        (dt.date(2026, 4, 11), 7, False),  # after it
        (dt.date(2026, 4, 8), 3, True),
        (dt.date(2026, 4, 7), 3, False),
    ],
)
def test_exam_order_is_offered_in_the_last_days(today, window, open_):
    exam_on = dt.date(2026, 4, 10)

    assert planner.exam_order_open(today=today, exam_on=exam_on, days=window) is open_


# --- teachers' projections ---------------------------------------------------------------------


def project(**overrides):
    arguments: dict[str, Any] = {
        "cards": [],
        "new_cards": 0,
        "start": NOW,
        "due": NOW + days(7),
        "target_percent": 80,
        "retention": 0.9,
        "new_per_day": 20,
        "seconds_per_review": 20.0,
        "minutes_per_day": 10.0,
        "seed": 1,
    }
    arguments.update(overrides)
    return planner.goal_projection(**arguments)


def test_a_student_who_keeps_a_deck_fresh_is_on_course():
    cards = [sure_card(due=NOW + days(30)) for _ in range(20)]

    result = project(cards=cards)

    assert (result.total, result.needed, result.recalled) == (20, 16, 20)
    assert (result.will_miss, result.gap, result.extra_minutes) == (False, 0, 0)
    assert result.share == 1.0


def test_a_student_who_stopped_gets_the_fewest_extra_minutes_that_close_the_gap():
    # Learned a week ago, failing since: recall on the due date well under 0.9 unless reviewed.
    cards = [plan_card(history([(0, AGAIN), (0, GOOD), (0, GOOD), (7, AGAIN)])[0])] * 30

    result = project(cards=cards, new_cards=30, minutes_per_day=0.0)

    assert result.will_miss and result.recalled < result.needed == 48
    assert result.extra_minutes is not None and result.extra_minutes > 0
    assert (
        project(cards=cards, new_cards=30, minutes_per_day=result.extra_minutes).extra_minutes == 0
    )
    fewer = project(cards=cards, new_cards=30, minutes_per_day=result.extra_minutes - 1)
    assert fewer.will_miss


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"due": NOW}, "no day left"),
        ({"due": NOW - days(2)}, "the due date has passed"),
        ({"new_per_day": 0}, "the new cards never start"),
        ({"max_extra_minutes": 1}, "more than the search allows"),
    ],
)
def test_a_goal_out_of_reach_has_no_extra_minutes(overrides, reason):
    result = project(new_cards=50, minutes_per_day=0.0, **overrides)

    assert result.will_miss, reason
    assert result.extra_minutes is None, reason


@pytest.mark.parametrize(
    ("total", "percent", "needed"),
    [(7, 50, 4), (10, 80, 8), (3, 100, 3), (0, 80, 0), (9, 0, 0)],
)
def test_the_goal_counts_cards_as_classroom_goals_do(total, percent, needed):
    result = project(new_cards=total, target_percent=percent, due=NOW)

    assert (result.total, result.needed) == (total, needed)
    assert result.will_miss is (needed > 0)


def test_the_projection_is_the_simulation_at_the_due_date():
    cards = population(60)
    due = NOW + days(12)

    result = project(cards=cards, new_cards=20, due=due, minutes_per_day=8.0)
    plan = simulate(
        cards=cards,
        new_cards={"": 20},
        end=due,
        new_per_day=20,
        minutes_per_day=8.0,
        seconds_per_review=20.0,
    )

    assert result.recalled == plan.recalled_at_goal


@pytest.mark.parametrize("percent", [-1, 101])
def test_a_target_beyond_a_whole_deck_is_refused(percent):
    with pytest.raises(ValueError, match="target percent"):
        project(target_percent=percent)


@pytest.mark.parametrize(
    "steps", [(5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240), (1, 2, 3), (60,)]
)
def test_extra_minutes_in_steps_are_the_smallest_step_that_closes_the_gap(steps):
    cards = [plan_card(history([(0, AGAIN), (0, GOOD), (0, GOOD), (7, AGAIN)])[0])] * 30

    result = project(cards=cards, new_cards=30, minutes_per_day=0.0, extra_steps=steps)
    exact = project(cards=cards, new_cards=30, minutes_per_day=0.0)

    assert result.recalled == exact.recalled
    if result.extra_minutes is None:
        assert exact.extra_minutes is None or exact.extra_minutes > steps[-1]
    else:
        assert result.extra_minutes in steps
        assert exact.extra_minutes is not None
        # The step at or above the exact answer, and the step before it falls short.
        assert result.extra_minutes >= exact.extra_minutes
        smaller = [step for step in steps if step < result.extra_minutes]
        assert not smaller or smaller[-1] < exact.extra_minutes
