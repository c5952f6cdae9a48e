"""The database keeps classrooms honest: constraints, the Teachers group, deck visibility."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import RestrictedError

from cards.models import Deck
from classrooms import services
from classrooms.access import TEACHERS_GROUP, is_teacher
from classrooms.goals import Goal
from classrooms.models import Assignment, Classroom, Membership

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # the cast's moment (the now fixture)

pytestmark = pytest.mark.django_db


def refuses(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(**fields)


def test_join_codes_are_long_random_and_unique(teacher):
    codes = {
        services.classroom_create(teacher=teacher, name=f"c{i}", now=NOW).join_code
        for i in range(20)
    }
    assert len(codes) == 20
    assert all(len(code) >= 8 for code in codes)


def test_a_short_join_code_is_refused(classroom):
    with pytest.raises(IntegrityError), transaction.atomic():
        Classroom.objects.filter(pk=classroom.pk).update(join_code="short")


def test_a_blank_class_name_is_refused(teacher):
    with pytest.raises(IntegrityError), transaction.atomic():
        Classroom.objects.create(teacher=teacher, name="", created_at=NOW)


def test_a_student_is_enrolled_once(classroom, membership):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(classroom=classroom, student=membership.student, joined_at=NOW)


@pytest.mark.parametrize(
    ("goal", "target"),
    [
        (Goal.ANSWER_ALL, 80),  # a target belongs to the memory goal only
        (Goal.RECALL, None),
        (Goal.RECALL, 0),
        (Goal.RECALL, 101),
        ("pass", None),
    ],
)
def test_goal_and_target_must_agree(classroom, deck, goal, target):
    refuses(
        classroom=classroom,
        deck=deck,
        goal=goal,
        target_percent=target,
        assigned_at=NOW,
        due_at=NOW + dt.timedelta(days=1),
    )


def test_due_date_must_follow_the_assignment(classroom, deck):
    refuses(
        classroom=classroom,
        deck=deck,
        goal=Goal.ANSWER_ALL,
        assigned_at=NOW,
        due_at=NOW,
    )


def test_an_assigned_deck_cannot_be_deleted(assignment):
    with pytest.raises(RestrictedError):
        assignment.deck.delete()
    assert Assignment.objects.exists()


def test_a_teacher_account_can_be_deleted_with_its_classes_and_decks(assignment, teacher):
    teacher.delete()
    assert not Classroom.objects.exists()
    assert not Assignment.objects.exists()
    assert not Deck.objects.filter(owner_id=teacher.pk).exists()


def test_a_student_account_can_be_deleted(membership, student):
    student.delete()
    assert not Membership.objects.exists()


def test_the_migration_creates_the_teachers_group_with_its_permissions():
    group = Group.objects.get(name=TEACHERS_GROUP)
    perms = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
    assert {
        "classrooms.add_classroom",
        "classrooms.add_assignment",
        "cards.add_deck",
        "cards.change_deck",
    } <= perms


def test_teacher_role_comes_from_the_group(teacher, student, admin_user):
    assert is_teacher(teacher)
    assert not is_teacher(student)
    assert is_teacher(admin_user)


def test_an_inactive_teacher_is_no_teacher(teacher):
    teacher.is_active = False
    assert not is_teacher(teacher)


# --- Who sees a teacher's deck ---


def test_a_teachers_deck_is_visible_to_that_teacher_only_until_assigned(
    teacher_deck, teacher, other_teacher, student
):
    assert teacher_deck in Deck.objects.visible_to(teacher)
    assert teacher_deck not in Deck.objects.visible_to(other_teacher)
    assert teacher_deck not in Deck.objects.visible_to(student)


def test_students_of_the_class_see_the_assigned_deck(assignment, student, other_student):
    deck = assignment.deck
    assert deck in Deck.objects.visible_to(student)
    assert deck not in Deck.objects.visible_to(other_student)


def test_a_removed_student_loses_the_deck_at_once(assignment, membership, student):
    services.membership_end(membership=membership)
    assert assignment.deck not in Deck.objects.visible_to(student)


def test_a_deck_assigned_to_two_classes_is_listed_once(
    assignment, classroom, teacher, student, now
):
    second = services.classroom_create(teacher=teacher, name="Second", now=now)
    services.membership_join(classroom=second, student=student, now=now)
    services.assignment_create(
        classroom=second,
        deck=assignment.deck,
        goal=Goal.ANSWER_ALL,
        target_percent=None,
        due_at=now + dt.timedelta(days=3),
        now=now,
    )
    visible = list(Deck.objects.visible_to(student))
    assert visible.count(assignment.deck) == 1


def test_the_dashboard_version_moves_with_the_cards_the_roster_and_every_answer(
    assignment, student, other_student, topic, make_question, record, django_assert_num_queries
):
    def version():
        with django_assert_num_queries(1):
            found = Assignment.objects.with_dashboard_version().get(pk=assignment.pk)
        return found.dashboard_version

    seen = [version()]
    assert version() == seen[0]  # nothing moved
    assignment.deck.questions.add(make_question(topic))
    seen.append(version())
    services.membership_join(classroom=assignment.classroom, student=other_student, now=NOW)
    seen.append(version())
    record(student, assignment.deck.questions.first(), at=NOW + dt.timedelta(hours=1))
    seen.append(version())
    assert len(set(seen)) == 4
