"""The shared cast for every test: learners, teachers, a classroom and a small piece of content,
one clock, and the builders for anything more (users, questions, card states, answers).

Test data is built here and in the tests, never loaded from the committed fixtures.
"""

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.utils import translation
from time_machine import TimeMachineFixture

from cards.models import Answer, Certification, Deck, Question, Topic
from cards.tests.factories import ensure_blueprint, make_topic
from classrooms import services as classroom_services
from classrooms.goals import Goal
from classrooms.models import Assignment, Classroom, Membership
from study.models import Attempt, CardState, Mode, ReviewState

User = get_user_model()
PASSWORD = "correct horse battery staple"
# A Monday, 18:00 in Seoul: the moment most tests' data is built around.
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)")


def _new_user(email: str, *, teacher: bool = False, **fields: Any) -> Any:
    """A user who signs in with `email` and PASSWORD; a teacher is in the Teachers group, which a
    data migration of the classrooms app creates. The address is confirmed, as production
    requires before signing in (mandatory verification)."""
    user = User.objects.create_user(
        username=email.split("@")[0], email=email, password=PASSWORD, **fields
    )
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    if teacher:
        user.groups.add(Group.objects.get(name="Teachers"))
    return user


@pytest.fixture(autouse=True)
def _test_settings(settings: Any) -> None:
    """Tests run with DEBUG off (pytest-django's rule), but plain HTTP and no collectstatic.

    The production manifest storage needs `collectstatic` first, and the SSL redirect would turn
    every test request into a 301. A fast hasher keeps user-heavy tests quick; the production
    hasher is exercised by the login tests' behaviour, not their speed.
    """
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Code outside a request (template tags, model methods, services) speaks English in tests.

    Without a request no language is active and gettext falls back to LANGUAGE_CODE, Korean;
    a test's English wording would then depend on whether an earlier test left English active.
    """
    with translation.override("en"):
        yield


@pytest.fixture
def client(client: Client) -> Client:
    """Tests assert on the English wording; Korean is the default for real browsers."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def now() -> dt.datetime:
    """The moment `clock` stops at; a module overrides this fixture to use another."""
    return NOW


@pytest.fixture
def clock(time_machine: TimeMachineFixture, now: dt.datetime) -> TimeMachineFixture:
    """Every clock stopped at `now`: timezone.now() in the views, services and sessions alike.

    The test moves it with clock.move_to(moment) or clock.shift(delta). Production code reads
    django.utils.timezone.now() and has no clock of its own for tests to patch.
    """
    time_machine.move_to(now, tick=False)
    return time_machine


@pytest.fixture
def frozen(clock: TimeMachineFixture, now: dt.datetime) -> dt.datetime:
    """`now`, for a test that only needs the clock stopped there."""
    return now


@pytest.fixture
def password() -> str:
    return PASSWORD


def confirmation_link(email: str) -> str:
    """The path of the newest email-confirmation link mailed to `email` (the locmem outbox)."""
    for message in reversed(mail.outbox):
        if message.to == [email]:
            found = CONFIRM_LINK.search(str(message.body))
            if found:
                return found.group(1)
    raise AssertionError(f"no confirmation link mailed to {email}")


@pytest.fixture
def confirm_email() -> Callable[[Client, str], Any]:
    """Open the confirmation link mailed to an address, as its owner would, in `client`:
    confirm_email(client, email) returns the response to confirming (a redirect)."""

    def confirm(client: Client, email: str) -> Any:
        return client.post(confirmation_link(email))

    return confirm


@pytest.fixture
def confirm_in_browser(live_server: Any) -> Callable[[Any, str], None]:
    """Open the confirmation link mailed to an address in a Playwright page and confirm:
    confirm_in_browser(page, email). The page ends where sign-up was headed (signed in)."""

    def confirm(page: Any, email: str) -> None:
        page.goto(f"{live_server.url}{confirmation_link(email)}")
        # The form's own key is signed afresh when the page renders: match on the path only.
        form = page.locator("main form[action^='/accounts/confirm-email/']")
        with page.expect_navigation():
            form.locator("[type='submit']").first.click()

    return confirm


