"""Hostile input to every form and POST endpoint: never a 500, never a write on a refusal.

Hypothesis posts random and hostile values (huge strings, NUL bytes, wrong types, lists for
scalars, other users' ids, numbers past every column's range, non-UTF-8 bytes) as the user each
endpoint is for. A refusal (4xx, or a 200 that re-renders the form) must leave every watched row
as it was; a redirect is a success and may write. Each example runs in a savepoint that is rolled
back, so every one starts from the same world.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable
from typing import Any
from urllib.parse import quote_from_bytes

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from study import portability
from study.models import Attempt, Exam

from .conftest import World, snapshot
from .test_access import NAMED_URLS, OWNED

FUZZ = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Every POST endpoint, as the user it is meant for, with the owner's objects in the URL:
# anonymous visitors for the account entrance, the learner or the teacher who owns the objects,
# and a fresh learner (no history, no class) where that is the interesting case.
ENDPOINTS: dict[str, tuple[str, Callable[[World], dict[str, Any]]]] = {
    "account_login": ("anonymous", lambda w: {}),
    "account_signup": ("anonymous", lambda w: {}),
    "account_reset_password": ("anonymous", lambda w: {}),
    "account_reset_password_from_key": ("anonymous", lambda w: {"uidb36": "2", "key": "x-y"}),
    "account_confirm_email": ("anonymous", lambda w: {"key": "not-a-key"}),
    "account_confirm_login_code": ("anonymous", lambda w: {}),
    "account_logout": ("learner", lambda w: {}),
    "account_change_password": ("learner", lambda w: {}),
    "account_set_password": ("learner", lambda w: {}),
    "account_reauthenticate": ("learner", lambda w: {}),
    "account_email": ("learner", lambda w: {}),
    "set_language": ("learner", lambda w: {}),
    "accounts:settings": ("learner", lambda w: {}),
    "settings_history_reset": ("learner", lambda w: {}),
    "settings_account_delete": ("learner", lambda w: {}),
    "study:answer": ("learner", lambda w: {"slug": w.deck.slug}),
    "study:regrade": ("learner", lambda w: {"slug": w.deck.slug}),
    "study:leech_answer": ("learner", lambda w: {}),
    "study:data_import": ("fresh", lambda w: {}),
    "study:exam_start": ("learner", lambda w: {}),
    "study:exam_save": ("learner", lambda w: {"pk": w.exam.pk}),
    "study:exam_submit": ("learner", lambda w: {"pk": w.exam.pk}),
    "study:plan_apply": ("learner", lambda w: {}),
    "study:exam_order": ("learner", lambda w: {}),
    "study:card_suspend": ("learner", lambda w: {"pk": w.questions[0].pk}),
    "study:card_unsuspend": ("learner", lambda w: {"pk": w.questions[0].pk}),
    "study:card_report": ("learner", lambda w: {"pk": w.questions[0].pk}),
    "cards:notebook_new": ("learner", lambda w: {}),
    "cards:notebook_confirm": ("learner", lambda w: {}),
    "cards:notebook_revise": ("learner", lambda w: {"pk": w.notebook.pk}),
    "cards:notebook_revise_confirm": ("learner", lambda w: {"pk": w.notebook.pk}),
    "cards:notebook_delete": ("learner", lambda w: {"pk": w.notebook.pk}),
    "classrooms:join": ("fresh", lambda w: {"code": w.classroom.join_code}),
    "classrooms:class_leave": ("learner", lambda w: {"pk": w.classroom.pk}),
    "classrooms:classroom_create": ("teacher", lambda w: {}),
    "classrooms:classroom_rename": ("teacher", lambda w: {"pk": w.classroom.pk}),
    "classrooms:classroom_archive": ("teacher", lambda w: {"pk": w.classroom.pk}),
    "classrooms:classroom_rotate_code": ("teacher", lambda w: {"pk": w.classroom.pk}),
    "classrooms:student_remove": (
        "teacher",
        lambda w: {"pk": w.classroom.pk, "student_id": w.learner.pk},
    ),
    "classrooms:assignment_create": ("teacher", lambda w: {"pk": w.classroom.pk}),
    "classrooms:assignment_delete": ("teacher", lambda w: {"pk": w.assignment.pk}),
    "classrooms:assignment_edit": ("teacher", lambda w: {"pk": w.assignment.pk}),
    "classrooms:deck_create": ("teacher", lambda w: {}),
    "classrooms:deck_edit": ("teacher", lambda w: {"pk": w.deck.pk}),
    "classrooms:deck_add": ("teacher", lambda w: {"pk": w.deck.pk}),
    "classrooms:deck_remove": ("teacher", lambda w: {"pk": w.deck.pk}),
}

# Every field name any of these forms reads, and names no form should read.
FIELD_NAMES = [
    "token", "answer", "rating", "duration_ms", "position", "flagged", "go",
    "name", "description", "archived", "questions", "topics", "search",
    "deck", "goal", "target_percent", "due_at", "scope", "topic", "question_count", "timed",
    "display_name", "desired_retention", "new_cards_per_day", "max_reviews_per_day",
    "exam_date", "study_minutes_per_day", "retention", "new_per_day", "exam_order",
    "time_zone", "ui_language", "card_language", "language", "next",
    "reason", "text", "title", "file", "draft", "confirm",
    "login", "password", "remember", "email", "password1", "password2", "oldpassword",
    "code", "action_add", "action_remove", "action_primary", "action_send",
    "user", "owner", "teacher", "is_staff", "is_superuser", "id", "pk",
]  # fmt: skip

HOSTILE_TEXT = [
    "", " ", "\x00", "a\x00b", "\ufeff", "\u202e", "\ufffd", "😀" * 40, "한국어",
    "-1", "0", "1", "-0", "+1", " 1 ", "1.5", "1e309", "NaN", "inf", "-inf", "0x10", "1_000",
    "１２", "٣", "²", str(2**31), str(2**63), str(-(2**63) - 1), str(2**100),
    "true", "false", "null", "None", "[]", "{}", "[1,2]", '{"a": 1}',
    "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "%00", "%s%n", "{{ 7*7 }}",
    "2099-01-01T00:00", "1999-01-01T00:00", "9999-12-31T23:59", "0001-01-01T00:00",
    "2025-02-30T25:61", "next", "prev", "stay", "finish", "99999", "answer_all", "recall",
    "domain", "topic", "deck", "flashcard", "choice", "exam", "ko", "en", "xx", "Asia/Seoul",
    "Not/A_Zone", "UTC", "//evil.example/", "https://evil.example/", "javascript:alert(1)",
    "student@example.com", "nobody@example.com", "not an email", "@", "a@b",
    "correct horse battery staple",
]  # fmt: skip
HUGE = ["x" * 100_000, "9" * 5000, "가" * 20_000, "\x00" * 1000]
# Values a form field may coerce to a number; anything at all from the ranges columns care about.
NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, 2, 3, 4, 5, 32767, 32768, 65535, 2**31 - 1, 2**31, 2**63 - 1, 2**63]),
).map(str)


def world_values(world: World, outsider: World | None = None) -> list[str]:
    """The owner's own ids (so input reaches the services) and other users' ids."""
    values = [
        world.open_showing.token,
        world.showing.token,
        world.practice.token,
        world.deck.slug,
        world.classroom.join_code,
    ]
    values += [str(pk) for pk in world.answer_ids]
    values += [
        str(pk)
        for pk in (
            world.deck.pk,
            world.classroom.pk,
            world.assignment.pk,
            world.exam.pk,
            world.submitted_exam.pk,
            world.learner.pk,
            world.teacher.pk,
            *(question.pk for question in world.questions),
            world.questions[0].topic_id,
        )
    ]
    return values


def scalars(world: World) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.sampled_from(world_values(world)),
        NUMBERS,
        st.text(max_size=40),
        st.sampled_from(HUGE),
    )


def form_data(world: World) -> st.SearchStrategy[dict[str, Any]]:
    """A form post: known and unknown fields, a scalar or a list (or 1,001 values) each."""
    value = st.one_of(
        scalars(world),
        st.lists(scalars(world), min_size=0, max_size=4),
        st.just(["1"] * 1001),  # past DATA_UPLOAD_MAX_NUMBER_FIELDS
    )
    names = st.one_of(st.sampled_from(FIELD_NAMES), st.text(min_size=1, max_size=10))
    return st.dictionaries(names, value, max_size=10)


# Bytes that are not UTF-8, or encode what UTF-8 forbids: lone surrogates, an overlong NUL.
BAD_BYTES = [b"\xff", b"\xfe\xff", b"\xc0\x80", b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\x80abc"]


def raw_body(world: World) -> st.SearchStrategy[bytes]:
    """A urlencoded body built by hand: raw and percent-encoded bytes no browser would send."""
    value = st.one_of(
        st.sampled_from(BAD_BYTES).map(lambda b: quote_from_bytes(b).encode()),
        st.sampled_from(BAD_BYTES),
        st.binary(max_size=40).map(lambda b: quote_from_bytes(b).encode()),
        st.binary(max_size=40),
        scalars(world).map(lambda s: quote_from_bytes(s.encode()).encode()),
    )
    pair = st.tuples(st.sampled_from(FIELD_NAMES).map(str.encode), value)
    return st.lists(pair, max_size=8).map(lambda pairs: b"&".join(k + b"=" + v for k, v in pairs))


def sign_in_as(client: Client, role: str, world: World, fresh: Any) -> None:
    """Start the example with no cookies, signed in as the role's user (a new session)."""
    client.cookies.clear()
    user = {"learner": world.learner, "teacher": world.teacher, "fresh": fresh}.get(role)
    if user is not None:
        client.force_login(user)


