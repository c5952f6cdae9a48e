"""Walk every named URL: a new URL fails here until someone classifies it.

Anonymous visitors get the login page (or 403/405) everywhere except the explicit public list;
state-changing URLs refuse GET (405) and refuse a POST without a CSRF token (403); a signed-in
outsider gets 404 for every URL naming another user's object, and nothing changes.
"""

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cards.models import Deck
from classrooms.models import Classroom
from study.models import Attempt, Exam

from .conftest import World, snapshot

# Reachable without signing in: content pages and the account entrance.
PUBLIC = {
    "home",
    "healthz",
    "help",
    "set_language",
    "cards:deck_detail",
    "cards:question_detail",
    "classrooms:join",
    "account_login",
    "account_signup",
    "account_inactive",
    "account_email_verification_sent",
    "account_confirm_email",
    "account_confirm_login_code",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_logout",
    "account_reauthenticate",
    "admin:login",
    "admin:logout",
}

# Change data: POST only, CSRF required.
STATE_CHANGING = {
    "study:answer",
    "study:regrade",
    "study:leech_answer",
    "study:data_import",
    "study:card_suspend",
    "study:card_unsuspend",
    "study:card_report",
    "cards:notebook_confirm",
    "cards:notebook_revise",
    "cards:notebook_revise_confirm",
    "study:exam_start",
    "study:exam_save",
    "study:exam_submit",
    "study:plan_apply",
    "study:exam_order",
    "classrooms:classroom_rename",
    "classrooms:classroom_archive",
    "classrooms:classroom_rotate_code",
    "classrooms:student_remove",
    "classrooms:assignment_delete",
    "classrooms:deck_edit",
    "classrooms:deck_add",
    "classrooms:deck_remove",
    "classrooms:class_leave",
}

# Irreversible actions on the signed-in user's own account: a GET page says what will go, a POST
# carrying the current password does it. CSRF required; there is no id in their URLs.
CONFIRMED_ACTIONS = {
    "settings_history_reset",
    "settings_account_delete",
}

# Placeholder values for URL parameters, by name.
PARAMS = {
    "slug": "no-such-deck",
    "pk": 999999,
    "token": "not-a-token",
    "key": "not-a-key",
    "uidb36": "zz",
    "app_label": "cards",
    "object_id": "999999",
    "content_type_id": "1",
    "model_name": "question",
    "url": "x",
    "id": "999999",
    "code": "not-a-join-code",
    "student_id": 999999,
    "number": 1,
}


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry


def _named_urls() -> list[tuple[str, str]]:
    urls: dict[str, str] = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        if name in urls:
            continue
        regex = pattern.pattern.regex.pattern
        groups = re.findall(r"\(\?P<(\w+)>", regex)
        if name.startswith("admin:") and "app_label" in groups and "model_name" not in groups:
            kwargs: dict[str, Any] = {"app_label": "cards"}
        else:
            kwargs = {group: PARAMS[group] for group in groups}
        try:
            urls[name] = reverse(name, kwargs=kwargs)
        except Exception:  # noqa: S112 - admin's catch-all patterns take values we cannot guess
            continue
    return sorted(urls.items())


NAMED_URLS = _named_urls()


def test_the_walker_finds_the_app_urls() -> None:
    names = {name for name, _ in NAMED_URLS}
    assert {"home", "study:session", "accounts:settings", "admin:index"} <= names
    assert names >= PUBLIC, f"public list names URLs that no longer exist: {PUBLIC - names}"
    assert names >= STATE_CHANGING
    assert names >= CONFIRMED_ACTIONS


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "url"), [u for u in NAMED_URLS if u[0] not in PUBLIC])
def test_anonymous_get_is_sent_to_login_or_refused(client: Client, name: str, url: str) -> None:
    response = client.get(url)
    if response.status_code == 302:
        login = "/admin/login/" if name.startswith("admin:") else reverse("account_login")
        assert response["Location"].startswith(login), f"{name} redirects elsewhere"
    else:
        assert response.status_code in (403, 405), f"{name} answered {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "url"), [u for u in NAMED_URLS if u[0] in PUBLIC])
