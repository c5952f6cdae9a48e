"""Writes for teaching: classrooms, enrolment, teachers' decks and assignments; and deleting a
whole account, which only this app can do (it is the one that knows every kind of row a user
may own).

Each function is one transaction and takes `now` rather than reading the clock. Ownership has
been checked by the caller (the access helpers); these functions check what the data itself
forbids: joining an archived class, assigning somebody else's deck, a due date in the past.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cards.models import Deck, Question, Topic
from study.history import history_delete

from .goals import Goal
from .models import Assignment, Classroom, Membership, ReplacedJoinCode, new_join_code
from .selectors import AccountFootprint, account_footprint

if TYPE_CHECKING:
    from accounts.models import User

DeckQuestion = Deck.questions.through
SLUG_ATTEMPTS = 5


class ClassroomError(Exception):
    """A request refused with this message (shown to the person; nothing was written)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- Classrooms ---


# One row each, so no transaction; the names come from the forms, already stripped.
def classroom_create(*, teacher: User, name: str, now: dt.datetime) -> Classroom:
    return Classroom.objects.create(teacher=teacher, name=name, created_at=now)


def classroom_rename(*, classroom: Classroom, name: str) -> Classroom:
    classroom.name = name
    classroom.save(update_fields=["name"])
    return classroom


@transaction.atomic
def classroom_set_archived(*, classroom: Classroom, archived: bool, now: dt.datetime) -> Classroom:
    """Archive (no joining, no changes, hidden from students' open work) or restore."""
    classroom.archived_at = now if archived else None
    classroom.save(update_fields=["archived_at"])
    return classroom


@transaction.atomic
def classroom_rotate_code(*, classroom: Classroom, now: dt.datetime) -> Classroom:
    """A new join link; the old one stops working at once, and is remembered as replaced so
    that a student who opens it is told to ask for the new one."""
    ReplacedJoinCode.objects.create(classroom=classroom, code=classroom.join_code, replaced_at=now)
    classroom.join_code = new_join_code()
    classroom.save(update_fields=["join_code"])
    return classroom


# --- Enrolment ---


def membership_join(*, classroom: Classroom, student: User, now: dt.datetime) -> Membership:
    """Enrol `student`; joining twice (double click, two tabs) keeps the first enrolment."""
    if classroom.is_archived:
        raise ClassroomError(_("This class is archived and takes no new students."))
    if classroom.teacher_id == student.pk:
        raise ClassroomError(_("You teach this class; students join it through this link."))
    existing = Membership.objects.filter(classroom=classroom, student=student).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Membership.objects.create(classroom=classroom, student=student, joined_at=now)
    except IntegrityError:
        # A concurrent request enrolled the student first: the unique constraint kept one row.
        return Membership.objects.get(classroom=classroom, student=student)


@transaction.atomic
def membership_end(*, membership: Membership) -> None:
    """A student leaves, or is removed: access to the class and its decks ends at once.

    Their own study history stays theirs.
    """
    membership.delete()


# --- Teachers' decks ---


def _unique_deck_slug(owner: User, name: str) -> str:
    # Deck slugs are global and appear in study URLs; a random tail keeps two teachers' "Week 1"
    # apart without revealing anything. Non-Latin names fall back to "deck".
    base = slugify(name)[:50].strip("-") or "deck"
    for _attempt in range(SLUG_ATTEMPTS):
        slug = f"{base}-{secrets.token_hex(3)}"
        if not Deck.objects.filter(slug=slug).exists():
            return slug
    raise ClassroomError(_("Could not name this deck. Please try again."))


def _questions_of(questions: Iterable[Question], topics: Iterable[Topic]) -> set[int]:
    ids = {question.pk for question in questions}
    topic_ids = [topic.pk for topic in topics]
    if topic_ids:
        current = Question.objects.active().filter(topic_id__in=topic_ids)
        ids.update(current.values_list("pk", flat=True))
    return ids


@transaction.atomic
def deck_create(
    *,
    owner: User,
    name: str,
    description: str = "",
    topics: Iterable[Topic] = (),
    questions: Iterable[Question] = (),
) -> Deck:
    """A teacher's own deck, optionally filled with whole topics and single questions."""
    deck = Deck.objects.create(
        owner=owner, name=name, description=description, slug=_unique_deck_slug(owner, name)
    )
    ids = _questions_of(questions, topics)
    if ids:
        deck.questions.add(*ids)
    return deck


def deck_update(*, deck: Deck, name: str, description: str) -> Deck:
    """One row, so no transaction; the name and description come from the form, stripped."""
    deck.name = name
    deck.description = description
    deck.save(update_fields=["name", "description"])
    return deck


