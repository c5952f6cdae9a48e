"""A teacher changes an assignment's goal and due date: only the class's own teacher, while the
class is active, with a readable message for each bad value and nothing written."""

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from classrooms import services
from classrooms.goals import Goal
from classrooms.models import Assignment

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture
def as_teacher(client: Any, teacher: Any, frozen: dt.datetime) -> Any:
    client.force_login(teacher)
    return client


def edit_url(assignment: Assignment) -> str:
    return reverse("classrooms:assignment_edit", args=[assignment.pk])


def test_the_form_starts_from_the_current_goal_and_due_date(
    as_teacher: Any, assignment: Assignment
) -> None:
    response = as_teacher.get(edit_url(assignment))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["goal"] == Goal.ANSWER_ALL
    # 2026-03-09 09:00 UTC is 18:00 in Seoul, the teacher's time zone.
    assert form.initial["due_at"] == "2026-03-09T18:00"


def test_the_teacher_changes_the_goal_and_the_due_date(
    as_teacher: Any, assignment: Assignment, frozen: dt.datetime
) -> None:
    response = as_teacher.post(
        edit_url(assignment),
        {"goal": Goal.RECALL, "target_percent": "70", "due_at": "2026-03-20T23:59"},
    )

    assert response.status_code == 303
    assert response["Location"] == assignment.get_absolute_url()
    changed = Assignment.objects.get(pk=assignment.pk)
    assert (changed.goal, changed.target_percent) == (Goal.RECALL, 70)
    assert changed.due_at == dt.datetime(2026, 3, 20, 14, 59, tzinfo=dt.UTC)
    assert (changed.deck_id, changed.assigned_at) == (assignment.deck_id, assignment.assigned_at)


def test_back_to_answering_all_drops_the_target(
    as_teacher: Any, classroom: Any, teacher_deck: Any, frozen: dt.datetime
) -> None:
    recall = services.assignment_create(
        classroom=classroom,
        deck=teacher_deck,
        goal=Goal.RECALL,
        target_percent=80,
        due_at=frozen + 7 * DAY,
        now=frozen,
    )
    as_teacher.post(
        edit_url(recall),
        {"goal": Goal.ANSWER_ALL, "target_percent": "80", "due_at": "2026-03-10T10:00"},
    )
    assert Assignment.objects.get(pk=recall.pk).target_percent is None


def test_a_past_due_date_may_stay_while_the_goal_changes(
    as_teacher: Any, assignment: Assignment, clock: Any, frozen: dt.datetime
) -> None:
    clock.move_to(frozen + 10 * DAY, tick=False)  # the due date has passed

    response = as_teacher.post(
        edit_url(assignment),
        {"goal": Goal.RECALL, "target_percent": "60", "due_at": "2026-03-09T18:00"},
    )

    assert response.status_code == 303
    changed = Assignment.objects.get(pk=assignment.pk)
    assert changed.due_at == assignment.due_at
    assert changed.goal == Goal.RECALL


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"goal": Goal.ANSWER_ALL, "due_at": "2026-03-01T10:00"},
            "due_at",
            "must be in the future",
        ),
        ({"goal": Goal.ANSWER_ALL, "due_at": "not a date"}, "due_at", "valid date"),
        (
            {"goal": Goal.RECALL, "due_at": "2026-03-10T10:00"},
            "target_percent",
            "share of the deck",
        ),
        (
            {"goal": Goal.RECALL, "target_percent": "101", "due_at": "2026-03-10T10:00"},
            "target_percent",
            "100",
        ),
        ({"goal": "win", "due_at": "2026-03-10T10:00"}, "goal", "win"),
        ({"due_at": "2026-03-10T10:00"}, "goal", "required"),
    ],
)
def test_bad_values_re_render_with_a_message_and_no_write(
    as_teacher: Any, assignment: Assignment, data: dict[str, str], field: str, message: str
) -> None:
    response = as_teacher.post(edit_url(assignment), data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field]), errors
    kept = Assignment.objects.get(pk=assignment.pk)
    assert (kept.goal, kept.due_at, kept.target_percent) == (
        assignment.goal,
        assignment.due_at,
        assignment.target_percent,
    )


def test_the_dashboard_shows_the_change_at_once(
    as_teacher: Any, assignment: Assignment, page_cache: None
) -> None:
    url = assignment.get_absolute_url()
    before = as_teacher.get(url).content

    as_teacher.post(
        edit_url(assignment),
        {"goal": Goal.RECALL, "target_percent": "55", "due_at": "2026-03-20T23:59"},
    )
    after = as_teacher.get(url).content

    assert b"2026-03-20 23:59" in after and b"2026-03-20 23:59" not in before
    assert b"55" in after


def test_another_teacher_gets_404(client: Any, other_teacher: Any, assignment: Assignment) -> None:
    client.force_login(other_teacher)
    assert client.get(edit_url(assignment)).status_code == 404
    data = {"goal": Goal.RECALL, "target_percent": "10", "due_at": "2099-01-01T00:00"}
    assert client.post(edit_url(assignment), data).status_code == 404
    assert Assignment.objects.get(pk=assignment.pk).goal == Goal.ANSWER_ALL


def test_a_student_gets_403(client: Any, student: Any, assignment: Assignment) -> None:
    client.force_login(student)
    assert client.get(edit_url(assignment)).status_code == 403


def test_anonymous_is_sent_to_log_in(client: Any, assignment: Assignment) -> None:
    response = client.get(edit_url(assignment))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_wrong_method_is_405(as_teacher: Any, assignment: Assignment) -> None:
    assert as_teacher.put(edit_url(assignment)).status_code == 405
    assert as_teacher.delete(edit_url(assignment)).status_code == 405


def test_an_archived_class_cannot_change_its_assignments(
    as_teacher: Any, assignment: Assignment, classroom: Any, frozen: dt.datetime
) -> None:
    services.classroom_set_archived(classroom=classroom, archived=True, now=frozen)
    assert as_teacher.get(edit_url(assignment)).status_code == 403


def test_the_dashboard_links_to_the_edit_page(as_teacher: Any, assignment: Assignment) -> None:
    assert edit_url(assignment).encode() in as_teacher.get(assignment.get_absolute_url()).content


def test_the_service_refuses_a_due_date_before_the_start(
    assignment: Assignment, frozen: dt.datetime
) -> None:
    with pytest.raises(services.ClassroomError):
        services.assignment_update(
            assignment=assignment,
            goal=Goal.ANSWER_ALL,
            target_percent=None,
            due_at=assignment.assigned_at - DAY,
            now=assignment.assigned_at - 2 * DAY,
        )
