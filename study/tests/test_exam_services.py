"""The exam services: drawing an exam, saving choices against the server's deadline, submitting
and feeding each answer to FSRS exactly once."""

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from cards.models import Deck, Question, TaskStatement
from cards.tests.factories import domain_numbered, make_topic
from study import exam_services, scheduling, services
from study.exam_services import ExamError, ExamTimeUp
from study.models import Attempt, CardState, Exam, ExamItem, ExamScope, Mode, ReviewState

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MULTI = [("DAX", True), ("Eventually consistent reads", True), ("S3 TA", False), ("gp3", False)]


@pytest.fixture
def bank(topic, other_topic, make_question):
    """Four single and two multiple-response questions over two topics, plus two flashcards."""
    singles = [make_question(topic, prompt=f"Lambda {i}") for i in range(3)]
    singles.append(make_question(other_topic, prompt="Accelerator"))
    multiples = [
        make_question(other_topic, kind="multiple", prompt=f"Pick two {i}", answers=MULTI)
        for i in range(2)
    ]
    cards = [make_question(topic, kind="flashcard", prompt=f"Card {i}") for i in range(2)]
    return {"single": singles, "multiple": multiples, "flashcard": cards}


def start(user, *, count=None, timed=True, scope=ExamScope.EXAM, seed=1, now=NOW, **extra):
    return exam_services.exam_start(
        user=user, scope=scope, question_count=count, timed=timed, now=now, seed=seed, **extra
    )


def items(exam):
    return list(ExamItem.objects.filter(exam=exam).select_related("question").order_by("position"))


def right(question):
    return [a.pk for a in question.answers.all() if a.is_correct]


def wrong(question):
    return [a.pk for a in question.answers.all() if not a.is_correct]


def save(user, exam, position, answer_ids, *, flagged=False, now=NOW + timedelta(minutes=1)):
    return exam_services.exam_answer_save(
        user=user, exam=exam, position=position, answer_ids=answer_ids, flagged=flagged, now=now
    )


def snapshot():
    return (
        list(Exam.objects.order_by("pk").values()),
        list(ExamItem.objects.order_by("pk").values()),
        list(Attempt.objects.order_by("pk").values()),
        list(ReviewState.objects.order_by("pk").values()),
    )


# Starting -------------------------------------------------------------------------------------


def test_a_default_exam_takes_every_choice_question_up_to_65_and_no_flashcards(student, bank):
    exam = start(student)

    drawn = {item.question for item in items(exam)}
    assert drawn == set(bank["single"] + bank["multiple"])
    assert exam.question_count == 6
    assert [item.position for item in items(exam)] == [1, 2, 3, 4, 5, 6]
    assert (exam.user, exam.scope, exam.started_at, exam.submitted_at) == (
        student,
        ExamScope.EXAM,
        NOW,
        None,
    )


def test_a_timed_exam_gets_two_minutes_a_question(student, bank):
    exam = start(student, count=5)
    assert exam.timed
    assert exam.deadline == NOW + timedelta(minutes=10)


def test_an_untimed_exam_has_no_deadline(student, bank):
    exam = start(student, count=3, timed=False)
    assert (exam.timed, exam.deadline) == (False, None)


def test_each_item_keeps_its_own_shuffle_of_all_its_answers(student, bank):
    exam = start(student)
    for item in items(exam):
        assert sorted(item.option_order) == sorted(a.pk for a in item.question.answers.all())
        assert (item.chosen_answer_ids, item.answered_at, item.flagged, item.correct) == (
            [],
            None,
            False,
            None,
        )


def test_the_same_seed_draws_the_same_exam_and_another_seed_may_not(student, bank):
    def drawn(seed):
        return [(i.question_id, i.option_order) for i in items(start(student, count=4, seed=seed))]

    assert drawn(7) == drawn(7)
    assert len({tuple(map(str, drawn(seed))) for seed in range(8)}) > 1


