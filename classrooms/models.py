"""Teaching: a teacher's classrooms, the students enrolled in them, and the decks assigned."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cards.models import Deck
from study.expressions import plausible
from study.models import Attempt

from .goals import Goal

if TYPE_CHECKING:
    from accounts.models import User

JOIN_CODE_BYTES = 9  # 12 URL-safe characters, 72 random bits: not worth guessing


def new_join_code() -> str:
    return secrets.token_urlsafe(JOIN_CODE_BYTES)


class ClassroomQuerySet(models.QuerySet["Classroom"]):
    def taught_by(self, user: User) -> ClassroomQuerySet:
        return self.filter(teacher=user)

    def active(self) -> ClassroomQuerySet:
        return self.filter(archived_at__isnull=True)


class Classroom(models.Model):
    """A teacher's class. Students join through the link carrying `join_code`."""

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="classrooms_taught",
        verbose_name=_("teacher"),
    )
    name = models.CharField(_("name"), max_length=120)
    join_code = models.CharField(
        _("join code"), max_length=32, unique=True, default=new_join_code, editable=False
    )
    created_at = models.DateTimeField(_("created at"))
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    students: models.ManyToManyField[User, Membership] = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="classrooms",
        verbose_name=_("students"),
    )

    objects = ClassroomQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("classroom")
        verbose_name_plural = _("classrooms")
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""), name="classrooms_classroom_name_not_blank"
            ),
            models.CheckConstraint(
                condition=GreaterThanOrEqual(Length("join_code"), 8),
                name="classrooms_classroom_join_code_min_length",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("classrooms:classroom_detail", args=[self.pk])

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def join_path(self) -> str:
        return reverse("classrooms:join", args=[self.join_code])


class ReplacedJoinCode(models.Model):
    """A join code a teacher replaced with a new link. Kept so that a student opening the old
    link learns it was replaced (410), rather than meeting a 404 as for a mistyped one."""

    classroom = models.ForeignKey(
        Classroom,
        on_delete=models.CASCADE,
        related_name="replaced_codes",
        verbose_name=_("classroom"),
    )
    code = models.CharField(_("join code"), max_length=32, unique=True)
    replaced_at = models.DateTimeField(_("replaced at"))

    class Meta:
        ordering = ["-replaced_at", "pk"]
        verbose_name = _("replaced join code")
        verbose_name_plural = _("replaced join codes")

    def __str__(self) -> str:
        return f"{self.code} ({self.classroom_id})"


class Membership(models.Model):
    """A student enrolled in a classroom. Leaving or being removed deletes the row."""

    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("classroom")
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("student"),
    )
    joined_at = models.DateTimeField(_("joined at"))

    class Meta:
        ordering = ["joined_at", "pk"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["classroom", "student"], name="classrooms_membership_unique_student"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} in {self.classroom_id}"


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def with_dashboard_version(self) -> AssignmentQuerySet:
        """Each assignment with its deck's card count and what its dashboard's cached copy is
        keyed on (read it as `dashboard_version`): all that changes whenever the dashboard's
        figures may. Besides the cards, the class's roster (how many, the newest membership), the
        time of its students' latest answer, each the top of an index, and the latest study
        history reset among them (deleting answers can leave the latest where it was)."""
        members = Membership.objects.filter(classroom_id=OuterRef("classroom_id")).order_by()
        latest_answer = (
            # A moment no page can show (year 10000) is not the latest answer.
            Attempt.objects.filter(plausible("reviewed_at"), user=OuterRef("student_id"))
            .order_by("-reviewed_at")
            .values("reviewed_at")[:1]
        )
        return self.annotate(
            card_count=Count("deck__questions"),
            roster=Subquery(
                members.values("classroom_id").annotate(n=Count("pk")).values("n"),
                output_field=models.IntegerField(),
            ),
            newest_member=Subquery(
                members.values("classroom_id").annotate(m=Max("pk")).values("m"),
                output_field=models.IntegerField(),
            ),
            last_reset=Subquery(
                members.values("classroom_id")
                .annotate(m=Max("student__history_reset_at"))
                .values("m"),
                output_field=models.DateTimeField(),
            ),
            last_answer=Subquery(
                members.annotate(last=Subquery(latest_answer))
                .values("classroom_id")
                .annotate(m=Max("last"))
                .values("m"),
                output_field=models.DateTimeField(),
            ),
        )


class Assignment(models.Model):
    """A deck assigned to a classroom, with a goal and a due date.

    The window for "on track" runs from `assigned_at` to `due_at`.
    """

    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("classroom")
    )
    # A deck that students are working on is not deleted from under them; RESTRICT (unlike
    # PROTECT) still lets a teacher's account go, taking their classes and decks with it.
    deck = models.ForeignKey(
        Deck, on_delete=models.RESTRICT, related_name="assignments", verbose_name=_("deck")
    )
    goal = models.CharField(_("goal"), max_length=12, choices=Goal.choices)
    target_percent = models.PositiveSmallIntegerField(
        _("share of the deck to remember (%)"), null=True, blank=True
    )
    assigned_at = models.DateTimeField(_("assigned at"))
    due_at = models.DateTimeField(_("due"))

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(goal__in=Goal.values), name="classrooms_assignment_goal_valid"
            ),
            models.CheckConstraint(
                condition=Q(goal=Goal.ANSWER_ALL, target_percent__isnull=True)
                | Q(
                    goal=Goal.RECALL,
                    target_percent__isnull=False,  # NULL would slip through the range test
                    target_percent__gte=1,
                    target_percent__lte=100,
                ),
                name="classrooms_assignment_target_matches_goal",
            ),
            models.CheckConstraint(
                condition=Q(due_at__gt=models.F("assigned_at")),
                name="classrooms_assignment_due_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["classroom", "due_at"], name="classrooms_assignment_due"),
        ]

    def __str__(self) -> str:
        return f"{self.deck_id} → {self.classroom_id}, due {self.due_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("classrooms:assignment_detail", args=[self.pk])

    @property
    def dashboard_version(self) -> str:
        """The version of the dashboard's figures, for an assignment read through
        with_dashboard_version(): it changes with the deck's cards, the roster (a student
        leaving, removed or deleted), every answer a student of the class gives, a student
        starting their study history over, and the teacher changing the goal or the due date."""
        values = (
            self.goal,
            self.target_percent,
            self.due_at.isoformat(),
            self.card_count,  # type: ignore[attr-defined]
            self.roster,  # type: ignore[attr-defined]
            self.newest_member,  # type: ignore[attr-defined]
            self.last_answer,  # type: ignore[attr-defined]
            self.last_reset,  # type: ignore[attr-defined]
        )
        return ":".join(str(value) for value in values)
