"""Writes for teaching: what each service changes, and what it refuses without writing."""

import datetime as dt

import pytest

from cards.models import Deck
from classrooms import services
from classrooms.goals import Goal
from classrooms.models import Assignment, Membership, ReplacedJoinCode

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # the cast's moment (the now fixture)

pytestmark = pytest.mark.django_db

WEEK = dt.timedelta(days=7)


def test_classroom_create(teacher):
    classroom = services.classroom_create(teacher=teacher, name="1반", now=NOW)
    assert classroom.name == "1반"
    assert classroom.teacher == teacher
    assert classroom.created_at == NOW
    assert not classroom.is_archived


def test_rotating_the_code_replaces_it(classroom):
    old = classroom.join_code
    services.classroom_rotate_code(classroom=classroom, now=NOW)
    classroom.refresh_from_db()
    assert classroom.join_code != old
    assert len(classroom.join_code) >= 8
    replaced = ReplacedJoinCode.objects.get()
    assert (replaced.classroom, replaced.code, replaced.replaced_at) == (classroom, old, NOW)


def test_archive_and_restore(classroom):
    services.classroom_set_archived(classroom=classroom, archived=True, now=NOW)
    classroom.refresh_from_db()
    assert classroom.archived_at == NOW
    services.classroom_set_archived(classroom=classroom, archived=False, now=NOW)
    classroom.refresh_from_db()
    assert classroom.archived_at is None


def test_joining_twice_keeps_one_enrolment(classroom, student):
    first = services.membership_join(classroom=classroom, student=student, now=NOW)
    again = services.membership_join(classroom=classroom, student=student, now=NOW + WEEK)
    assert first.pk == again.pk
    assert again.joined_at == NOW
    assert Membership.objects.filter(classroom=classroom).count() == 1


def test_an_archived_class_takes_no_students(classroom, student):
    services.classroom_set_archived(classroom=classroom, archived=True, now=NOW)
    with pytest.raises(services.ClassroomError):
        services.membership_join(classroom=classroom, student=student, now=NOW)
    assert not Membership.objects.exists()


def test_the_teacher_cannot_join_their_own_class(classroom, teacher):
    with pytest.raises(services.ClassroomError):
        services.membership_join(classroom=classroom, student=teacher, now=NOW)
    assert not Membership.objects.exists()


def test_a_student_can_be_in_several_classes(classroom, other_classroom, student):
    services.membership_join(classroom=classroom, student=student, now=NOW)
    services.membership_join(classroom=other_classroom, student=student, now=NOW)
    assert set(student.classrooms.all()) == {classroom, other_classroom}


# --- Decks ---


def test_deck_create_from_whole_topics_and_single_questions(
    teacher, topic, other_topic, make_question
):
    in_topic = [make_question(topic) for _ in range(3)]
    single = make_question(other_topic)
    make_question(other_topic)  # not chosen
    deck = services.deck_create(
        owner=teacher, name="복습 덱", description="d", topics=[topic], questions=[single]
    )
    assert deck.owner == teacher
    assert deck.name == "복습 덱"
    assert deck.description == "d"
    assert set(deck.questions.all()) == {*in_topic, single}


def test_deck_slugs_are_url_safe_and_unique(teacher, other_teacher):
    korean = services.deck_create(owner=teacher, name="복습")
    same_a = services.deck_create(owner=teacher, name="Week 1")
    same_b = services.deck_create(owner=other_teacher, name="Week 1")
    assert korean.slug.startswith("deck-")
    assert same_a.slug.startswith("week-1-")
    assert same_a.slug != same_b.slug
    assert all(d.slug.isascii() for d in (korean, same_a, same_b))


def test_adding_questions_counts_only_new_cards(teacher_deck, topic, make_question):
    extra = make_question(topic)
    present = teacher_deck.questions.first()
    added = services.deck_add_questions(deck=teacher_deck, questions=[extra, present])
    assert added == 1
    assert teacher_deck.questions.count() == 4
    # The whole topic: the four already in plus nothing new.
    assert services.deck_add_questions(deck=teacher_deck, topics=[topic]) == 0


def test_removing_questions(teacher_deck):
    first, *rest = list(teacher_deck.questions.all())
    assert services.deck_remove_questions(deck=teacher_deck, questions=[first]) == 1
    assert set(teacher_deck.questions.all()) == set(rest)


# --- Assignments ---


def assign(classroom, deck, **extra):
    fields = {
        "goal": Goal.ANSWER_ALL,
        "target_percent": None,
        "due_at": NOW + WEEK,
        "now": NOW,
        **extra,
    }
    return services.assignment_create(classroom=classroom, deck=deck, **fields)


def test_assignment_create_starts_the_window_now(classroom, deck):
    assignment = assign(classroom, deck, goal=Goal.RECALL, target_percent=80)
    assert assignment.assigned_at == NOW
    assert assignment.due_at == NOW + WEEK
    assert assignment.target_percent == 80


def test_answer_all_drops_a_stray_target(classroom, deck):
    assert assign(classroom, deck, target_percent=50).target_percent is None


@pytest.mark.parametrize(
    "extra",
    [
        {"due_at": NOW},
        {"due_at": NOW - WEEK},
        {"goal": Goal.RECALL, "target_percent": None},
        {"goal": Goal.RECALL, "target_percent": 0},
        {"goal": "pass"},
    ],
)
def test_bad_assignments_are_refused(classroom, deck, extra):
    with pytest.raises(services.ClassroomError):
        assign(classroom, deck, **extra)
    assert not Assignment.objects.exists()


def test_another_teachers_deck_cannot_be_assigned(classroom, other_teacher):
    theirs = services.deck_create(owner=other_teacher, name="Theirs")
    with pytest.raises(services.ClassroomError):
        assign(classroom, theirs)
    assert not Assignment.objects.exists()


def test_an_archived_class_gets_no_assignments(classroom, deck):
    services.classroom_set_archived(classroom=classroom, archived=True, now=NOW)
    with pytest.raises(services.ClassroomError):
        assign(classroom, deck)


def test_withdrawing_an_assignment_keeps_the_deck(assignment):
    deck_pk = assignment.deck_id
    services.assignment_delete(assignment=assignment)
    assert not Assignment.objects.exists()
    assert Deck.objects.filter(pk=deck_pk).exists()