def test_a_topic_exam_only_draws_from_that_topic(student, bank, other_topic):
    exam = start(student, scope=ExamScope.TOPIC, topic=other_topic)
    assert {item.question.topic for item in items(exam)} == {other_topic}
    assert exam.question_count == 3
    assert (exam.topic, exam.deck, exam.title) == (other_topic, None, other_topic.name)


def test_a_deck_exam_draws_the_decks_choice_questions(student, deck):
    exam = start(student, scope=ExamScope.DECK, deck=deck)
    assert {item.question.kind for item in items(exam)} == {"single"}
    assert exam.question_count == 3
    assert (exam.deck, exam.title) == (deck, deck.name)


def test_a_deck_the_learner_cannot_see_is_refused(student, teacher, topic, make_question):
    private = Deck.objects.create(slug="private", name="Private", owner=teacher)
    private.questions.set([make_question(topic)])
    with pytest.raises(ExamError):
        start(student, scope=ExamScope.DECK, deck=private)
    assert not Exam.objects.exists()


def test_a_domain_exam_draws_from_that_domain_and_is_named_after_it(student, bank, make_question):
    """Content in two domains: a domain exam takes only its own."""
    resilient = domain_numbered(2)
    sqs = make_topic("amazon-sqs", "Amazon SQS", "2.1")
    for i in range(3):
        make_question(sqs, prompt=f"Queue {i}")

    exam = start(student, scope=ExamScope.DOMAIN, domain=resilient)

    assert {item.question.topic for item in items(exam)} == {sqs}
    assert (exam.scope, exam.domain, exam.question_count) == ("domain", resilient, 3)
    assert exam.title == "Domain 2: Design Resilient Architectures"


def test_a_task_statement_exam_draws_the_questions_that_test_it(student, bank, topic):
    """Its own topic's questions, and a question of another topic that names it instead."""
    compute = TaskStatement.objects.get(code="3.2")
    moved = bank["multiple"][0]  # an accelerator (3.4) question that tests 3.2
    Question.objects.filter(pk=moved.pk).update(task_statement=compute)
    Question.objects.filter(pk=bank["single"][0].pk).update(
        task_statement=TaskStatement.objects.get(code="3.5")
    )

    exam = start(student, scope=ExamScope.TASK_STATEMENT, task_statement=compute)

    assert {item.question for item in items(exam)} == {*bank["single"][1:3], moved}
    assert (exam.task_statement, exam.title) == (
        compute,
        "3.2 Design high-performing and elastic compute solutions",
    )


@pytest.fixture
def two_domains(db, make_question):
    """Choice questions in Domain 1 (30 %) and Domain 3 (24 %), 40 of each."""
    secure = make_topic("iam", "IAM", "1.1", order=1)
    fast = make_topic("lambda", "Lambda", "3.2", order=1)
    return {
        topic.domain.number: [make_question(topic, prompt=f"{topic.slug} {i}") for i in range(40)]
        for topic in (secure, fast)
    }


@pytest.mark.parametrize(
    ("count", "per_domain"),
    [
        (None, {1: 36, 3: 29}),  # the blueprint's 65, split 30 : 24 as far as the bank allows
        (10, {1: 6, 3: 4}),
        (65, {1: 36, 3: 29}),
    ],
)
def test_a_whole_exam_takes_each_domain_by_its_weight(student, two_domains, count, per_domain):
    exam = start(student, count=count, seed=5)
    drawn = Counter(item.question.topic.domain.number for item in items(exam))
    assert dict(drawn) == per_domain
    assert exam.question_count == sum(per_domain.values())
    assert exam.title == "SAA-C03: the whole exam"
    # The same seed, the same exam; and the domains are mixed, not one after the other.
    again = start(student, count=count, seed=5)
    assert [i.question_id for i in items(again)] == [i.question_id for i in items(exam)]
    domains = [item.question.topic.domain.number for item in items(exam)]
    assert domains != sorted(domains)


def test_a_whole_exam_short_in_a_domain_takes_the_rest_from_the_others(student, two_domains):
    for question in two_domains[3][10:]:
        question.delete()
    exam = start(student, seed=5)
    drawn = Counter(item.question.topic.domain.number for item in items(exam))
    assert dict(drawn) == {1: 40, 3: 10}  # all there is: 50 of the 65