@pytest.fixture
def fuzz_client() -> Client:
    """One client per test: each new Client loads the middleware again (WhiteNoise rescans
    the static files), which is slow and trips over a concurrent collectstatic."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def assert_no_write_unless_accepted(name: str, response: Any, before: Any) -> None:
    status = response.status_code
    assert status < 500, f"{name} answered {status}"
    accepted = 300 <= status < 400 or (
        # exam.js's saves answer 200 with JSON when they succeed.
        name == "study:exam_save"
        and status == 200
        and response["Content-Type"] == "application/json"
    )
    if not accepted:
        assert snapshot() == before, f"{name} wrote on a refused request ({status})"


def post_and_check(
    client: Client,
    name: str,
    world: World,
    fresh: Any,
    body: dict[str, Any] | bytes,
    accept_json: bool = False,
) -> None:
    role, parameters = ENDPOINTS[name]
    url = reverse(name, kwargs=parameters(world))
    headers = {"Accept": "application/json"} if accept_json else {}
    with transaction.atomic():
        sign_in_as(client, role, world, fresh)
        before = snapshot()
        if isinstance(body, bytes):
            response = client.post(
                url, body, content_type="application/x-www-form-urlencoded", headers=headers
            )
        else:
            response = client.post(url, body, headers=headers)
        assert_no_write_unless_accepted(name, response, before)
        transaction.set_rollback(True)


@pytest.fixture
def fresh(other_student: Any) -> Any:
    """A learner with no history and no class: imports and joins are open to them."""
    return other_student


def test_every_url_that_takes_a_post_is_fuzzed(
    fuzz_client: Client, world: World, admin_user: Any
) -> None:
    # Admin pages are Django's own, for staff; everything else that does not answer 405 to a
    # POST is a form or an action, and goes into ENDPOINTS.
    takes_post = set()
    client = fuzz_client
    for name, placeholder_url in NAMED_URLS:
        if name.startswith("admin:"):
            continue
        url = reverse(name, kwargs=OWNED[name][1](world)) if name in OWNED else placeholder_url
        with transaction.atomic():
            client.cookies.clear()  # signed in afresh each time: a POST to logout signs out
            client.force_login(admin_user)
            if client.post(url, {}).status_code != 405:
                takes_post.add(name)
            transaction.set_rollback(True)
    assert takes_post - ENDPOINTS.keys() == set(), "fuzz these POST endpoints too"
    assert ENDPOINTS.keys() - takes_post == set(), "these no longer take a POST"


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_hostile_form_posts_never_fail_or_write_when_refused(
    fuzz_client: Client, world: World, fresh: Any, name: str
) -> None:
    @FUZZ
    @given(body=st.one_of(form_data(world), raw_body(world)), accept_json=st.booleans())
    def check(body: dict[str, Any] | bytes, accept_json: bool) -> None:
        post_and_check(fuzz_client, name, world, fresh, body, accept_json)

    check()


@pytest.mark.parametrize("name", ["study:answer", "study:leech_answer", "study:exam_save"])
def test_an_answer_id_of_thousands_of_digits_is_refused_not_a_500(
    client: Client, world: World, name: str
) -> None:
    # Found by the fuzzing above: int() refuses strings of more than 4,300 digits.
    client.force_login(world.learner)
    url = reverse(name, kwargs=ENDPOINTS[name][1](world))
    before = snapshot()

    response = client.post(
        url, {"token": world.open_showing.token, "position": "1", "answer": "9" * 5000}
    )

    assert response.status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize(
    "name", ["classrooms:deck_add", "classrooms:deck_remove", "classrooms:deck_create"]
)
@pytest.mark.parametrize("pk", [str(2**63), str(-(2**63) - 1), "9" * 5000])
def test_ticked_ids_beyond_any_id_are_refused_not_a_500(
    client: Client, world: World, name: str, pk: str
) -> None:
    # Found by the fuzzing above: SQLite refuses integers past 64 bits with an OverflowError.
    client.force_login(world.teacher)
    url = reverse(name, kwargs=ENDPOINTS[name][1](world))
    before = snapshot()

    response = client.post(url, {"name": "Deck", "questions": [pk], "topics": [pk]})

    assert response.status_code == 200
    assert "Nothing was" in response.content.decode()
    assert snapshot() == before


# --- Data import: the uploaded document itself is hostile ---

HOSTILE_JSON = [
    None, True, False, 0, -1, 1, 2**31, 2**63, -(2**63) - 1, 10**30, 1e308, -0.0, 0.5,
    math.nan, math.inf, -math.inf, "", " ", "\x00", "a\x00b", "\ud800", "x\udfff", "x" * 10_000,
    "2025-01-01T00:00:00+00:00", "2025-01-01T00:00:00", "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00", "2025-13-01T00:00:00+00:00", "not a key", "lambda-t1",
    [], {}, [1, 2, 3], [-1], [2**40], {"\x00": "\x00"}, {"due": "\ud800"},
]  # fmt: skip
JSON_VALUES = st.recursive(
    st.one_of(
        st.sampled_from(HOSTILE_JSON),
        st.integers(min_value=-(2**80), max_value=2**80),
        st.floats(),
        st.text(max_size=20),
    ),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(), children),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in the document a value sits, the whole document (an empty path) first."""
    found = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*prefix, index))
    return found