def test_public_pages_answer_without_a_server_error(client: Client, name: str, url: str) -> None:
    response = client.get(url)
    assert response.status_code < 500, f"{name} answered {response.status_code}"


@pytest.mark.parametrize("name", sorted(STATE_CHANGING))
def test_state_changing_urls_refuse_get(client: Client, student: Any, name: str) -> None:
    client.force_login(student)
    url = dict(NAMED_URLS)[name]
    assert client.get(url).status_code == 405


@pytest.mark.parametrize("name", sorted(STATE_CHANGING))
def test_state_changing_urls_refuse_post_without_csrf(student: Any, name: str) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    url = dict(NAMED_URLS)[name]
    assert client.post(url, {}).status_code == 403


@pytest.mark.parametrize("name", sorted(CONFIRMED_ACTIONS))
def test_confirmed_actions_show_their_page_and_refuse_a_post_without_csrf(
    world: World, password: str, name: str
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.learner)
    url = dict(NAMED_URLS)[name]
    assert client.get(url).status_code == 200
    before = snapshot()
    assert client.post(url, {"password": password}).status_code == 403
    assert snapshot() == before


# --- Outsiders: another user's objects do not exist for them ---

# URL parameters that name nobody's object: content anyone may read, capabilities (holding the
# join code is the permission to join), allauth's emailed keys, and the admin (staff only).
NOT_OWNED = {
    "cards:question_detail",
    "classrooms:join",
    "account_confirm_email",
    "account_reset_password_from_key",
}


def notebook_card(world: World) -> int:
    pk: int = world.notebook.questions.values_list("pk", flat=True).first() or 0
    return pk


# Every URL whose parameters name an owned object: who is the outsider (a learner, or a teacher,
# who passes the teacher gate), and the owner's object for each parameter.
OWNED: dict[str, tuple[str, Callable[[World], dict[str, Any]]]] = {
    "cards:deck_detail": ("learner", lambda w: {"slug": w.deck.slug}),
    "cards:notebook_detail": ("learner", lambda w: {"pk": w.notebook.pk}),
    "cards:notebook_revise": ("learner", lambda w: {"pk": w.notebook.pk}),
    "cards:notebook_revise_confirm": ("learner", lambda w: {"pk": w.notebook.pk}),
    "cards:notebook_delete": ("learner", lambda w: {"pk": w.notebook.pk}),
    "cards:notebook_version_download": (
        "learner",
        lambda w: {"pk": w.notebook.pk, "number": 1},
    ),
    "study:session": ("learner", lambda w: {"slug": w.deck.slug}),
    "study:answer": ("learner", lambda w: {"slug": w.deck.slug}),
    "study:regrade": ("learner", lambda w: {"slug": w.deck.slug}),
    "study:result": (
        "learner",
        lambda w: {"slug": w.deck.slug, "token": w.showing.token},
    ),
    "study:leech_result": ("learner", lambda w: {"token": w.practice.token}),
    "study:exam_take": ("learner", lambda w: {"pk": w.exam.pk}),
    "study:exam_save": ("learner", lambda w: {"pk": w.exam.pk}),
    "study:exam_confirm": ("learner", lambda w: {"pk": w.exam.pk}),
    "study:exam_submit": ("learner", lambda w: {"pk": w.exam.pk}),
    "study:exam_results": ("learner", lambda w: {"pk": w.submitted_exam.pk}),
    # A card of the learner's own notebook, which nobody else may see.
    "study:card_history": ("learner", lambda w: {"pk": notebook_card(w)}),
    "study:card_suspend": ("learner", lambda w: {"pk": notebook_card(w)}),
    "study:card_unsuspend": ("learner", lambda w: {"pk": notebook_card(w)}),
    "study:card_report": ("learner", lambda w: {"pk": notebook_card(w)}),
    "classrooms:class_detail": ("learner", lambda w: {"pk": w.classroom.pk}),
    "classrooms:class_leave": ("learner", lambda w: {"pk": w.classroom.pk}),
    "classrooms:classroom_detail": ("teacher", lambda w: {"pk": w.classroom.pk}),
    "classrooms:classroom_rename": ("teacher", lambda w: {"pk": w.classroom.pk}),
    "classrooms:classroom_archive": ("teacher", lambda w: {"pk": w.classroom.pk}),
    "classrooms:classroom_rotate_code": ("teacher", lambda w: {"pk": w.classroom.pk}),
    "classrooms:student_remove": (
        "teacher",
        lambda w: {"pk": w.classroom.pk, "student_id": w.learner.pk},
    ),
    "classrooms:assignment_create": ("teacher", lambda w: {"pk": w.classroom.pk}),
    "classrooms:assignment_detail": ("teacher", lambda w: {"pk": w.assignment.pk}),
    "classrooms:assignment_csv": ("teacher", lambda w: {"pk": w.assignment.pk}),
    "classrooms:assignment_edit": ("teacher", lambda w: {"pk": w.assignment.pk}),
    "classrooms:assignment_delete": ("teacher", lambda w: {"pk": w.assignment.pk}),
    "classrooms:deck_detail": ("teacher", lambda w: {"pk": w.deck.pk}),
    "classrooms:deck_edit": ("teacher", lambda w: {"pk": w.deck.pk}),
    "classrooms:deck_add": ("teacher", lambda w: {"pk": w.deck.pk}),
    "classrooms:deck_remove": ("teacher", lambda w: {"pk": w.deck.pk}),
}


