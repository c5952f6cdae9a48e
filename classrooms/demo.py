"""The demo: accounts with a few weeks of study history, for a newcomer to look around in.

`seed_demo` (and `make demo`) calls demo_seed(). It builds, from the content already loaded
(`seed_content`):

- a learner who studied most evenings of the last four weeks, through the same queue, services
  and FSRS scheduler as the study pages (so the progress page shows what real use would: due
  cards, a streak, a heatmap, one leech), with a finished and an open practice exam, and an exam
  date a few weeks ahead;
- a teacher with a class of that learner and three students at different paces, a deck of the
  teacher's own and an assignment of it with a memory goal.

Deterministic: the same day gives the same history (the choices come from a seeded generator, and
FSRS's interval fuzz from a seeded global generator, restored afterwards). Idempotent: the demo
accounts (all under DEMO_DOMAIN, a reserved name no real address uses) are deleted and made
again. The accounts share a published password: for local use only, which the command enforces.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, Q

from accounts.models import User
from cards.models import Deck, Question, Topic
from cards.rules import CHOICE_KINDS
from study import exam_services, selectors
from study import services as study_services
from study.models import Exam, ExamScope, Mode, Rating

from . import services
from .access import teachers_group_ensure
from .goals import Goal
from .models import Classroom

DEMO_DOMAIN = "demo.test"  # RFC 2606: reserved for testing, never a real mailbox
DEMO_PASSWORD = "saaprep-demo"  # noqa: S105 - published in the README on purpose
SEED = 18
ZONE = "Asia/Seoul"
HISTORY_DAYS = 27  # the learner's history runs from this many days ago up to yesterday
SKIPPED_DAYS = {19, 13}  # days ago without study: the streak starts after the last one
SESSION_HOUR = 20  # local time each evening's session starts
MAX_ANSWERS_PER_SESSION = 18
SECONDS_PER_ANSWER = (20, 70)
LEARNER_NEW_PER_DAY = 3  # slow enough that some decks are still new
EXAM_IN_DAYS = 24  # the learner's exam date, from today


@dataclass(frozen=True)
class DemoPerson:
    local: str  # the part of the email before @DEMO_DOMAIN
    display_name: str
    teacher: bool = False

    @property
    def email(self) -> str:
        return f"{self.local}@{DEMO_DOMAIN}"


LEARNER = DemoPerson("learner", "Demo Learner")
TEACHER = DemoPerson("teacher", "Demo Teacher", teacher=True)
# Classmates of the learner, by how much of the assignment they did: most evenings, a few
# evenings, nothing yet.
STUDENTS = (
    DemoPerson("minji", "김민지"),
    DemoPerson("alex", "Alex Kim"),
    DemoPerson("seojun", "박서준"),
)
STUDENT_DAYS = {"minji": 9, "alex": 3, "seojun": 0}
PEOPLE = (LEARNER, TEACHER, *STUDENTS)


class DemoError(Exception):
    """The demo cannot be built (no content loaded yet)."""


@dataclass
class DemoReport:
    accounts: list[str] = field(default_factory=list)
    answers: Counter[str] = field(default_factory=Counter)
    exams: int = 0

    def summary(self) -> str:
        answered = ", ".join(f"{name} {count}" for name, count in sorted(self.answers.items()))
        return (
            f"{len(self.accounts)} demo accounts (password {DEMO_PASSWORD!r}); "
            f"answers: {answered}; {self.exams} practice exams"
        )


@contextmanager
def _seeded_fuzz(seed: int) -> Iterator[None]:
    """FSRS fuzzes intervals with the global random generator: seed it, then put it back."""
    saved = random.getstate()
    random.seed(seed)
    try:
        yield
    finally:
        random.setstate(saved)


def demo_accounts_delete() -> int:
    """Delete every demo account and what it owns (history, classes, decks). Returns how many."""
    users = User.objects.filter(email__iendswith=f"@{DEMO_DOMAIN}")
    count = users.count()
    # Students first: a class's students go before the teacher's class and deck they studied.
    users.filter(is_staff=False).exclude(email=TEACHER.email).delete()
    users.delete()
    return count


def _people_create(now: dt.datetime) -> dict[str, User]:
    password = make_password(DEMO_PASSWORD)  # one hash for all: hashing is the slow part
    group = teachers_group_ensure()
    made = {}
    for person in PEOPLE:
        user = User(
            username=f"demo-{person.local}",
            email=person.email,
            display_name=person.display_name,
            password=password,
            time_zone=ZONE,
            **(
                {
                    "new_cards_per_day": LEARNER_NEW_PER_DAY,
                    "exam_date": now.astimezone(ZoneInfo(ZONE)).date()
                    + dt.timedelta(days=EXAM_IN_DAYS),
                }
                if person == LEARNER
                else {}
            ),
            date_joined=now - dt.timedelta(days=HISTORY_DAYS + 1),
        )
        user.save()
        EmailAddress.objects.create(user=user, email=person.email, verified=True, primary=True)
        if person.teacher:
            user.groups.add(group)
        made[person.local] = user
    return made


def _evening(today: dt.date, days_ago: int, *, hour: int = SESSION_HOUR) -> dt.datetime:
    day = today - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo(ZONE)).astimezone(dt.UTC)


@dataclass
class _Session:
    """One evening of study in one deck, card after card as the study page serves them."""

    user: User
    deck: Deck
    mode: str
    rng: random.Random
    leech_id: int | None = None
    skill: float = 0.8  # chance of a right answer / of remembering

    def run(self, start: dt.datetime, limit: int = MAX_ANSWERS_PER_SESSION) -> int:
        moment = start
        seen: Counter[int] = Counter()
        answered = 0
        while answered < limit:
            queue = selectors.study_queue(
                user=self.user, deck=self.deck, mode=self.mode, now=moment
            )
            if queue.card is None:
                break
            question = queue.card.question
            showing = study_services.showing_issue(
                user=self.user,
                deck=self.deck,
                question=question,
                mode=self.mode,
                practice=False,
                now=moment,
                rng=self.rng,
            )
            moment += dt.timedelta(seconds=self.rng.randint(*SECONDS_PER_ANSWER))
            answer_ids, rating = self._answer(question, again=seen[question.pk])
            study_services.attempt_record(
                user=self.user,
                token=showing.token,
                slug=self.deck.slug,
                answer_ids=answer_ids,
                rating=rating,
                duration_ms=self.rng.randint(*SECONDS_PER_ANSWER) * 1000,
                now=moment,
            )
            seen[question.pk] += 1
            answered += 1
        return answered

    def _answer(self, question: Question, *, again: int) -> tuple[list[int] | None, int | None]:
        # The leech is forgotten at its first showing every evening, then got right: a lapse a
        # day. Any card seen twice already this evening is got right, so the evening ends.
        if question.pk == self.leech_id:
            right = again > 0
        else:
            right = again >= 2 or self.rng.random() < self.skill
        if self.mode == Mode.FLASHCARD:
            if not right:
                return None, Rating.AGAIN
            return None, self.rng.choices(
                [Rating.HARD, Rating.GOOD, Rating.EASY], weights=[2, 6, 1]
            )[0]
        answers = list(question.answers.all())
        correct = [a.pk for a in answers if a.is_correct]
        wrong = [a.pk for a in answers if not a.is_correct]
        if right or not wrong:
            return correct, None
        return [self.rng.choice(wrong)], None


def _content() -> tuple[list[Deck], Deck]:
    """Three built-in topic decks to study (the first two as flashcards, the third choosing
    answers; the rest stay new), and the deck with the most choice questions for the exams."""
    builtin = Deck.objects.filter(owner__isnull=True).order_by("order", "name", "pk")
    decks = list(builtin.filter(slug__in=Topic.objects.values("slug"))[:3])
    if len(decks) < 3:
        decks = list(builtin[:3])
    exam_deck = (
        builtin.annotate(choices=Count("questions", filter=Q(questions__kind__in=CHOICE_KINDS)))
        .filter(choices__gt=0)
        .order_by("-choices", "order", "pk")
        .first()
    )
    if len(decks) < 3 or exam_deck is None:
        raise DemoError(
            "The demo needs the content: run `make migrate` (or manage.py seed_content) first."
        )
    return decks, exam_deck


def _learner_history(
    learner: User, decks: list[Deck], exam_deck: Deck, *, today: dt.date, rng: random.Random
) -> tuple[int, int]:
    """Four weeks of evenings, a finished exam three days ago and an open one yesterday."""
    first_question = decks[0].questions.order_by("topic__order", "order", "pk").first()
    leech_id = first_question.pk if first_question is not None else None
    sessions = [
        (_Session(learner, decks[0], Mode.FLASHCARD, rng, leech_id=leech_id), 12),
        (_Session(learner, decks[1], Mode.FLASHCARD, rng, skill=0.85), 8),
        (_Session(learner, decks[2], Mode.CHOICE, rng, skill=0.75), 6),
    ]
    answers = exams = 0
    for days_ago in range(HISTORY_DAYS, 0, -1):
        if days_ago in SKIPPED_DAYS:
            continue
        start = _evening(today, days_ago)
        for session, limit in sessions:
            answers += session.run(start, limit=limit)
            start += dt.timedelta(minutes=20)
        if days_ago in (3, 1):
            _exam(learner, exam_deck, start + dt.timedelta(hours=1), rng, submit=days_ago == 3)
            exams += 1
    return answers, exams


def _exam(user: User, deck: Deck, start: dt.datetime, rng: random.Random, *, submit: bool) -> Exam:
    count = min(10, deck.questions.filter(kind__in=CHOICE_KINDS).count())
    exam = exam_services.exam_start(
        user=user,
        scope=ExamScope.DECK,
        deck=deck,
        question_count=count,
        timed=False,
        now=start,
        seed=rng.randrange(2**32),
    )
    moment = start
    items = list(exam.items.select_related("question").prefetch_related("question__answers"))
    # A finished exam answers all but one; an open one is left after its first few questions.
    for item in items[: len(items) - 1] if submit else items[:4]:
        moment += dt.timedelta(seconds=rng.randint(40, 120))
        answers = list(item.question.answers.all())
        right = [a.pk for a in answers if a.is_correct]
        wrong = [a.pk for a in answers if not a.is_correct]
        chosen = right if rng.random() < 0.7 or not wrong else [rng.choice(wrong)]
        exam_services.exam_answer_save(
            user=user,
            exam=exam,
            position=item.position,
            answer_ids=chosen,
            flagged=rng.random() < 0.1,
            now=moment,
        )
    if submit:
        exam_services.exam_submit(user=user, exam=exam, now=moment + dt.timedelta(minutes=1))
    return exam


def _class(
    teacher: User,
    learner: User,
    students: list[User],
    decks: list[Deck],
    *,
    today: dt.date,
    rng: random.Random,
) -> tuple[Classroom, Counter[str]]:
    """The teacher's class, deck and assignment, and the students' evenings on that deck."""
    opened = _evening(today, 14, hour=9)
    classroom = services.classroom_create(teacher=teacher, name="SAA-C03 데모 반", now=opened)
    # The topics of the learner's first two decks: the learner studied them before joining.
    topics = Topic.objects.filter(questions__decks__in=decks[:2]).distinct()
    deck = services.deck_create(
        owner=teacher,
        name="1주차 복습",
        description="1주차에 배운 주제를 복습해요.",
        topics=list(topics),
    )
    for index, member in enumerate([learner, *students]):
        services.membership_join(
            classroom=classroom, student=member, now=opened + dt.timedelta(hours=index)
        )
    services.assignment_create(
        classroom=classroom,
        deck=deck,
        goal=Goal.RECALL,
        target_percent=80,
        due_at=_evening(today, -4, hour=23),
        now=_evening(today, 10, hour=9),
    )
    answers: Counter[str] = Counter()
    for student in students:
        evenings = STUDENT_DAYS[student.email.split("@")[0]]
        session = _Session(student, deck, Mode.FLASHCARD, rng, skill=0.7)
        for days_ago in range(evenings, 0, -1):
            answers[student.shown_name] += session.run(_evening(today, days_ago, hour=21), limit=12)
    return classroom, answers


@transaction.atomic
def demo_seed(*, now: dt.datetime, seed: int = SEED) -> DemoReport:
    """Delete the demo accounts, then build them again with their history up to `now`."""
    decks, exam_deck = _content()
    demo_accounts_delete()
    today = now.astimezone(ZoneInfo(ZONE)).date()
    rng = random.Random(seed)  # noqa: S311 - a demo's choices, not security
    report = DemoReport()
    with _seeded_fuzz(seed):
        people = _people_create(now)
        learner, teacher = people[LEARNER.local], people[TEACHER.local]
        answers, report.exams = _learner_history(learner, decks, exam_deck, today=today, rng=rng)
        report.answers[learner.shown_name] = answers
        students = [people[person.local] for person in STUDENTS]
        _classroom, student_answers = _class(
            teacher, learner, students, decks, today=today, rng=rng
        )
        report.answers.update(student_answers)
    report.accounts = [person.email for person in PEOPLE]
    return report