def _mutated(document: Any, path: tuple[Any, ...], value: Any, *, add_key: str | None) -> Any:
    """The document with the value at `path` replaced, or (add_key) a key added to that dict."""
    copied = copy.deepcopy(document)
    if add_key is not None:
        target = copied
        for step in path:
            target = target[step]
        if isinstance(target, dict):
            target[add_key] = value
        return copied
    if not path:
        return value
    target = copied
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return copied


def _encoded(document: Any) -> bytes:
    # json.dumps escapes lone surrogates and writes NaN/Infinity, as a hand-edited file might.
    return json.dumps(document, allow_nan=True).encode()


@pytest.fixture
def export(world: World) -> Any:
    """The learner's real export: a valid document to mutate."""
    document = portability.history_export(user=world.learner, now=timezone.now())
    assert document["review_states"] and document["attempts"] and document["exams"]
    return document


def post_import(client: Client, user: Any, content: bytes) -> Any:
    client.force_login(user)
    upload = SimpleUploadedFile("export.json", content, "application/json")
    return client.post(reverse("study:data_import"), {"file": upload})


def test_the_unmutated_export_imports(client: Client, fresh: Any, export: Any) -> None:
    assert post_import(client, fresh, _encoded(export)).status_code == 303
    assert Attempt.objects.filter(user=fresh).count() == len(export["attempts"])