def _url_parameters() -> dict[str, list[str]]:
    """Each named URL's parameter names (the first pattern of a name, as reverse() uses)."""
    found: dict[str, list[str]] = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        found.setdefault(name, re.findall(r"\(\?P<(\w+)>", pattern.pattern.regex.pattern))
    return found


def test_every_url_naming_an_object_is_classified() -> None:
    with_parameters = {
        name
        for name, groups in _url_parameters().items()
        if groups and not name.startswith("admin:")
    }
    unclassified = with_parameters - OWNED.keys() - NOT_OWNED
    assert not unclassified, f"say who owns the objects these URLs name: {sorted(unclassified)}"
    assert not (OWNED.keys() | NOT_OWNED) - with_parameters, "classified URLs that do not exist"


def hostile_post(world: World) -> dict[str, Any]:
    """The owner's ids in every field a view reads, plus fields no form should accept."""
    return {
        "token": world.open_showing.token,
        "answer": world.answer_ids,
        "rating": "3",
        "position": "1",
        "flagged": "on",
        "go": "next",
        "name": "Taken over",
        "description": "Taken over",
        "archived": "on",
        "questions": [question.pk for question in world.questions],
        "topics": [world.questions[0].topic_id],
        "deck": world.deck.pk,
        "goal": "answer_all",
        "due_at": "2099-01-01T00:00",
        "user": world.learner.pk,
        "owner": world.teacher.pk,
        "teacher": world.teacher.pk,
        "is_staff": "on",
    }


@pytest.mark.parametrize("name", sorted(OWNED))
def test_a_signed_in_outsider_gets_404_for_another_users_objects(
    client: Client, world: World, other_student: Any, other_teacher: Any, name: str
) -> None:
    role, parameters = OWNED[name]
    client.force_login(other_student if role == "learner" else other_teacher)
    url = reverse(name, kwargs=parameters(world))
    before = snapshot()

    statuses = {
        "GET": client.get(url).status_code,
        "POST": client.post(url, hostile_post(world)).status_code,
    }

    # The method a view does not take is a 405 before any lookup, which tells nothing either.
    assert set(statuses.values()) <= {404, 405}, f"{name}: {statuses}"
    assert 404 in statuses.values(), f"{name}: {statuses}"
    assert snapshot() == before, f"{name} changed something for an outsider"


@pytest.mark.parametrize("name", sorted(n for n, (role, _) in OWNED.items() if role == "learner"))
def test_the_owner_reaches_the_same_urls(client: Client, world: World, name: str) -> None:
    # The walker above proves something only if the same URLs work for their owner.
    client.force_login(world.learner)
    url = reverse(name, kwargs=OWNED[name][1](world))
    if name in STATE_CHANGING:
        assert client.get(url).status_code == 405
    else:
        assert client.get(url).status_code in (200, 302), name