def test_the_scaled_estimate_of_a_submitted_whole_exam_weights_its_domains(student, two_domains):
    exam = start(student, count=10, seed=5, timed=False)
    for item in items(exam):  # every Domain 1 question right, every Domain 3 one wrong
        answer = right if item.question.topic.domain.number == 1 else wrong
        save(student, exam, item.position, answer(item.question)[:1])
    exam = exam_services.exam_submit(user=student, exam=exam, now=NOW + timedelta(minutes=5))
    # 6 of 10 right, but weighted 30 : 24, 100 % and 0 %: 100 + 900 × 30/54 = 600.
    assert (exam.raw_score, exam.scaled_score) == (6, 600)


@pytest.mark.parametrize(
    ("scope", "count"),
    [
        (ExamScope.EXAM, 7),  # more than there are
        (ExamScope.EXAM, 0),
        (ExamScope.EXAM, 66),
        (ExamScope.DOMAIN, None),  # no domain given
        (ExamScope.TASK_STATEMENT, None),  # no task statement given
        (ExamScope.TOPIC, None),  # no topic given
        (ExamScope.DECK, None),  # no deck given
        ("everything", None),
    ],
)
def test_an_impossible_exam_is_refused_and_nothing_is_written(student, bank, scope, count):
    with pytest.raises(ExamError):
        start(student, scope=scope, count=count)
    assert not Exam.objects.exists()
    assert not ExamItem.objects.exists()


def test_no_choice_questions_means_no_exam(student, topic, make_question):
    make_question(topic, kind="flashcard")
    with pytest.raises(ExamError):
        start(student)
    assert not Exam.objects.exists()


# Saving ---------------------------------------------------------------------------------------


def test_a_choice_is_saved_at_once_with_its_time_and_flag(student, bank):
    exam = start(student)
    item = items(exam)[0]
    later = NOW + timedelta(minutes=3)

    save(student, exam, 1, [wrong(item.question)[0]], flagged=True, now=later)

    item.refresh_from_db()
    assert item.chosen_answer_ids == [wrong(item.question)[0]]
    assert (item.answered_at, item.flagged, item.correct) == (later, True, None)
    assert not Attempt.objects.exists()
    assert not ReviewState.objects.exists()


def test_the_last_save_wins_and_an_empty_one_clears_the_answer(student, bank):
    exam = start(student)
    question = items(exam)[0].question
    save(student, exam, 1, [wrong(question)[0]])
    save(student, exam, 1, right(question))
    item = items(exam)[0]
    assert item.chosen_answer_ids == right(question)

    save(student, exam, 1, [], flagged=True)

    item.refresh_from_db()
    assert (item.chosen_answer_ids, item.answered_at, item.flagged) == ([], None, True)


def test_a_multiple_response_keeps_every_chosen_answer_sorted(student, bank):
    exam = start(student, scope=ExamScope.TOPIC, topic=bank["multiple"][0].topic)
    position, item = next((i.position, i) for i in items(exam) if i.question.kind == "multiple")
    chosen = sorted(right(item.question), reverse=True)

    save(student, exam, position, chosen)

    item.refresh_from_db()
    assert item.chosen_answer_ids == sorted(chosen)


def test_refused_saves_write_nothing(student, other_student, bank):
    exam = start(student)
    first, second = items(exam)[:2]
    single = next(i for i in items(exam) if i.question.kind == "single")
    cases = [
        (student, first.position, [999_999]),  # unknown answer
        (student, first.position, right(second.question)),  # another question's answer
        (student, single.position, [a.pk for a in single.question.answers.all()][:2]),  # two
        (student, 99, right(first.question)),  # no such question
        (other_student, first.position, right(first.question)),  # not theirs
    ]
    before = snapshot()
    for user, position, answer_ids in cases:
        with pytest.raises(ExamError):
            save(user, exam, position, answer_ids)
    assert snapshot() == before