@pytest.fixture
def make_user(db: None) -> Callable[..., Any]:
    """Another user beside the cast: make_user(email, teacher=False, **fields)."""
    return _new_user


@pytest.fixture
def student(db: None) -> Any:
    return _new_user("student@example.com", display_name="학생 김")


@pytest.fixture
def other_student(db: None) -> Any:
    return _new_user("other@example.com", display_name="Other Student")


@pytest.fixture
def teacher(db: None) -> Any:
    return _new_user("teacher@example.com", teacher=True, display_name="Teacher Lee")


@pytest.fixture
def other_teacher(db: None) -> Any:
    return _new_user("teacher2@example.com", teacher=True, display_name="Teacher Park")


@pytest.fixture
def admin_user(db: None) -> Any:
    return User.objects.create_superuser(
        username="admin", email="admin@example.com", password=PASSWORD
    )


@pytest.fixture
def blueprint(db: None) -> Certification:
    return ensure_blueprint()


@pytest.fixture
def topic(db: None) -> Topic:
    return make_topic("lambda", "Lambda", "3.2", order=1)


@pytest.fixture
def other_topic(db: None) -> Topic:
    return make_topic("global-accelerator", "AWS Global Accelerator", "3.4", order=2)


@pytest.fixture
def make_question(db: None) -> Callable[..., Question]:
    """Build a question with answers: `answers` is a list of (text, is_correct), or of
    (text, English text, is_correct). Any other Question field (key, origin, prompt_en, source
    lines, order...) may be given; the rest get test defaults."""
    counter = {"n": 0}

    def build(
        topic: Topic,
        *,
        kind: str = "single",
        prompt: str = "Which service runs code without servers?",
        answers: list[tuple[Any, ...]] | None = None,
        **fields: Any,
    ) -> Question:
        counter["n"] += 1
        if answers is None:
            answers = (
                [("AWS Lambda", True)]
                if kind == "flashcard"
                else [("AWS Lambda", True), ("Amazon EC2", False), ("Amazon S3", False)]
            )
        question = Question.objects.create(
            topic=topic,
            kind=kind,
            prompt=prompt,
            **{
                "key": f"{topic.slug}-t{counter['n']}",
                "source_file": "notes/design-high-performing-architectures.md",
                "source_first_line": 5,
                "source_last_line": 8,
                "source_text": "* source line",
                "order": counter["n"],
                **fields,
            },
        )
        worded = [answer if len(answer) == 3 else (answer[0], "", answer[1]) for answer in answers]
        Answer.objects.bulk_create(
            Answer(
                question=question,
                text=text,
                text_en=text_en,
                is_correct=correct,
                explanation=f"why: {text}",
                order=i,
            )
            for i, (text, text_en, correct) in enumerate(worded, start=1)
        )
        return question

    return build


@pytest.fixture
def question(topic: Topic, make_question: Callable[..., Question]) -> Question:
    return make_question(topic)


@pytest.fixture
def deck(topic: Topic, make_question: Callable[..., Question]) -> Deck:
    """A built-in deck of three single-choice questions and two flashcards."""
    deck = Deck.objects.create(slug="lambda-deck", name="Lambda deck")
    questions = [make_question(topic, prompt=f"Question {i}") for i in range(3)]
    questions += [make_question(topic, kind="flashcard", prompt=f"Card {i}") for i in range(2)]
    deck.questions.set(questions)
    return deck


