"""No value stored in one learner's rows breaks a page, theirs or their teacher's (issue 11).

The import refuses implausible moments and numbers, but rows can come from elsewhere (the admin,
an older version, a restore). PostgreSQL stores moments Python cannot read back (year 0, year
10000, infinity) and NaN; SQLite stores whatever text it is given. These tests write such values
straight into the database and open every page that reads them.
"""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from classrooms import services
from classrooms.goals import Goal
from study.models import Attempt, Exam, ExamItem, ExamScope, ReviewState

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)

# (a moment for every datetime column of the learner's rows, a stability), as each database
# stores them. On PostgreSQL: year 0 in UTC (0001-01-01 +14:00), year 10000 in UTC, a moment
# Python reads but cannot move to Asia/Seoul, and the infinities. On SQLite, the same as the
# text Django would have written, and text no parser reads.
HOSTILE: dict[str, list[tuple[str, str | None]]] = {
    "postgresql": [
        ("0001-01-01 00:00:00+14", "NaN"),
        ("9999-12-31 23:59:59-14", "Infinity"),
        ("9999-12-31 23:00:00+00", "-1"),
        ("0001-01-01 00:00:00+00", "0"),
        ("infinity", "-Infinity"),
        ("-infinity", "1e308"),
        # Readable moments, numbers no card can have.
        ("2025-03-01 00:00:00+00", "NaN"),
        ("2025-03-01 00:00:00+00", "-Infinity"),
        ("2025-03-01 00:00:00+00", "-1"),
    ],
    # Text no parser reads is left out: Django itself cannot load it from a datetime column.
    "sqlite": [
        ("0000-12-31 10:00:00", None),
        ("10000-01-01 13:59:59", "9e999"),
        ("9999-12-31 23:00:00", "-1"),
        ("0001-01-01 00:00:00", "0"),
        ("0001-01-01 00:00:00", "-9e999"),
        ("9999-12-31 23:00:00", "1e308"),
        ("2025-03-01 00:00:00", "9e999"),
        ("2025-03-01 00:00:00", "-9e999"),
        ("2025-03-01 00:00:00", "-1"),
    ],
}


def plant(user, moment, stability):
    """Overwrite every moment and stability of the user's rows, bypassing Django's fields."""
    cast = "::timestamptz" if connection.vendor == "postgresql" else ""
    number = "::float8" if connection.vendor == "postgresql" else ""
    tables = {
        ReviewState: ["due", "last_review", "first_review"],
        Attempt: ["reviewed_at", "due_before", "due_after"],
        Exam: ["started_at", "deadline", "submitted_at"],
    }
    with connection.cursor() as cursor:
        for model, columns in tables.items():
            assignments = ", ".join(f"{column} = %s{cast}" for column in columns)
            cursor.execute(
                f"UPDATE {model._meta.db_table} SET {assignments} WHERE user_id = %s",  # noqa: S608
                [*[moment] * len(columns), user.pk],
            )
        cursor.execute(
            f"UPDATE {ReviewState._meta.db_table} SET stability = %s{number} "  # noqa: S608
            "WHERE user_id = %s",
            [stability, user.pk],
        )
        cursor.execute(
            f"UPDATE {ExamItem._meta.db_table} SET answered_at = %s{cast} "  # noqa: S608
            f"WHERE exam_id IN (SELECT id FROM {Exam._meta.db_table} WHERE user_id = %s)",
            [moment, user.pk],
        )


@pytest.fixture
def world(classroom, membership, teacher_deck, student, record, now):
    """A class with one student who studied the deck, took an exam, and has three assignments:
    answer every card, and a memory goal due in a week and one due yesterday. The student's
    time zone is behind UTC (year 1 there is year 0), the teacher's ahead (Asia/Seoul)."""
    student.time_zone = "America/New_York"
    student.save(update_fields=["time_zone"])
    assignments = [
        services.assignment_create(
            classroom=classroom,
            deck=teacher_deck,
            goal=goal,
            target_percent=target,
            due_at=now + due,
            now=now - 10 * DAY,
        )
        for goal, target, due in [
            (Goal.ANSWER_ALL, None, 7 * DAY),
            (Goal.RECALL, 50, 7 * DAY),
            (Goal.RECALL, 50, -DAY),
        ]
    ]
    questions = list(teacher_deck.questions.order_by("pk"))
    for i, question in enumerate(questions):
        record(student, question, at=now - (i + 2) * DAY, correct=i % 2 == 0)
    exam = Exam.objects.create(
        user=student,
        scope=ExamScope.DECK,
        deck=teacher_deck,
        title="Exam",
        question_count=1,
        timed=True,
        started_at=now - DAY,
        deadline=now - DAY + dt.timedelta(minutes=2),
        submitted_at=now - DAY + dt.timedelta(minutes=1),
        raw_score=0,
        scaled_score=100,
    )
    ExamItem.objects.create(
        exam=exam, question=questions[0], position=1, answered_at=now - DAY, correct=False
    )
    return classroom, assignments, exam


def teacher_pages(classroom, assignments):
    yield reverse("classrooms:classroom_list")
    yield reverse("classrooms:classroom_detail", args=[classroom.pk])
    for assignment in assignments:
        yield reverse("classrooms:assignment_detail", args=[assignment.pk])
        yield reverse("classrooms:assignment_csv", args=[assignment.pk])


def learner_pages(classroom, exam):
    yield reverse("home")
    yield reverse("study:progress")
    yield reverse("study:data_export_json")
    yield reverse("study:data_export_csv")
    yield reverse("study:exam_list")
    yield reverse("classrooms:my_classes")
    yield reverse("classrooms:class_detail", args=[classroom.pk])


def opened(client, url):
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)  # a streamed page fails while it is read
    return response.status_code


@pytest.mark.parametrize("case", range(9))
def test_a_students_rows_never_break_their_teachers_pages(
    client, world, student, teacher, case, frozen
):
    moment, stability = HOSTILE[connection.vendor][case]
    classroom, assignments, _exam = world
    plant(student, moment, stability)
    client.force_login(teacher)

    statuses = {url: opened(client, url) for url in teacher_pages(classroom, assignments)}

    assert set(statuses.values()) == {200}, statuses


@pytest.mark.parametrize("case", range(9))
def test_a_learners_own_rows_never_break_their_pages(client, world, student, case, frozen):
    moment, stability = HOSTILE[connection.vendor][case]
    classroom, _assignments, exam = world
    plant(student, moment, stability)
    client.force_login(student)

    statuses = {url: opened(client, url) for url in learner_pages(classroom, exam)}

    assert set(statuses.values()) == {200}, statuses


def test_the_download_leaves_out_only_the_unreadable_rows(client, world, student, frozen):
    moment = HOSTILE[connection.vendor][1][0]  # year 10000 in UTC
    cast = "::timestamptz" if connection.vendor == "postgresql" else ""
    first, *rest = Attempt.objects.filter(user=student).order_by("pk")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Attempt._meta.db_table} SET reviewed_at = %s{cast} WHERE id = %s",  # noqa: S608
            [moment, first.pk],
        )
    client.force_login(student)

    document = client.get(reverse("study:data_export_json")).json()

    assert len(document["attempts"]) == len(rest) > 0
    assert len(document["review_states"]) == ReviewState.objects.filter(user=student).count()
