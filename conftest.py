"""The shared cast for every test: learners, teachers and a small piece of content.

Test data is built here and in the tests, never loaded from the committed fixtures.
"""

import datetime as dt
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import translation
from time_machine import TimeMachineFixture

from cards.models import Answer, Deck, Question, Topic

User = get_user_model()
PASSWORD = "correct horse battery staple"
# A Monday, 18:00 in Seoul: the moment most tests' data is built around.
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def make_user(email: str, **extra: Any) -> Any:
    user = User.objects.create_user(
        username=email.split("@")[0], email=email, password=PASSWORD, **extra
    )
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


@pytest.fixture
def student(db: None) -> Any:
    return make_user("student@example.com", display_name="학생 김")


@pytest.fixture
def other_student(db: None) -> Any:
    return make_user("other@example.com", display_name="Other Student")


def make_teacher(email: str, **extra: Any) -> Any:
    """A user in the Teachers group, which a data migration of the classrooms app creates."""
    user = make_user(email, **extra)
    user.groups.add(Group.objects.get(name="Teachers"))
    return user


@pytest.fixture
def teacher(db: None) -> Any:
    return make_teacher("teacher@example.com", display_name="Teacher Lee")


@pytest.fixture
def other_teacher(db: None) -> Any:
    return make_teacher("teacher2@example.com", display_name="Teacher Park")


@pytest.fixture
def admin_user(db: None) -> Any:
    return User.objects.create_superuser(
        username="admin", email="admin@example.com", password=PASSWORD
    )


@pytest.fixture
def topic(db: None) -> Topic:
    return Topic.objects.create(slug="lambda", name="Lambda", task_statement="3.2", order=1)


@pytest.fixture
def other_topic(db: None) -> Topic:
    return Topic.objects.create(
        slug="global-accelerator", name="AWS Global Accelerator", task_statement="3.4", order=2
    )


@pytest.fixture
def make_question(db: None) -> Callable[..., Question]:
    """Build a question with answers: `answers` is a list of (text, is_correct)."""
    counter = {"n": 0}

    def build(
        topic: Topic,
        *,
        kind: str = "single",
        prompt: str = "Which service runs code without servers?",
        answers: list[tuple[str, bool]] | None = None,
        **extra: Any,
    ) -> Question:
        counter["n"] += 1
        if answers is None:
            answers = (
                [("AWS Lambda", True)]
                if kind == "flashcard"
                else [("AWS Lambda", True), ("Amazon EC2", False), ("Amazon S3", False)]
            )
        question = Question.objects.create(
            key=f"{topic.slug}-t{counter['n']}",
            topic=topic,
            kind=kind,
            prompt=prompt,
            source_file="notes/design-high-performing-architectures.md",
            source_first_line=5,
            source_last_line=8,
            source_text="* source line",
            order=counter["n"],
            **extra,
        )
        Answer.objects.bulk_create(
            Answer(
                question=question,
                text=text,
                is_correct=correct,
                explanation=f"why: {text}",
                order=i,
            )
            for i, (text, correct) in enumerate(answers, start=1)
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
