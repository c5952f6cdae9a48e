"""The teacher's dashboard for one assignment: per-student rows, most-missed cards, the CSV, and
a query count that does not grow with students or cards."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from cards.models import Deck, Question, TaskStatement
from cards.tests.factories import domain_numbered, make_topic
from classrooms import services
from classrooms.goals import Goal
from classrooms.models import Membership
from study.spreadsheet import FORMULA_STARTS

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


@pytest.fixture
def as_teacher(client, teacher):
    client.force_login(teacher)
    return client


def dashboard_url(assignment):
    return reverse("classrooms:assignment_detail", args=[assignment.pk])


def csv_url(assignment):
    return reverse("classrooms:assignment_csv", args=[assignment.pk])


def wrong_and_right(question):
    answers = list(question.answers.order_by("order"))
    return [a for a in answers if not a.is_correct], [a for a in answers if a.is_correct]


@pytest.fixture
def week(classroom, membership, teacher_deck, other_student, now, enrol):
    """Three days into a ten-day assignment (30 % of the time gone), two students."""
    enrol(classroom, other_student)
    return services.assignment_create(
        classroom=classroom,
        deck=teacher_deck,
        goal=Goal.ANSWER_ALL,
        target_percent=None,
        due_at=now + 7 * DAY,
        now=now - 3 * DAY,
    )


def test_one_row_per_student_with_progress_accuracy_time_and_status(
    as_teacher, week, student, other_student, record, frozen
):
    q1, q2, _q3 = week.deck.questions.order_by("pk")
    # Before the assignment: counts as answered, not as work on this assignment.
    record(student, q1, at=week.assigned_at - DAY, duration_ms=99_000)
    record(student, q1, at=frozen - 2 * HOUR, correct=False, duration_ms=30_000)
    record(student, q2, at=frozen - HOUR, correct=True, duration_ms=90_000)
    record(student, q2, at=frozen - HOUR, correct=True, duration_ms=None)

    response = as_teacher.get(dashboard_url(week))
    rows = {row.student: row for row in response.context["board"].rows}
    mine = rows[student]
    assert (mine.progress.answered, mine.progress.total, mine.progress.percent) == (2, 3, 66)
    assert (mine.attempts, mine.correct) == (3, 2)
    assert mine.accuracy == pytest.approx(2 / 3)
    assert mine.time_ms == 120_000
    assert mine.last_activity == frozen - HOUR
    assert mine.status == "on_track"  # 66 % done, 30 % of the time gone
    assert mine.answered_before == 1

    theirs = rows[other_student]
    assert (theirs.progress.answered, theirs.attempts, theirs.time_ms) == (0, 0, 0)
    assert theirs.last_activity is None
    assert theirs.accuracy is None
    assert theirs.status == "behind"

    html = response.content.decode()
    assert "학생 김" in html
    assert "2 min" in html
    assert "67%" in html  # accuracy
    assert "How progress and status are measured" in html
    assert response.context["board"].status_counts == {
        "done": 0,
        "on_track": 1,
        "behind": 1,
        "late": 0,
        "missing": 0,
    }


def test_a_late_joiners_earlier_study_counts_for_progress_not_activity_and_says_so(
    as_teacher, week, other_student, record, frozen
):
    q1, q2, _q3 = week.deck.questions.order_by("pk")
    # Studied before the assignment (before joining, say): two cards, nothing since.
    record(other_student, q1, at=week.assigned_at - 5 * DAY)
    record(other_student, q2, at=week.assigned_at - 5 * DAY)
    response = as_teacher.get(dashboard_url(week))
    row = {row.student: row for row in response.context["board"].rows}[other_student]
    assert (row.progress.percent, row.attempts, row.last_activity) == (66, 0, None)
    assert row.answered_before == 2
    html = response.content.decode()
    assert "also what they studied before this assignment or before joining the class" in html
    assert "count only the answers given since the assignment was set" in html
    line = html[html.index(f'data-student="{other_student.pk}"') :]
    assert "incl. earlier study" in line[: line.index("</tr>")]
    assert html.count("data-earlier") == 1  # the other student studied only since


def test_memory_goal_counts_cards_at_recall_of_at_least_90_percent(
    as_teacher, classroom, membership, deck, student, record, frozen
):
    assignment = services.assignment_create(
        classroom=classroom,
        deck=deck,
        goal=Goal.RECALL,
        target_percent=40,  # 2 of the 5 cards
        due_at=frozen + DAY,
        now=frozen - DAY,
    )
    q1, q2, q3, *_ = deck.questions.order_by("pk")
    record(student, q1, at=frozen - 2 * DAY, stability=10.0)  # well remembered
    record(student, q2, at=frozen - 4 * DAY, stability=2.0)  # faded below 90 %
    record(student, q3, at=frozen - HOUR, stability=1.0)  # just reviewed
    [row] = as_teacher.get(dashboard_url(assignment)).context["board"].rows
    assert (row.progress.recalled, row.progress.needed) == (2, 2)
    assert row.status == "done"


def test_memory_goal_is_predicted_for_the_due_date_not_now(
    as_teacher, classroom, membership, deck, student, record, frozen
):
    """Right after a review recall is about 1; what counts is recall on the due date."""
    assignment = services.assignment_create(
        classroom=classroom,
        deck=deck,
        goal=Goal.RECALL,
        target_percent=40,  # 2 of the 5 cards
        due_at=frozen + 10 * DAY,
        now=frozen - DAY,
    )
    q1, q2, *_ = deck.questions.order_by("pk")
    record(student, q1, at=frozen - HOUR, stability=0.5)  # just failed: ~1 now, low in 10 days
    record(student, q2, at=frozen - HOUR, stability=30.0)  # well known: still high in 10 days
    [row] = as_teacher.get(dashboard_url(assignment)).context["board"].rows
    assert (row.progress.recalled, row.progress.needed) == (1, 2)
    assert row.status != "done"


def test_after_the_due_date_a_memory_goal_is_judged_as_it_stood_on_that_day(
    as_teacher, classroom, membership, deck, student, record, frozen, clock
):
    assignment = services.assignment_create(
        classroom=classroom,
        deck=deck,
        goal=Goal.RECALL,
        target_percent=20,  # 1 of the 5 cards
        due_at=frozen + DAY,
        now=frozen - DAY,
    )
    q1, q2, *_ = deck.questions.order_by("pk")
    # q1 stood weak on the due date; studied well two days after it, it must not count.
    record(student, q1, at=frozen - HOUR, stability=0.5)
    clock.move_to(frozen + 3 * DAY)
    later = record(student, q1, at=frozen + 3 * DAY, stability=50.0)
    later.card_before = {"stability": 0.5, "last_review": (frozen - HOUR).isoformat()}
    later.save(update_fields=["card_before"])
    [row] = as_teacher.get(dashboard_url(assignment)).context["board"].rows
    assert row.progress.recalled == 0
    assert row.status == "missing"

    # q2 stood strong on the due date and has not been seen since: it counts.
    record(student, q2, at=frozen - HOUR, stability=50.0)
    [row] = as_teacher.get(dashboard_url(assignment)).context["board"].rows
    assert row.progress.recalled == 1
    assert row.status == "done"


def test_students_projected_to_miss_a_memory_goal_come_first_with_their_extra_minutes(
    as_teacher, classroom, membership, deck, student, other_student, enrol, record, frozen
):
    enrol(classroom, other_student)
    assignment = services.assignment_create(
        classroom=classroom,
        deck=deck,
        goal=Goal.RECALL,
        target_percent=80,  # 4 of the 5 cards
        due_at=frozen + 14 * DAY,
        now=frozen - DAY,
    )
    # `other_student` knows every card well; `student` studied nothing and has no pace.
    for question in deck.questions.all():
        record(other_student, question, at=frozen - HOUR, stability=400.0)

    response = as_teacher.get(dashboard_url(assignment))

    board = response.context["board"]
    assert [row.student for row in board.rows] == [student, other_student]
    behind, fine = board.rows
    assert behind.projection.will_miss
    assert behind.projection.recalled == 0
    assert behind.projection.extra_minutes is not None and behind.projection.extra_minutes > 0
    assert not fine.projection.will_miss
    assert fine.projection.share == 1.0
    html = response.content.decode()
    assert "Projected on the due date" in html
    assert f"+{behind.projection.extra_minutes}" in html

    _header, *rows = read_csv(as_teacher.get(csv_url(assignment)))
    by_email = {row[1]: row for row in rows}
    assert by_email[student.email][-2:] == ["0", str(behind.projection.extra_minutes)]
    assert by_email[other_student.email][-2:] == ["100", "0"]


def test_late_and_missing_after_the_due_date(
    as_teacher, week, student, other_student, record, clock
):
    record(student, week.deck.questions.first(), at=week.assigned_at + HOUR)
    clock.move_to(week.due_at + DAY)
    rows = {r.student: r for r in as_teacher.get(dashboard_url(week)).context["board"].rows}
    assert rows[student].status == "late"
    assert rows[other_student].status == "missing"


def test_most_missed_cards_with_the_most_chosen_wrong_option(
    as_teacher,
    week,
    student,
    other_student,
    record,
    frozen,
    teacher_deck,
    make_question,
    topic,
    make_user,
):
    q1, q2, q3 = teacher_deck.questions.order_by("pk")
    ec2, s3 = wrong_and_right(q1)[0]
    (lam,) = wrong_and_right(q1)[1]
    at = frozen - HOUR
    record(student, q1, at=at, correct=False, chosen=[s3.pk])
    record(student, q1, at=at, correct=False, chosen=[s3.pk])
    record(other_student, q1, at=at, correct=False, chosen=[ec2.pk])
    record(other_student, q1, at=at, correct=True, chosen=[lam.pk])
    record(student, q2, at=at, correct=False, chosen=[])  # a flashcard-style miss
    record(student, q3, at=at, correct=True)
    # Not this class, or not this deck, or before the assignment: not counted.
    outsider = make_user("outsider@example.com")
    record(outsider, q3, at=at, correct=False)
    record(student, make_question(topic), at=at, correct=False)
    record(student, q3, at=week.assigned_at - HOUR, correct=False)

    response = as_teacher.get(dashboard_url(week))
    missed = response.context["board"].most_missed
    assert [(m.question, m.wrong, m.students) for m in missed] == [(q1, 3, 2), (q2, 1, 1)]
    assert (missed[0].top_wrong_answer, missed[0].top_wrong_count) == (s3, 2)
    assert missed[1].top_wrong_answer is None
    html = response.content.decode()
    assert "Amazon S3" in html
    assert "2 times" in html


def test_answers_by_domain_and_task_statement_of_the_cards_they_test(
    as_teacher, week, student, other_student, record, frozen, teacher_deck, make_question
):
    """The deck mixes two domains; one card tests another task statement than its topic's."""
    q1, q2, q3 = teacher_deck.questions.order_by("pk")  # Lambda: 3.2
    sqs = make_question(make_topic("sqs", "Amazon SQS", "2.1"))
    aurora = make_question(make_topic("aurora", "Aurora", None, domain=domain_numbered(2)))
    teacher_deck.questions.add(sqs, aurora)
    Question.objects.filter(pk=q3.pk).update(task_statement=TaskStatement.objects.get(code="3.5"))
    at = frozen - HOUR
    record(student, q1, at=at, correct=True)
    record(other_student, q1, at=at, correct=False)
    record(student, q3, at=at, correct=True)
    record(student, sqs, at=at, correct=False)
    record(student, q2, at=week.assigned_at - HOUR, correct=False)  # before: not counted

    response = as_teacher.get(dashboard_url(week))

    rows = response.context["board"].by_task_statement
    assert [
        (r.domain.number, r.task_statement.code if r.task_statement else None, r.cards, r.answers)
        for r in rows
    ] == [(2, "2.1", 1, 1), (2, None, 1, 0), (3, "3.2", 2, 2), (3, "3.5", 1, 1)]
    assert [r.accuracy for r in rows] == [0.0, None, 0.5, 1.0]
    html = response.content.decode()
    assert "Domain 2: Design Resilient Architectures" in html
    assert '<tr data-task="2:unplaced">' in html
    assert "3.5 Determine high-performing data ingestion and transformation solutions" in html


