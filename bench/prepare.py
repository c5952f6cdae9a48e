"""The Django side of bench/run: who is signed in, which pages to load, answer tokens, queries.

bench/run calls it with the benchmark's environment (DJANGO_SETTINGS_MODULE=bench.settings,
DATABASE_URL, DJANGO_SECRET_KEY, ...):

    python bench/prepare.py seeded             prints "yes" when bench_seed has run here
    python bench/prepare.py pages OUT_DIR      writes OUT_DIR/pages.json and the answer tokens
    python bench/prepare.py explain            EXPLAIN (ANALYZE, BUFFERS) of the due-card query
                                               and the dashboard's aggregates
    python bench/prepare.py profile DIR PAGE [N]   PAGE loaded N times under cProfile
    python bench/prepare.py queries DIR PAGE       the SQL of one request of PAGE
    python bench/prepare.py plans DIR PAGE         the same with EXPLAIN (ANALYZE, BUFFERS)

Sessions are made directly with the session store, as a login would leave them, so no password
hash is computed during the benchmark.
The query counts come from one request per page through django.test.Client in this process,
inside CaptureQueriesContext: nothing is added to the server that is measured.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import secrets
import string
import sys
import time
from importlib import import_module
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The bench settings: the production ones plus the bench app (bench_seed's names, the baseline).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
)
from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.management.commands.bench_seed import (  # noqa: E402
    EMAIL_DOMAIN,
    learner_email,
    teacher_email,
)
from cards.models import Answer, Deck  # noqa: E402
from classrooms import selectors as classroom_selectors  # noqa: E402
from classrooms.goals import Goal  # noqa: E402
from classrooms.models import Assignment  # noqa: E402
from study import selectors as study_selectors  # noqa: E402
from study.models import Exam, Mode, Showing  # noqa: E402

HOST = "127.0.0.1"
# Answer tokens: the warm-up's and the measured run's, so the measured POSTs record real answers.
WARMUP_TOKENS = 1000
RUN_TOKENS = 5000


def csrf_secret() -> str:
    """A CSRF cookie value: Django accepts the bare 32-character secret as the form token too."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(32))