def test_a_submitted_exam_cannot_change(student, bank):
    exam = start(student)
    exam_services.exam_submit(user=student, exam=exam, now=NOW + timedelta(minutes=2))
    before = snapshot()
    with pytest.raises(ExamError) as refused:
        save(student, exam, 1, right(items(exam)[0].question))
    assert not isinstance(refused.value, ExamTimeUp)
    assert snapshot() == before


def test_an_answer_after_the_deadline_is_refused_and_the_exam_submitted(student, bank):
    exam = start(student, count=5)
    first, second = items(exam)[:2]
    save(student, exam, 1, right(first.question))

    with pytest.raises(ExamTimeUp):
        save(student, exam, 2, right(second.question), now=exam.deadline)

    second.refresh_from_db()
    assert second.chosen_answer_ids == []
    exam.refresh_from_db()
    assert exam.submitted_at == exam.deadline
    assert exam.raw_score == 1
    assert Attempt.objects.filter(user=student).count() == 1


def test_an_untimed_exam_takes_answers_whenever(student, bank):
    exam = start(student, timed=False)
    item = save(student, exam, 1, right(items(exam)[0].question), now=NOW + timedelta(days=9))
    assert item.answered_at == NOW + timedelta(days=9)


# Submitting -----------------------------------------------------------------------------------


def answer_all(user, exam, *, right_positions, skip=()):
    for item in items(exam):
        if item.position in skip:
            continue
        question = item.question
        chosen = right(question) if item.position in right_positions else wrong(question)[:1]
        save(user, exam, item.position, chosen)


def test_submitting_grades_every_item_and_records_the_score(student, bank):
    exam = start(student)
    answer_all(student, exam, right_positions={1, 2, 3}, skip={6})
    at = NOW + timedelta(minutes=5)

    submitted = exam_services.exam_submit(user=student, exam=exam, now=at)

    assert (submitted.submitted_at, submitted.raw_score, submitted.scaled_score) == (at, 3, 550)
    graded = {item.position: item.correct for item in items(exam)}
    assert graded == {1: True, 2: True, 3: True, 4: False, 5: False, 6: False}


def test_each_answered_item_feeds_fsrs_once_and_unanswered_ones_not_at_all(student, bank):
    exam = start(student)
    answer_all(student, exam, right_positions={1, 2}, skip={5, 6})
    at = NOW + timedelta(minutes=5)

    exam_services.exam_submit(user=student, exam=exam, now=at)

    attempts = list(Attempt.objects.select_related("exam_item").order_by("exam_item__position"))
    assert [a.exam_item.position for a in attempts if a.exam_item] == [1, 2, 3, 4]
    for attempt in attempts:
        item = attempt.exam_item
        assert item is not None
        assert (attempt.user, attempt.question_id, attempt.mode) == (
            student,
            item.question_id,
            Mode.EXAM,
        )
        assert (attempt.showing, attempt.rescheduled, attempt.reviewed_at) == (None, True, at)
        assert attempt.chosen_answer_ids == item.chosen_answer_ids
        assert attempt.correct == item.correct
        assert attempt.rating == (3 if item.correct else 1)
        assert (attempt.state_before, attempt.due_before) == (None, None)
        assert attempt.card_before == scheduling.new_card(item.question_id, at).to_dict()
        state = ReviewState.objects.get(user=student, question_id=item.question_id)
        # A new card answered Good is back in 10 minutes, Again in 1 — as in the study loop.
        minutes = 10 if item.correct else 1
        assert attempt.due_after == state.due == at + timedelta(minutes=minutes)
        assert (state.first_review, state.last_review, state.reps) == (at, at, 1)
    unanswered = [item.question_id for item in items(exam) if item.position in (5, 6)]
    assert not ReviewState.objects.filter(question_id__in=unanswered).exists()


def test_submitting_twice_changes_nothing(student, bank):
    exam = start(student)
    answer_all(student, exam, right_positions={1})
    first = exam_services.exam_submit(user=student, exam=exam, now=NOW + timedelta(minutes=5))
    before = snapshot()

    again = exam_services.exam_submit(user=student, exam=exam, now=NOW + timedelta(minutes=9))

    assert again.submitted_at == first.submitted_at
    assert snapshot() == before
    assert Attempt.objects.count() == 6