def test_most_missed_keeps_the_ten_worst(
    as_teacher, week, student, record, frozen, topic, make_question
):
    extra = [make_question(topic, prompt=f"Extra {i}") for i in range(12)]
    week.deck.questions.add(*extra)
    for i, question in enumerate(extra):
        for _ in range(i + 1):
            record(student, question, at=frozen - HOUR, correct=False)
    missed = as_teacher.get(dashboard_url(week)).context["board"].most_missed
    assert len(missed) == 10
    assert [m.wrong for m in missed] == list(range(12, 2, -1))


def test_chosen_answers_of_an_odd_shape_do_not_break_the_page(
    as_teacher, week, student, record, frozen
):
    question = week.deck.questions.first()
    record(student, question, at=frozen - HOUR, correct=False, chosen=["x", None, 10**12])
    response = as_teacher.get(dashboard_url(week))
    assert response.status_code == 200
    assert response.context["board"].most_missed[0].top_wrong_answer is None


# --- CSV ---


def read_csv(response):
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_csv_has_the_dashboard_columns_and_one_row_per_student(
    as_teacher, week, student, other_student, record, frozen
):
    record(student, week.deck.questions.first(), at=frozen - HOUR, duration_ms=600_000)
    response = as_teacher.get(csv_url(week))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    header, *rows = read_csv(response)
    assert header == [
        "Student",
        "Email",
        "Progress (%)",
        "Cards done",
        "Cards in the goal",
        "Accuracy (%)",
        "Answers",
        "Time spent (minutes)",
        "Last activity",
        "Status",
        "Projected on the due date (%)",
        "Extra minutes a day to meet the goal",
    ]
    by_email = {row[1]: row for row in rows}
    assert len(rows) == 2
    # The Korean name survives the round trip; times are in the teacher's zone (UTC+9).
    assert by_email[student.email] == [
        "학생 김",
        student.email,
        "33",
        "1",
        "3",
        "100",
        "1",
        "10.0",
        "2026-03-02 17:00",
        "On track",
        "",  # an "answer every card" goal has no memory projection
        "",
    ]
    assert by_email[other_student.email][2:] == [
        "0", "0", "3", "", "0", "0.0", "", "Behind", "", "",
    ]  # fmt: skip