@pytest.mark.parametrize(
    "name", sorted(n for n, (role, _) in OWNED.items() if role == "teacher" and "delete" not in n)
)
def test_the_teacher_reaches_their_own_urls(client: Client, world: World, name: str) -> None:
    client.force_login(world.teacher)
    url = reverse(name, kwargs=OWNED[name][1](world))
    if name in STATE_CHANGING or name == "classrooms:student_remove":
        assert client.get(url).status_code == 405
    else:
        assert client.get(url).status_code == 200, name


# --- Extra POST fields are ignored ---


def test_settings_ignore_fields_that_are_not_on_the_form(
    client: Client, student: Any, other_student: Any, password: str
) -> None:
    client.force_login(student)
    response = client.post(
        reverse("accounts:settings"),
        {
            "display_name": "New name",
            "desired_retention": "0.90",
            "new_cards_per_day": "20",
            "max_reviews_per_day": "200",
            "study_minutes_per_day": "30",
            "time_zone": "Asia/Seoul",
            "ui_language": "en",
            "card_language": "ko",
            "is_staff": "on",
            "is_superuser": "on",
            "is_active": "",
            "email": "taken@example.com",
            "username": "admin",
            "password": "pbkdf2_sha256$1$x$y",
            "id": other_student.pk,
            "pk": other_student.pk,
            "user": other_student.pk,
            "groups": "1",
        },
    )

    assert response.status_code == 302
    student.refresh_from_db()
    assert student.display_name == "New name"  # the form did save...
    assert not student.is_staff and not student.is_superuser and student.is_active
    assert student.email == "student@example.com"
    assert student.username == "student"
    assert student.check_password(password)
    assert not student.groups.exists()
    other_student.refresh_from_db()
    assert other_student.display_name == "Other Student"


def test_classroom_forms_ignore_owner_and_code_fields(
    client: Client, teacher: Any, other_teacher: Any
) -> None:
    client.force_login(teacher)
    planted = {
        "teacher": other_teacher.pk,
        "owner": other_teacher.pk,
        "user": other_teacher.pk,
        "join_code": "chosen-by-me",
        "archived_at": "2020-01-01T00:00",
        "created_at": "2020-01-01T00:00",
        "slug": "my-own-slug",
        "is_staff": "on",
    }

    client.post(reverse("classrooms:classroom_create"), {"name": "Class B", **planted})
    classroom = Classroom.objects.get(name="Class B")
    client.post(
        reverse("classrooms:classroom_rename", args=[classroom.pk]),
        {"name": "Class B2", **planted},
    )
    client.post(reverse("classrooms:deck_create"), {"name": "Deck B", **planted})
    deck = Deck.objects.get(name="Deck B")
    client.post(reverse("classrooms:deck_edit", args=[deck.pk]), {"name": "Deck B2", **planted})

    classroom.refresh_from_db()
    deck.refresh_from_db()
    assert classroom.name == "Class B2"
    assert classroom.teacher == teacher
    assert classroom.join_code != "chosen-by-me"
    assert classroom.archived_at is None
    assert classroom.created_at.year > 2020
    assert deck.name == "Deck B2"
    assert deck.owner == teacher
    assert deck.slug != "my-own-slug"
    teacher.refresh_from_db()
    assert not teacher.is_staff
    assert not Classroom.objects.filter(teacher=other_teacher).exists()


def test_study_and_exam_posts_ignore_a_planted_user(
    client: Client, world: World, other_student: Any
) -> None:
    client.force_login(world.learner)
    question = world.open_showing.question
    right = list(question.answers.filter(is_correct=True).values_list("pk", flat=True))
    client.post(
        reverse("study:answer", args=[world.deck.slug]),
        {"token": world.open_showing.token, "answer": right, "user": other_student.pk},
    )
    client.post(
        reverse("study:exam_start"),
        {"scope": "exam", "question_count": "1", "user": other_student.pk},
    )

    assert Attempt.objects.get(showing=world.open_showing).user == world.learner
    assert not Attempt.objects.filter(user=other_student).exists()
    assert not Exam.objects.filter(user=other_student).exists()
    assert Exam.objects.filter(user=world.learner).count() == 3