def test_a_hostile_import_never_fails_or_writes(
    fuzz_client: Client, world: World, fresh: Any, export: Any
) -> None:
    paths = _paths(export)
    change = st.tuples(
        st.sampled_from(paths), JSON_VALUES, st.one_of(st.none(), st.sampled_from(["x", "\x00"]))
    )

    @FUZZ
    @given(
        changes=st.lists(change, min_size=1, max_size=4),
        raw=st.one_of(st.none(), st.none(), st.binary(max_size=200)),
    )
    def check(changes: list[tuple[tuple[Any, ...], Any, str | None]], raw: bytes | None) -> None:
        document = export
        for path, value, add_key in changes:
            try:
                document = _mutated(document, path, value, add_key=add_key)
            except (KeyError, IndexError, TypeError):
                continue  # an earlier change removed this path
        content = raw if raw is not None else _encoded(document)
        upload = SimpleUploadedFile("export.json", content, "application/json")
        post_and_check(fuzz_client, "study:data_import", world, fresh, {"file": upload})

    check()


# Found by the fuzzing above on PostgreSQL, which refuses NUL characters in text and JSON, and
# by every backend for lone surrogates (UTF-8 cannot encode them): each was a 500.
UNSTORABLE = ["a\x00b", "\ud800"]


@pytest.mark.parametrize("text", UNSTORABLE)
@pytest.mark.parametrize(
    ("section", "field"),
    [
        ("exams", "title"),
        ("exams", "deck"),
        ("exams", "topic"),
        ("review_states", "question"),
        ("attempts", "question"),
    ],
)
def test_an_import_with_unstorable_text_is_refused_not_a_500(
    client: Client, fresh: Any, export: Any, section: str, field: str, text: str
) -> None:
    document = copy.deepcopy(export)
    document[section][0][field] = text

    response = post_import(client, fresh, _encoded(document))

    assert response.status_code == 200
    assert f"{section}[0].{field}" in response.content.decode()
    assert not Attempt.objects.filter(user=fresh).exists()
    assert not Exam.objects.filter(user=fresh).exists()