def test_csv_cells_cannot_start_a_formula(as_teacher, classroom, week, now, make_user, enrol):
    evil = make_user("evil@example.com", display_name='=HYPERLINK("http://x")')
    plus = make_user("plus@example.com", display_name="+1 555")
    # An address may start with a hyphen or an equals sign too; the name falls back to it.
    dash = make_user("-2+3@example.com")
    for user in (evil, plus, dash):
        enrol(classroom, user, now)
    rows = read_csv(as_teacher.get(csv_url(week)))
    names = {row[1]: row[0] for row in rows[1:]}
    assert names["evil@example.com"] == '\'=HYPERLINK("http://x")'
    assert names["plus@example.com"] == "'+1 555"
    assert names["'-2+3@example.com"] == "'-2+3"
    assert not [cell for row in rows[1:] for cell in row if cell.startswith(FORMULA_STARTS)]


# --- Queries ---


@pytest.fixture
def add_students(make_user, enrol, record):
    """add_students(classroom, deck, n, at): n more students, each with answers to every card."""

    def add(classroom, deck, n, at):
        questions = list(deck.questions.all())
        for _ in range(n):
            user = make_user(f"s{Membership.objects.count()}@example.com", display_name="학생")
            enrol(classroom, user, at)
            for i, question in enumerate(questions):
                wrong, right = wrong_and_right(question)
                record(user, question, at=at, correct=bool(i % 2), chosen=[wrong[0].pk])
                record(user, question, at=at + HOUR, correct=True, chosen=[right[0].pk])

    return add