def session_for(user: User) -> str:
    """A signed-in session for `user`, stored like the one a login leaves; returns its key."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return str(store.session_key)


def user(email: str) -> User:
    return User.objects.get(email=email)


def issue_tokens(
    *, learner: User, decks: list[Deck], count: int, rng: random.Random, now: dt.datetime
) -> list[tuple[str, str, list[int]]]:
    """`count` open choice-mode showings for the learner across `decks`, each with the answer ids
    to post (right or wrong at random): (answer path, token, answer ids)."""
    links = Deck.questions.through.objects.filter(deck__in=decks).values_list(
        "deck_id", "question_id"
    )
    pairs = sorted(links)
    rng.shuffle(pairs)
    by_deck = {deck.pk: deck for deck in decks}
    answers: dict[int, list[tuple[int, bool]]] = {}
    for question_id, answer_id, correct in Answer.objects.filter(
        question_id__in={q for _d, q in pairs}
    ).values_list("question_id", "pk", "is_correct"):
        answers.setdefault(question_id, []).append((answer_id, correct))
    showings = []
    rows = []
    for i in range(count):
        deck_id, question_id = pairs[i % len(pairs)]
        options = [pk for pk, _correct in answers[question_id]]
        right = [pk for pk, correct in answers[question_id] if correct]
        chosen = right if rng.random() < 0.75 else [rng.choice(options)]
        showing = Showing(
            user=learner,
            question_id=question_id,
            deck_id=deck_id,
            mode=Mode.CHOICE,
            option_order=rng.sample(options, len(options)),
            created_at=now,
        )
        showings.append(showing)
        rows.append((by_deck[deck_id].slug, showing.token, chosen))
    Showing.objects.bulk_create(showings, batch_size=2000)
    return [(reverse("study:answer", args=[slug]), token, chosen) for slug, token, chosen in rows]


def answer_body(csrf: str, token: str, chosen: list[int]) -> str:
    parts = [f"csrfmiddlewaretoken={csrf}", f"token={token}", "duration_ms=8000"]
    parts += [f"answer={pk}" for pk in chosen]
    return "&".join(parts)


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def count_queries(
    *, session: str, csrf: str, method: str, path: str, body: str = ""
) -> tuple[int, int, int]:
    """(status, SQL statements, transaction control commands) of one request, as the server
    would run it. Django logs BEGIN/COMMIT/SAVEPOINT among the queries; they are counted apart.
    """
    client = Client(HTTP_HOST=HOST)
    client.cookies["sessionid"] = session
    client.cookies["csrftoken"] = csrf
    with CaptureQueriesContext(connection) as captured:
        if method == "POST":
            response = client.generic(
                "POST", path, body, content_type="application/x-www-form-urlencoded"
            )
        else:
            response = client.get(path)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
    control = sum(
        1 for query in captured if query["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)
    )
    return response.status_code, len(captured.captured_queries) - control, control


def pages(out_dir: Path) -> None:
    now = timezone.now()
    rng = random.Random(now.timestamp())
    heavy = user(learner_email(1))
    studying = user(learner_email(2))
    answering = user(learner_email(3))
    teacher = user(teacher_email(1))

    # The heavier dashboard: a recall goal reads every student's review states too.
    teaching = Assignment.objects.filter(classroom__teacher=teacher).order_by("pk")
    assignment = teaching.filter(goal=Goal.RECALL).first() or teaching.first()
    if assignment is None:
        sys.exit("bench/prepare.py: teacher01 has no assignment; was bench_seed run?")
    study_assignment = (
        Assignment.objects.filter(classroom__memberships__student=studying)
        .select_related("deck")
        .order_by("pk")
        .first()
    )
    if study_assignment is None:
        sys.exit("bench/prepare.py: learner0002 has no assignment; was bench_seed run?")
    exam = (
        Exam.objects.filter(user=heavy, submitted_at__isnull=False)
        .order_by("-question_count", "pk")
        .first()
    )
    if exam is None:
        sys.exit("bench/prepare.py: learner0001 has no submitted exam; was bench_seed run?")

    # The planner's learner sits the exam 90 days from now: its page simulates every choice
    # over 2,000 studied cards and 90 days (the issue's size). Set here, not by the seeder, so
    # a run on an older seed measures the same page.
    User.objects.filter(pk=heavy.pk).update(
        exam_date=(now + dt.timedelta(days=90)).date(), study_minutes_per_day=60
    )
    heavy.refresh_from_db()

    csrf = csrf_secret()
    sessions = {u.pk: session_for(u) for u in (heavy, studying, answering, teacher)}

    decks = list(Deck.objects.filter(slug__startswith="bench-").exclude(slug__contains="mix"))
    tokens = issue_tokens(learner=answering, decks=decks, count=WARMUP_TOKENS + 1, rng=rng, now=now)
    probe, warmup = tokens[0], tokens[1:]
    # The measured run's showings carry their own time, so the answers they got can be counted.
    run_issued = now + dt.timedelta(milliseconds=1)
    run = issue_tokens(learner=answering, decks=decks, count=RUN_TOKENS, rng=rng, now=run_issued)
    for name, rows in (("answers-warmup.tsv", warmup), ("answers-run.tsv", run)):
        with open(out_dir / name, "w", encoding="utf-8") as out:
            for path, token, chosen in rows:
                out.write(f"{path}\t{answer_body(csrf, token, chosen)}\n")

    def cookie(owner: User) -> str:
        return f"sessionid={sessions[owner.pk]}; csrftoken={csrf}"

    study_path = reverse("study:session", args=[study_assignment.deck.slug])
    listing: list[dict[str, Any]] = [
        {
            "name": "baseline",
            "label": "baseline: 20 rows, 1 query",
            "path": reverse("bench_baseline"),
            "owner": studying,
            "ratio": None,
        },
        {
            "name": "study",
            "label": "study session page",
            "path": study_path,
            "owner": studying,
            "ratio": 0.8,
        },
        {
            "name": "answer",
            "label": "answer POST (real answers)",
            "path": probe[0],
            "method": "POST",
            "body": answer_body(csrf, probe[1], probe[2]),
            "owner": answering,
            "ratio": 0.8,
        },
        {
            "name": "progress",
            "label": "progress, 5,000 attempts",
            "path": reverse("study:progress"),
            "owner": heavy,
            "ratio": 0.5,
        },
        {
            "name": "plan",
            "label": "exam-day planner, 2,000 cards, 90 days",
            "path": reverse("study:plan"),
            "owner": heavy,
            # No throughput target: a cold plan is about 0.3 s of CPU (bench/planner_cpu);
            # repeated views read the plan from the page cache.
            "ratio": None,
        },
        {
            "name": "results",
            "label": f"exam results, {exam.question_count} questions",
            "path": reverse("study:exam_results", args=[exam.pk]),
            "owner": heavy,
            "ratio": 0.5,
        },
        {
            "name": "dashboard",
            "label": "teacher dashboard, 50 students",
            "path": reverse("classrooms:assignment_detail", args=[assignment.pk]),
            "owner": teacher,
            "ratio": 0.5,
        },
        {
            "name": "csv",
            "label": "dashboard CSV download",
            "path": reverse("classrooms:assignment_csv", args=[assignment.pk]),
            "owner": teacher,
            "ratio": 0.5,
        },
    ]
    for page in listing:
        owner = page.pop("owner")
        page["cookie"] = cookie(owner)
        page["user"] = owner.email
        page.setdefault("method", "GET")
        status, queries, control = count_queries(
            session=sessions[owner.pk],
            csrf=csrf,
            method=page["method"],
            path=page["path"],
            body=page.get("body", ""),
        )
        wanted = 303 if page["method"] == "POST" else 200
        if status != wanted:
            sys.exit(f"bench/prepare.py: {page['method']} {page['path']} answered {status}")
        page["queries"] = queries
        page["transaction_control"] = control
        # Again: the pages that keep a cached copy now answer from it.
        page["queries_again"] = (
            count_queries(session=sessions[owner.pk], csrf=csrf, method="GET", path=page["path"])[1]
            if page["method"] == "GET"
            else queries
        )
        page.pop("body", None)
    document = {
        "pages": listing,
        "answer": {
            "user_id": answering.pk,
            "created_at": run_issued.isoformat(),
            "warmup": str(out_dir / "answers-warmup.tsv"),
            "run": str(out_dir / "answers-run.tsv"),
            "tokens": len(run),
        },
        "dashboard": {"assignment": assignment.pk, "goal": assignment.goal},
        "study": {"deck": study_assignment.deck.slug, "user": studying.email},
    }
    with open(out_dir / "pages.json", "w", encoding="utf-8") as out:
        json.dump(document, out, indent=1)


def profile(out_dir: Path, name: str, count: int) -> None:
    """Load one page `count` times in this process under cProfile; print where the time goes."""
    import cProfile
    import pstats

    pages(out_dir)
    document = json.loads((out_dir / "pages.json").read_text(encoding="utf-8"))
    page = next((p for p in document["pages"] if p["name"] == name), None)
    if page is None:
        sys.exit(f"bench/prepare.py: no page named {name!r}")
    client = Client(HTTP_HOST=HOST)
    for part in page["cookie"].split("; "):
        key, value = part.split("=", 1)
        client.cookies[key] = value
    bodies = [
        line.rstrip("\n").split("\t", 1)
        for line in (out_dir / "answers-run.tsv").read_text(encoding="utf-8").splitlines()
    ]

    def load(i: int) -> None:
        if page["method"] == "POST":
            path, body = bodies[i % len(bodies)]
            response = client.generic(
                "POST", path, body, content_type="application/x-www-form-urlencoded"
            )
        else:
            response = client.get(page["path"])
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        if response.status_code >= 400:
            sys.exit(f"bench/prepare.py: {page['path']} answered {response.status_code}")

    load(0)  # warm: templates compiled, connection open
    started = time.perf_counter()
    for i in range(1, count + 1):
        load(i)
    plain = (time.perf_counter() - started) / count * 1000
    print(f"{name}: {plain:.2f} ms per request in this process, without the profiler")
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for i in range(count + 1, 2 * count + 1):
        load(i)
    profiler.disable()
    elapsed = time.perf_counter() - started
    print(f"{name}: {elapsed / count * 1000:.2f} ms per request (profiled, {count} requests)")
    dump = os.environ.get("BENCH_PROFILE_DUMP")
    if dump:
        profiler.dump_stats(dump)
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("tottime").print_stats(30)
    stats.sort_stats("cumulative").print_stats(45)


def show_queries(out_dir: Path, name: str, explain: bool = False) -> None:
    """The SQL one request of the page runs, with each statement's time (and its plan)."""
    pages(out_dir)
    document = json.loads((out_dir / "pages.json").read_text(encoding="utf-8"))
    page = next((p for p in document["pages"] if p["name"] == name), None)
    if page is None:
        sys.exit(f"bench/prepare.py: no page named {name!r}")
    client = Client(HTTP_HOST=HOST)
    for part in page["cookie"].split("; "):
        key, value = part.split("=", 1)
        client.cookies[key] = value
    path, body = page["path"], ""
    if page["method"] == "POST":
        line = (out_dir / "answers-run.tsv").read_text(encoding="utf-8").splitlines()[0]
        path, body = line.split("\t", 1)
    caches["pages"].clear()  # the page computed, not its cached copy
    with CaptureQueriesContext(connection) as captured:
        if page["method"] == "POST":
            client.generic("POST", path, body, content_type="application/x-www-form-urlencoded")
        else:
            response = client.get(path)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
    for number, query in enumerate(captured.captured_queries, start=1):
        sql = query["sql"]
        print(f"{number:2d}. {query['time']}s {sql if explain else sql[:400]}")
        if explain and sql.lstrip().upper().startswith("SELECT") and "FOR UPDATE" not in sql:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                for (line,) in cursor.fetchall():
                    print(f"      {line}")