@transaction.atomic
def deck_add_questions(
    *, deck: Deck, questions: Iterable[Question] = (), topics: Iterable[Topic] = ()
) -> int:
    """Add single questions and whole topics; returns how many cards were new to the deck."""
    ids = _questions_of(questions, topics)
    present = set(
        DeckQuestion.objects.filter(deck=deck, question_id__in=ids).values_list(
            "question_id", flat=True
        )
    )
    added = ids - present
    if added:
        deck.questions.add(*added)
    return len(added)


@transaction.atomic
def deck_remove_questions(*, deck: Deck, questions: Iterable[Question]) -> int:
    ids = [question.pk for question in questions]
    removed, _by_model = DeckQuestion.objects.filter(deck=deck, question_id__in=ids).delete()
    return removed


# --- Assignments ---


@transaction.atomic
def assignment_create(
    *,
    classroom: Classroom,
    deck: Deck,
    goal: str,
    target_percent: int | None,
    due_at: dt.datetime,
    now: dt.datetime,
) -> Assignment:
    """Assign `deck` to `classroom`: from now until `due_at`, toward `goal`."""
    if classroom.is_archived:
        raise ClassroomError(_("This class is archived; restore it to assign decks."))
    if deck.owner_id is not None and deck.owner_id != classroom.teacher_id:
        raise ClassroomError(_("You can assign the built-in decks and your own."))
    if goal not in Goal.values:
        raise ClassroomError(_("Choose a goal."))
    if goal == Goal.RECALL:
        if target_percent is None or not 1 <= target_percent <= 100:
            raise ClassroomError(_("Give the share of the deck to remember, from 1 to 100 %."))
    else:
        target_percent = None
    if due_at <= now:
        raise ClassroomError(_("The due date must be in the future."))
    return Assignment.objects.create(
        classroom=classroom,
        deck=deck,
        goal=goal,
        target_percent=target_percent,
        assigned_at=now,
        due_at=due_at,
    )


@transaction.atomic
def assignment_update(
    *,
    assignment: Assignment,
    goal: str,
    target_percent: int | None,
    due_at: dt.datetime,
    now: dt.datetime,
) -> Assignment:
    """Change the goal and due date of an assignment; its deck and start stay. A due date other
    than the current one must be in the future. The dashboard's cached copy is keyed on the goal
    and the due date too (Assignment.dashboard_version), so it shows the change at once."""
    locked = (
        Assignment.objects.select_for_update().select_related("classroom").get(pk=assignment.pk)
    )
    if locked.classroom.is_archived:
        raise ClassroomError(_("This class is archived; restore it to change its assignments."))
    if goal not in Goal.values:
        raise ClassroomError(_("Choose a goal."))
    if goal == Goal.RECALL:
        if target_percent is None or not 1 <= target_percent <= 100:
            raise ClassroomError(_("Give the share of the deck to remember, from 1 to 100 %."))
    else:
        target_percent = None
    if due_at != locked.due_at and due_at <= now:
        raise ClassroomError(_("The due date must be in the future."))
    if due_at <= locked.assigned_at:
        raise ClassroomError(_("The due date must come after the day the deck was assigned."))
    locked.goal = goal
    locked.target_percent = target_percent
    locked.due_at = due_at
    locked.save(update_fields=["goal", "target_percent", "due_at"])
    return locked


@transaction.atomic
def assignment_delete(*, assignment: Assignment) -> None:
    """Withdraw an assignment. Students keep their study history; only the goal disappears."""
    assignment.delete()


# --- A whole account ---


class AccountDeleteRefused(ClassroomError):
    """Deleting the account would pull a class from under its students; nothing was written."""

    def __init__(self, footprint: AccountFootprint) -> None:
        super().__init__(_("Your account was not deleted: you still teach students."))
        self.footprint = footprint


@transaction.atomic
def account_delete(*, user: User, now: dt.datetime) -> AccountFootprint:
    """Delete the user and everything of theirs; returns what went.

    Their study history, class memberships, settings, email addresses and sign-in; and, for a
    teacher, the classes they teach with those classes' assignments, and the decks they built.
    Refused (AccountDeleteRefused) while they still teach a class with students, or a deck of
    theirs is assigned in another teacher's class: no class or assigned deck disappears from
    under its students. Other learners' own history on the teacher's cards stays theirs.
    `now` is unused today (nothing of the user is kept) and kept for the signature every write
    shares.
    """
    # Lock the user's classrooms before looking for students: a student joining one of them now
    # waits for this transaction and then finds the class gone, rather than joining a class
    # whose deletion has already decided it is empty.
    list(Classroom.objects.filter(teacher=user).select_for_update().values_list("pk", flat=True))
    footprint = account_footprint(user)
    if footprint.is_blocked:
        raise AccountDeleteRefused(footprint)
    history_delete(user=user)
    # The cards of the user's notebooks first: a question protects its topic from the cascade
    # that deletes the notebook's topics (as cards.services.notebook_delete does).
    Question.objects.filter(notebook__owner=user).delete()
    user.delete()  # the rest cascades: memberships, empty classes, assignments, decks, addresses
    return footprint