@pytest.mark.parametrize("goal", [Goal.ANSWER_ALL, Goal.RECALL])
def test_dashboard_and_csv_queries_do_not_grow_with_students_or_cards(
    as_teacher,
    teacher,
    topic,
    make_question,
    add_students,
    frozen,
    goal,
    django_assert_max_num_queries,
):
    classroom = services.classroom_create(teacher=teacher, name="Big", now=frozen - DAY)
    deck = services.deck_create(owner=teacher, name="Big deck")
    deck.questions.set([make_question(topic) for _ in range(4)])
    assignment = services.assignment_create(
        classroom=classroom,
        deck=deck,
        goal=goal,
        target_percent=80 if goal == Goal.RECALL else None,
        due_at=frozen + DAY,
        now=frozen - DAY,
    )
    add_students(classroom, deck, 3, frozen - 2 * HOUR)
    # 12: the breakdown by domain and task statement adds two reads that do not grow either,
    # the blueprint and the deck's cards grouped with the class's answers counted.
    with django_assert_max_num_queries(12):
        small = as_teacher.get(dashboard_url(assignment))
    with django_assert_max_num_queries(8):
        as_teacher.get(csv_url(assignment))

    deck.questions.add(*[make_question(topic) for _ in range(16)])
    add_students(classroom, deck, 57, frozen - 2 * HOUR)
    with django_assert_max_num_queries(12):
        big = as_teacher.get(dashboard_url(assignment))
    with django_assert_max_num_queries(8):
        response = as_teacher.get(csv_url(assignment))
    assert len(small.context["board"].rows) == 3
    assert len(big.context["board"].rows) == 60
    assert len(read_csv(response)) == 61
    assert len(big.context["board"].most_missed) == 10
    assert Deck.objects.get(pk=deck.pk).questions.count() == 20