@pytest.mark.parametrize("text", UNSTORABLE)
def test_an_import_keeps_only_the_card_fields_it_understood(
    client: Client, fresh: Any, export: Any, text: str
) -> None:
    document = copy.deepcopy(export)
    card = document["attempts"][0]["card_before"]
    card["planted"] = text

    response = post_import(client, fresh, _encoded(document))

    assert response.status_code == 303
    imported = Attempt.objects.filter(user=fresh).exclude(card_before=None).first()
    assert imported is not None and imported.card_before is not None
    assert "planted" not in imported.card_before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("step", math.nan),  # json.dumps writes NaN; PostgreSQL's JSON refuses it
        ("step", []),
        ("step", "1"),
        ("stability", math.inf),
        ("stability", -1.0),
        ("difficulty", "hard"),
        ("due", "2025-01-01T00:00:00"),  # no UTC offset
        ("state", 9),
    ],
)
def test_an_import_with_a_broken_saved_card_is_refused_not_a_500(
    client: Client, fresh: Any, export: Any, field: str, value: Any
) -> None:
    document = copy.deepcopy(export)
    document["attempts"][0]["card_before"][field] = value

    response = post_import(client, fresh, _encoded(document))

    assert response.status_code == 200
    assert "attempts[0].card_before" in response.content.decode()
    assert not Attempt.objects.filter(user=fresh).exists()