def test_an_exam_answer_reschedules_a_card_studied_before_like_a_study_answer(student, deck):
    question = deck.questions.filter(kind="single").order_by("pk").first()
    showing = services.showing_issue(
        user=student, deck=deck, question=question, mode=Mode.CHOICE, practice=False, now=NOW
    )
    services.attempt_record(
        user=student,
        token=showing.token,
        slug=deck.slug,
        answer_ids=right(question),
        rating=None,
        duration_ms=None,
        now=NOW,
    )
    services.attempt_regrade(user=student, token=showing.token, rating=4, now=NOW)
    state = ReviewState.objects.get(user=student, question=question)
    assert state.state == CardState.REVIEW
    due = state.due

    exam = start(student, scope=ExamScope.DECK, deck=deck, count=3, timed=False, now=due)
    position = next(i.position for i in items(exam) if i.question_id == question.pk)
    save(student, exam, position, wrong(question)[:1], now=due)
    exam_services.exam_submit(user=student, exam=exam, now=due)

    attempt = Attempt.objects.get(mode=Mode.EXAM, question=question)
    state.refresh_from_db()
    assert (attempt.state_before, attempt.due_before, attempt.rating) == (CardState.REVIEW, due, 1)
    assert (state.state, state.lapses, state.reps) == (CardState.RELEARNING, 1, 2)
    assert state.due == attempt.due_after == due + timedelta(minutes=10)
    assert state.first_review == NOW


def test_the_attempt_link_to_an_exam_item_is_unique(student, bank):
    exam = start(student)
    answer_all(student, exam, right_positions={1})
    exam_services.exam_submit(user=student, exam=exam, now=NOW + timedelta(minutes=5))
    attempt = Attempt.objects.order_by("pk")[0]

    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(
            user=student,
            question=attempt.question,
            exam_item=attempt.exam_item,
            mode=Mode.EXAM,
            correct=True,
            rating=3,
            reviewed_at=NOW,
        )


def test_a_database_error_while_submitting_leaves_the_exam_open(student, bank, monkeypatch):
    exam = start(student)
    answer_all(student, exam, right_positions={1, 2})
    before = snapshot()

    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Attempt.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        exam_services.exam_submit(user=student, exam=exam, now=NOW + timedelta(minutes=5))

    assert snapshot() == before


def test_close_if_over_submits_only_a_timed_out_exam(student, bank):
    exam = start(student, count=2)
    still = exam_services.exam_close_if_over(user=student, exam=exam, now=NOW)
    assert still.submitted_at is None
    closed = exam_services.exam_close_if_over(user=student, exam=exam, now=exam.deadline)
    assert closed.submitted_at == exam.deadline
    untimed = start(student, count=2, timed=False)
    far = NOW + timedelta(days=400)
    assert (
        exam_services.exam_close_if_over(user=student, exam=untimed, now=far).submitted_at is None
    )


# Real concurrency (PostgreSQL row locks; SQLite serialises every write anyway) -----------------


def run_together(calls):
    """Run the calls in threads released at the same instant; return results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # handed to the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_two_submissions_and_a_late_save_at_once_feed_fsrs_once(student, bank):
    for round_ in range(3):
        exam = start(student, seed=round_)
        answer_all(student, exam, right_positions={1, 2}, skip={6})
        last = items(exam)[5]
        at = NOW + timedelta(minutes=5)

        def submit(exam=exam, at=at):
            return exam_services.exam_submit(user=student, exam=exam, now=at).submitted_at

        def late_save(exam=exam, last=last):
            return save(student, exam, 6, right(last.question))

        results = run_together([submit, submit, late_save])

        assert results[0] == results[1] == at, results
        saved = not isinstance(results[2], Exception)
        if not saved:
            assert isinstance(results[2], ExamError) and not isinstance(results[2], ExamTimeUp)
        answered = 6 if saved else 5
        assert Attempt.objects.filter(exam_item__exam=exam).count() == answered
        exam.refresh_from_db()
        assert exam.raw_score == 2 + saved