def seeded() -> None:
    print("yes" if User.objects.filter(email__iendswith=f"@{EMAIL_DOMAIN}").exists() else "no")


def explain_all(title: str, run: Any, keep: Any = lambda sql: True) -> None:
    """Run `run()`, then EXPLAIN (ANALYZE, BUFFERS) every SELECT it issued that `keep` wants."""
    with CaptureQueriesContext(connection) as captured:
        run()
    print(f"===== {title}")
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT") or not keep(sql):
            continue
        print(f"\n--- {sql}\n")
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            for (line,) in cursor.fetchall():
                print(line)
    print()


def explain() -> None:
    now = timezone.now()
    # learner0004 answers at random moments of the year: most of their cards are due.
    studying = user(learner_email(4))
    deck = (
        Assignment.objects.filter(classroom__memberships__student=studying)
        .select_related("deck")
        .order_by("pk")
        .first()
    )
    if deck is None:
        sys.exit("bench/prepare.py: learner0004 has no assignment; was bench_seed run?")

    def study_queue() -> None:
        """What the study page reads to choose a card: limits and counts, then the card."""
        study_selectors.study_queue(user=studying, deck=deck.deck, mode=Mode.FLASHCARD, now=now)

    explain_all(
        "the study queue (study_queue: today's limits and the deck's counts in one statement,"
        " then the first due learning or review card with its answers)",
        study_queue,
    )
    teacher = user(teacher_email(1))
    for goal in (Goal.RECALL, Goal.ANSWER_ALL):
        assignment = (
            Assignment.objects.filter(classroom__teacher=teacher, goal=goal)
            .select_related("classroom", "deck")
            .first()
        )
        if assignment is None:
            continue
        card_count = assignment.deck.questions.count()
        explain_all(
            f"the teacher dashboard's queries ({goal} goal, 50 students)",
            lambda a=assignment, n=card_count: classroom_selectors.dashboard(
                assignment=a, card_count=n, now=now
            ),
        )


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "seeded":
        seeded()
    elif command == "pages" and len(sys.argv) == 3:
        pages(Path(sys.argv[2]))
    elif command == "explain":
        explain()
    elif command in ("queries", "plans") and len(sys.argv) == 4:
        show_queries(Path(sys.argv[2]), sys.argv[3], explain=command == "plans")
    elif command == "profile" and len(sys.argv) in (4, 5):
        profile(Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]) if len(sys.argv) == 5 else 50)
    else:
        sys.exit(__doc__)