@pytest.fixture
def make_state(db: None) -> Callable[..., ReviewState]:
    """Write a learner's FSRS state of a card straight into its table, replacing any there.

    By default a review card (stability 3, difficulty 5) last reviewed three days before it is
    `due` and first studied 30 days before that; a learning or relearning card is at step 0.
    """

    def write(
        user: Any,
        question: Question,
        state: int = CardState.REVIEW,
        *,
        due: dt.datetime,
        stability: float | None = 3.0,
        difficulty: float | None = 5.0,
        last_review: Any = ...,
        first_review: dt.datetime | None = None,
        reps: int = 0,
        **fields: Any,
    ) -> ReviewState:
        if last_review is ...:
            last_review = due - dt.timedelta(days=3)
        if first_review is None:
            first_review = (last_review or due) - dt.timedelta(days=30)
        row, _created = ReviewState.objects.update_or_create(
            user=user,
            question=question,
            defaults={
                "state": state,
                "step": None if state == CardState.REVIEW else 0,
                "stability": stability,
                "difficulty": difficulty,
                "due": due,
                "last_review": last_review,
                "first_review": first_review,
                "reps": reps,
                **fields,
            },
        )
        return row

    return write


@pytest.fixture
def record(make_state: Callable[..., ReviewState]) -> Callable[..., Attempt]:
    """Write one answer straight into the study tables: an Attempt, and the learner's review
    state of the card with the given FSRS stability, reviewed at `at` (fast, with exact times)."""

    def write(
        user: Any,
        question: Question,
        *,
        at: dt.datetime,
        correct: bool = True,
        duration_ms: int | None = 10_000,
        chosen: list[Any] | None = None,
        stability: float = 5.0,
    ) -> Attempt:
        make_state(
            user,
            question,
            due=at + dt.timedelta(days=stability),
            stability=stability,
            last_review=at,
            first_review=at,
            reps=1,
        )
        return Attempt.objects.create(
            user=user,
            question=question,
            mode=Mode.CHOICE,
            chosen_answer_ids=chosen or [],
            correct=correct,
            rating=3 if correct else 1,
            reviewed_at=at,
            duration_ms=duration_ms,
        )

    return write


@pytest.fixture
def page_cache(settings: Any) -> None:
    """The page cache as in production (tests run without it), in a memory cache of the test's
    own, so no copy outlives the test."""
    settings.PAGE_CACHE_SECONDS = 60
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-pages-{id(settings)}",
        },
    }


# --- Classrooms: the teacher's class, the student in it, and a deck assigned to it ---


@pytest.fixture
def enrol(db: None) -> Callable[..., Membership]:
    """Enrol a user in a classroom: enrol(classroom, user, now=NOW)."""

    def join(classroom: Classroom, user: Any, now: dt.datetime = NOW) -> Membership:
        return classroom_services.membership_join(classroom=classroom, student=user, now=now)

    return join


@pytest.fixture
def classroom(teacher: Any, now: dt.datetime) -> Classroom:
    return classroom_services.classroom_create(teacher=teacher, name="3학년 1반", now=now)


@pytest.fixture
def other_classroom(other_teacher: Any, now: dt.datetime) -> Classroom:
    return classroom_services.classroom_create(teacher=other_teacher, name="Park's class", now=now)


@pytest.fixture
def membership(classroom: Classroom, student: Any, now: dt.datetime) -> Membership:
    return classroom_services.membership_join(classroom=classroom, student=student, now=now)


@pytest.fixture
def teacher_deck(teacher: Any, topic: Topic, make_question: Callable[..., Question]) -> Deck:
    """The teacher's own deck: three single-choice questions."""
    deck = classroom_services.deck_create(owner=teacher, name="Week 1")
    deck.questions.set([make_question(topic, prompt=f"Teacher Q{i}") for i in range(3)])
    return deck


@pytest.fixture
def assignment(
    classroom: Classroom, membership: Membership, teacher_deck: Deck, now: dt.datetime
) -> Assignment:
    """The teacher's deck assigned to the class for a week: answer every card."""
    return classroom_services.assignment_create(
        classroom=classroom,
        deck=teacher_deck,
        goal=Goal.ANSWER_ALL,
        target_percent=None,
        due_at=now + dt.timedelta(days=7),
        now=now,
    )


# Browser tests: Debian's Chromium, never a downloaded browser.
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }
