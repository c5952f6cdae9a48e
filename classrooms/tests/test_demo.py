"""manage.py seed_demo: the demo accounts, their history made through the real services, and
the command's guard against running where the published password would matter."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from cards.models import Deck
from cards.tests.factories import make_topic
from classrooms import demo
from classrooms.access import is_teacher
from classrooms.goals import Goal
from classrooms.models import Assignment, Classroom
from study import selectors
from study.models import Attempt, Exam, ReviewState

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(make_question):
    """Three topic decks of four choice questions and two flashcards, and a deck of them all."""
    topics = [
        make_topic("lambda", "Lambda", "3.2", order=1),
        make_topic("global-accelerator", "AWS Global Accelerator", "3.4", order=2),
        make_topic("ec2", "Amazon EC2", "3.2", order=3),
    ]
    everything = Deck.objects.create(slug="all-of-it", name="All of it", order=0)
    for order, topic in enumerate(topics, start=1):
        deck = Deck.objects.create(slug=topic.slug, name=topic.name, order=order)
        questions = [make_question(topic, prompt=f"{topic.name} {i}") for i in range(4)]
        questions += [
            make_question(topic, kind="flashcard", prompt=f"{topic.name} card {i}")
            for i in range(2)
        ]
        deck.questions.set(questions)
        everything.questions.add(*questions)
    return topics


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def demo_users():
    from accounts.models import User

    return User.objects.filter(email__endswith=f"@{demo.DEMO_DOMAIN}")


def history():
    """Everything the demo wrote that a rerun must reproduce, without database ids."""
    return sorted(
        Attempt.objects.filter(user__in=demo_users()).values_list(
            "user__email", "question__key", "mode", "rating", "correct", "reviewed_at", "due_after"
        )
    )


def test_it_refuses_to_run_with_debug_off(content, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        seed()
    assert not demo_users().exists()


def test_without_content_it_says_what_to_run(db, settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="seed_content"):
        seed()
    assert not demo_users().exists()


def test_with_debug_on_it_builds_the_demo(content, frozen, settings):
    settings.DEBUG = True
    output = seed()
    assert "learner@demo.test" in output
    assert "saaprep-demo" in output
    assert demo_users().count() == 5
    _the_learner_has_weeks_of_history_from_the_scheduler(frozen)
    _the_teacher_has_a_class_with_students_at_different_paces(frozen)
    _the_demo_accounts_sign_in_and_their_pages_render()


def _the_learner_has_weeks_of_history_from_the_scheduler(frozen):
    learner = demo_users().get(email="learner@demo.test")
    report = selectors.progress_report(user=learner, now=frozen)
    assert report.streak >= 7
    assert report.heatmap_active_days >= 20
    assert len(report.leeches) == 1
    # Every answer went through the study services: a showing, the state before, the due date.
    attempts = Attempt.objects.filter(user=learner)
    assert attempts.count() >= 100
    assert not attempts.filter(showing__isnull=True, exam_item__isnull=True).exists()
    assert not attempts.filter(due_after__isnull=True).exists()
    assert ReviewState.objects.filter(user=learner, due__lte=frozen).exists()  # due today
    assert ReviewState.objects.filter(user=learner).count() < 18  # some cards still new
    assert attempts.filter(reviewed_at__gte=frozen - dt.timedelta(days=2)).exists()
    assert learner.exam_date == frozen.date() + dt.timedelta(days=demo.EXAM_IN_DAYS)
    exams = Exam.objects.filter(user=learner)
    assert exams.filter(submitted_at__isnull=False).count() == 1
    assert exams.filter(submitted_at__isnull=True).count() == 1


def _the_teacher_has_a_class_with_students_at_different_paces(frozen):
    teacher = demo_users().get(email="teacher@demo.test")
    assert is_teacher(teacher)
    classroom = Classroom.objects.get(teacher=teacher)
    assert classroom.memberships.count() == 4
    assignment = Assignment.objects.get(classroom=classroom)
    assert (assignment.goal, assignment.target_percent) == (Goal.RECALL, 80)
    assert assignment.deck.owner == teacher
    assert assignment.due_at > frozen > assignment.assigned_at
    answered = {
        email: Attempt.objects.filter(user__email=email, question__decks=assignment.deck).count()
        for email in ("minji@demo.test", "alex@demo.test", "seojun@demo.test")
    }
    assert answered["minji@demo.test"] > answered["alex@demo.test"] > 0
    assert answered["seojun@demo.test"] == 0


def test_running_it_again_gives_the_same_demo_and_leaves_others_alone(
    content, frozen, student, record, settings
):
    settings.FSRS_FUZZING = True  # as in production: the fuzz is seeded too
    question = content[0].questions.first()
    record(student, question, at=frozen - dt.timedelta(days=1))
    seed("--force")
    first = history()
    accounts = sorted(demo_users().values_list("email", flat=True))
    seed("--force")
    assert history() == first
    assert sorted(demo_users().values_list("email", flat=True)) == accounts
    assert Classroom.objects.count() == 1
    assert Deck.objects.filter(owner__isnull=False).count() == 1
    assert Attempt.objects.filter(user=student).count() == 1


def _the_demo_accounts_sign_in_and_their_pages_render():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        reverse("account_login"), {"login": "learner@demo.test", "password": demo.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    for name in (
        "home",
        "study:progress",
        "study:plan",
        "study:exam_list",
        "classrooms:my_classes",
    ):
        assert client.get(reverse(name)).status_code == 200, name
    client.force_login(demo_users().get(email="teacher@demo.test"))
    assignment = Assignment.objects.get()
    assert client.get(assignment.get_absolute_url()).status_code == 200
