"""manage.py bench_seed: the large data set the load benchmark (bench/run) runs on.

PostgreSQL only: a million attempts go in through COPY, inside one transaction, so a failed run
leaves nothing behind. The same seed and the same `now` give the same rows; dates are relative to
`now` (the start of the current minute unless given), so cards fall due the way they would for
learners who have studied all year.

The histories follow a simplified schedule, not fsrs itself (fsrs costs about 0.6 ms per review,
ten minutes for a million): stability grows with each right answer and collapses on a wrong one,
and every attempt's state_before/due_before/due_after chains into the next, so the ReviewState of
each card is exactly what its last attempt left.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import random
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from cards.examfiles import exam_files
from cards.models import Answer, Deck, Question, QuestionKind, QuestionOrigin, TaskStatement, Topic
from cards.services import blueprint_seed
from classrooms.access import teachers_group_ensure
from classrooms.goals import Goal
from classrooms.models import Assignment, Classroom, Membership
from study import blueprint, exams
from study.models import CardState, Exam, ExamItem, ExamScope, Rating

EMAIL_DOMAIN = "bench.invalid"
# Every bench account signs in with this (bench/README.md says so); hashed once, reused.
PASSWORD = "bench-password-2000"  # noqa: S105 - a published test password for throwaway data
DAY = 86_400.0
HISTORY_DAYS = 365
LEARNING_DELAY = 600.0  # seconds: a (re)learning card comes back after ten minutes
MAX_STABILITY = 3650.0
BATCH_LEARNERS = 100  # learners per COPY round trip
HEAVY_LEARNER = 1  # learner0001: ~5,000 attempts, the progress page's and the exams' learner
REGULAR_LEARNER = 2  # learner0002 studies every day: few overdue cards (the study page's)
SERVICES = [
    ("Amazon S3", "객체 스토리지"),
    ("Amazon EBS", "블록 스토리지"),
    ("Amazon EFS", "공유 파일 시스템"),
    ("Amazon FSx for Lustre", "고성능 파일 시스템"),
    ("AWS Lambda", "서버리스 컴퓨팅"),
    ("Amazon EC2 Auto Scaling", "탄력적 컴퓨팅"),
    ("Amazon Aurora", "관계형 데이터베이스"),
    ("Amazon DynamoDB", "키-값 데이터베이스"),
    ("Amazon ElastiCache", "인메모리 캐시"),
    ("Amazon CloudFront", "콘텐츠 전송 네트워크"),
    ("AWS Global Accelerator", "글로벌 네트워크 가속"),
    ("Elastic Load Balancing", "부하 분산"),
    ("Amazon Kinesis Data Streams", "실시간 데이터 수집"),
    ("AWS Glue", "데이터 변환"),
    ("Amazon Athena", "서버리스 쿼리"),
]


@dataclass(frozen=True)
class Plan:
    """How much to make. Scale 1 is the data set the benchmark's targets hold for (2,000
    learners, 40 teachers, 5,000 questions; bench/README.md); scale 0.01 a tiny one for tests."""

    learners: int
    teachers: int
    topics: int
    questions_per_topic: int
    attempts_per_learner: int
    cards_per_learner: int
    heavy_attempts: int  # learner0001, whose progress page the benchmark loads
    heavy_cards: int
    mixed_decks: int
    mixed_deck_size: int

    @classmethod
    def for_scale(cls, scale: float) -> Plan:
        def scaled(full: int, floor: int) -> int:
            return max(floor, round(full * scale))

        topics = scaled(50, 3)
        per_topic = scaled(100, 10)
        attempts = scaled(500, 10)
        heavy_attempts = scaled(5000, 50)
        return cls(
            learners=scaled(2000, 10),
            teachers=scaled(40, 2),
            topics=topics,
            questions_per_topic=per_topic,
            attempts_per_learner=attempts,
            cards_per_learner=max(5, attempts // 2),
            heavy_attempts=heavy_attempts,
            heavy_cards=min(topics * per_topic, heavy_attempts * 2 // 5),
            mixed_decks=3,
            mixed_deck_size=min(topics * per_topic, scaled(250, 10)),
        )


@dataclass
class QuestionFacts:
    """What the generator needs to know about a question: its answers, right and wrong."""

    pk: int
    kind: str
    answer_ids: list[int]
    correct_ids: list[int]
    wrong_ids: list[int] = field(default_factory=list)
    domain_id: int = 0


def learner_email(number: int) -> str:
    return f"learner{number:04d}@{EMAIL_DOMAIN}"


def teacher_email(number: int) -> str:
    return f"teacher{number:02d}@{EMAIL_DOMAIN}"


def class_of(learner_index: int, learners: int, teachers: int) -> int:
    """The classroom (0-based) of a learner (0-based): contiguous blocks, every learner in one."""
    return learner_index * teachers // learners


def join_code(rng: random.Random) -> str:
    return base64.urlsafe_b64encode(rng.randbytes(9)).decode()


def question_texts(rng: random.Random, topic: int, number: int) -> dict[str, str]:
    """A prompt and explanation in both languages, as long as the real generated questions."""
    service, role = SERVICES[(topic + number) % len(SERVICES)]
    other, _other_role = SERVICES[(topic * 7 + number) % len(SERVICES)]
    return {
        "prompt": (
            f"벤치마크 문항 {topic:02d}-{number:03d}: {role}가 필요한 워크로드가 있습니다. "
            f"다음 설명에 가장 알맞은 서비스는 무엇인가요?\n\n"
            f"> {service}는 {role}를 제공하며 {other}와 함께 쓰일 때가 많음."
        ),
        "prompt_en": (
            f"Benchmark question {topic:02d}-{number:03d}: a workload needs {role}. "
            f"Which service fits this description best?\n\n"
            f"> {service} provides this and is often used together with {other}."
        ),
        "explanation": f"{service}의 특징을 다시 확인하세요." if rng.random() < 0.5 else "",
        "explanation_en": f"Review what sets {service} apart." if rng.random() < 0.5 else "",
    }


def answer_flags(rng: random.Random, kind: str) -> list[bool]:
    """4 or 5 answers: one right for a single choice, two or three for a multiple response."""
    count = rng.choice((4, 5))
    right = 1 if kind == QuestionKind.SINGLE else rng.choice((2, 3) if count == 5 else (2,))
    flags = [True] * right + [False] * (count - right)
    rng.shuffle(flags)
    return flags


def _iso(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat()


def card_history(
    rng: random.Random,
    *,
    user_id: int,
    question: QuestionFacts,
    times: Sequence[float],
    until: float | None = None,
) -> tuple[list[tuple[Any, ...]], tuple[Any, ...]]:
    """Attempt rows for one learner's answers to one card at `times` (sorted epoch seconds), and
    the ReviewState row the last of them leaves. With `until`, `times` is only the first answer:
    the learner then answers each time the card falls due (within half a day), until `until`.

    Attempt rows: user_id, question_id, mode, rescheduled, chosen_answer_ids, correct, rating,
    reviewed_at, duration_ms, state_before, due_before, due_after.
    State rows: user_id, question_id, state, step, stability, difficulty, due, last_review,
    first_review, reps, lapses.
    """
    attempts: list[tuple[Any, ...]] = []
    state: int | None = None
    stability = 0.0
    difficulty = rng.uniform(4.0, 7.0)
    due: float | None = None
    lapses = 0
    pending = list(times)
    answered: list[float] = []
    while pending:
        moment = pending.pop(0)
        answered.append(moment)
        choice = rng.random() < 0.8
        right = rng.random() < (0.65 if state is None else 0.8)
        if choice:
            rating = Rating.GOOD if right else Rating.AGAIN
            if right:
                chosen = question.correct_ids
            elif question.kind == QuestionKind.SINGLE:
                chosen = [rng.choice(question.wrong_ids)]
            else:
                chosen = sorted([question.correct_ids[0], rng.choice(question.wrong_ids)])
        else:
            rating = (
                rng.choices((Rating.HARD, Rating.GOOD, Rating.EASY), (15, 70, 15))[0]
                if right
                else Rating.AGAIN
            )
            chosen = []
        state_before, due_before = state, due
        if rating == Rating.AGAIN:
            if state == CardState.REVIEW:
                lapses += 1
                state = CardState.RELEARNING
            elif state is None:
                state = CardState.LEARNING
            stability = max(0.2, stability * 0.3) if stability else 0.2
            difficulty = min(10.0, difficulty + 1.0)
            due = moment + LEARNING_DELAY
        else:
            if state_before is None:
                stability = {Rating.HARD: 1.2, Rating.GOOD: 3.0, Rating.EASY: 8.0}[rating]
            else:
                stability *= {Rating.HARD: 1.2, Rating.GOOD: 2.5, Rating.EASY: 4.0}[rating]
            stability = min(stability, MAX_STABILITY)
            if rating == Rating.EASY:
                difficulty = max(1.0, difficulty - 0.5)
            state = CardState.REVIEW
            due = moment + stability * DAY
        attempts.append(
            (
                user_id,
                question.pk,
                "choice" if choice else "flashcard",
                True,
                "[" + ",".join(str(pk) for pk in chosen) + "]",
                rating != Rating.AGAIN,
                int(rating),
                _iso(moment),
                rng.randint(4_000, 90_000),
                int(state_before) if state_before is not None else None,
                _iso(due_before) if due_before is not None else None,
                _iso(due),
            )
        )
        if until is not None and (upcoming := due + rng.uniform(0.0, 0.5) * DAY) < until:
            pending.append(upcoming)
    if state is None or due is None:
        raise ValueError("a card history needs at least one time")
    review_state = (
        user_id,
        question.pk,
        int(state),
        None if state == CardState.REVIEW else 0,
        round(stability, 4),
        round(difficulty, 4),
        _iso(due),
        _iso(answered[-1]),
        _iso(answered[0]),
        len(answered),
        lapses,
    )
    return attempts, review_state


def learner_history(
    rng: random.Random,
    *,
    user_id: int,
    questions: Sequence[QuestionFacts],
    preferred: Sequence[int],
    cards: int,
    attempts: int,
    now: float,
    on_schedule: bool = False,
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """One learner's year: `cards` cards (70 % from `preferred` question indexes, their class's
    assigned decks) answered `attempts` times in all, at random moments of the last year.

    `on_schedule`: a learner who studies every day instead: each card, first seen on a random
    day of the year, is answered whenever it falls due, so few cards are overdue (and the
    number of attempts follows from the schedule)."""
    cards = min(cards, len(questions))
    from_preferred = min(len(preferred), round(cards * 0.7))
    picked = set(rng.sample(list(preferred), from_preferred)) if from_preferred else set()
    others = [i for i in range(len(questions)) if i not in picked]
    picked.update(rng.sample(others, cards - len(picked)))
    chosen = sorted(picked)
    per_card = [1] * len(chosen)
    for slot in rng.choices(range(len(chosen)), k=max(0, attempts - len(chosen))):
        per_card[slot] += 1
    attempt_rows: list[tuple[Any, ...]] = []
    state_rows: list[tuple[Any, ...]] = []
    start = now - HISTORY_DAYS * DAY
    for index, count in zip(chosen, per_card, strict=True):
        times = sorted(
            start + rng.random() * (now - 60 - start) for _ in range(1 if on_schedule else count)
        )
        rows, state = card_history(
            rng,
            user_id=user_id,
            question=questions[index],
            times=times,
            until=now - 60 if on_schedule else None,
        )
        attempt_rows += rows
        state_rows.append(state)
    return attempt_rows, state_rows


ATTEMPT_COLUMNS = (
    "user_id, question_id, mode, rescheduled, chosen_answer_ids, correct, rating, reviewed_at, "
    "duration_ms, state_before, due_before, due_after"
)
STATE_COLUMNS = (
    "user_id, question_id, state, step, stability, difficulty, due, last_review, first_review, "
    "reps, lapses"
)


def _copy_text(rows: Iterable[tuple[Any, ...]]) -> str:
    """Rows in COPY's text format (no value here holds a tab, newline or backslash)."""
    out = io.StringIO()
    for row in rows:
        out.write(
            "\t".join(
                "\\N"
                if value is None
                else ("t" if value else "f")
                if isinstance(value, bool)
                else str(value)
                for value in row
            )
        )
        out.write("\n")
    return out.getvalue()


def copy_rows(table: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        copy.write(_copy_text(rows))


class ProgressLine:
    """A one-line progress bar on stderr: counts, rate and time left, redrawn in place."""

    def __init__(self, out: TextIO, label: str, total: int, enabled: bool = True) -> None:
        self.out, self.label, self.total, self.enabled = out, label, total, enabled
        self.done = 0
        self.started = self.shown = time.monotonic()

    def advance(self, count: int) -> None:
        self.done += count
        self.total = max(self.total, self.done)  # the estimate was short: never "-1 s left"
        now = time.monotonic()
        if now - self.shown >= 0.2 or self.done >= self.total:
            self.shown = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        if not self.enabled:
            return
        elapsed = max(now - self.started, 1e-6)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else 0.0
        share = self.done / self.total if self.total else 1.0
        bar = "#" * int(share * 30)
        self.out.write(
            f"\r{self.label}: [{bar:<30}] {self.done:,}/{self.total:,} "
            f"{rate:,.0f}/s, {left:.0f} s left   "
        )
        self.out.flush()

    def finish(self) -> float:
        elapsed = time.monotonic() - self.started
        if self.enabled:
            self._draw(time.monotonic())
            self.out.write(f"\r{self.label}: {self.done:,} in {elapsed:.1f} s{' ' * 40}\n")
            self.out.flush()
        return elapsed


class Command(BaseCommand):
    help = (
        "Fill a PostgreSQL database with the benchmark data set: 2,000 learners, 5,000 questions, "
        "1,000,000 attempts, 40 classrooms. Refuses a database with real users unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=7, help="Random seed (default 7).")
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiply every count (0.01: a tiny data set for tests). Default 1.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add the data even though the database holds users bench_seed did not create.",
        )
        parser.add_argument(
            "--now",
            type=dt.datetime.fromisoformat,
            default=None,
            help="The moment the histories end (ISO 8601, aware); default: this minute.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                f"bench_seed needs PostgreSQL (it bulk-loads with COPY); this database is "
                f"{connection.vendor}. Set DATABASE_URL=postgres://... to a database of its own."
            )
        scale = options["scale"]
        if not 0 < scale <= 1:
            raise CommandError("--scale must be above 0 and at most 1.")
        self._refuse_foreign_data(force=options["force"])
        now = options["now"] or timezone.now().replace(second=0, microsecond=0)
        if timezone.is_naive(now):
            raise CommandError("--now needs a time zone, e.g. 2026-03-02T09:00:00+00:00.")
        self.progress_out = sys.stderr if options["verbosity"] >= 1 else io.StringIO()
        plan = Plan.for_scale(scale)
        rng = random.Random(options["seed"])  # noqa: S311 - reproducible test data, not secrets
        started = time.monotonic()
        with transaction.atomic():
            counts = self._seed(plan, rng, now)
        self._analyze()
        summary = ", ".join(f"{n:,} {name}" for name, n in counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"Seeded {summary} in {time.monotonic() - started:.0f} s.")
        )

    def _refuse_foreign_data(self, *, force: bool) -> None:
        users = get_user_model().objects
        if users.filter(email__iendswith=f"@{EMAIL_DOMAIN}").exists():
            raise CommandError(
                "This database already holds the bench data. Seed a fresh database "
                "(bench/run --reseed drops and recreates its own)."
            )
        foreign = users.exclude(email__iendswith=f"@{EMAIL_DOMAIN}").count()
        if foreign and not force:
            raise CommandError(
                f"This database holds {foreign} user(s) that bench_seed did not create: it looks "
                f"like a real one. Use a database of its own, or --force to add the data anyway."
            )

    def _analyze(self) -> None:
        """Fresh statistics, and (outside a transaction) a visibility map for index-only scans."""
        with connection.cursor() as cursor:
            if connection.in_atomic_block:  # tests run inside a transaction: VACUUM cannot
                cursor.execute("ANALYZE")
            else:
                cursor.execute("VACUUM ANALYZE")

    def _seed(self, plan: Plan, rng: random.Random, now: dt.datetime) -> dict[str, int]:
        questions, topic_decks, decks = self._content(plan, rng)
        learner_ids, teacher_ids = self._users(plan, now)
        assigned = self._classrooms(plan, rng, now, learner_ids, teacher_ids, topic_decks)
        attempts, states = self._histories(plan, rng, now, learner_ids, questions, assigned)
        exam_count = self._exams(
            rng, now, learner_ids[0], questions, questions[: plan.questions_per_topic]
        )
        return {
            "learners": len(learner_ids),
            "teachers": len(teacher_ids),
            "questions": len(questions),
            "decks": decks,
            "attempts": attempts,
            "review states": states,
            "exams": exam_count,
        }

    def _content(
        self, plan: Plan, rng: random.Random
    ) -> tuple[list[QuestionFacts], list[list[int]], int]:
        """Topics, questions with answers, decks. Returns the questions' facts, each topic deck's
        question indexes (into that list), and the number of decks made."""
        # Spread over every task statement of the blueprint (loaded from the committed file
        # when the database has none yet): exam facts are data.
        if not TaskStatement.objects.exists():
            blueprint_seed(blueprint=exam_files().blueprint)
        statements = list(TaskStatement.objects.order_by("domain__order", "order", "pk"))
        topics = Topic.objects.bulk_create(
            Topic(
                slug=f"bench-{t:02d}",
                name=f"벤치 주제 {t:02d} ({SERVICES[t % len(SERVICES)][0]})",
                domain_id=statements[t % len(statements)].domain_id,
                task_statement=statements[t % len(statements)],
                order=100 + t,
            )
            for t in range(1, plan.topics + 1)
        )
        question_objects = []
        flags_of: list[list[bool]] = []
        for t, topic in enumerate(topics, start=1):
            for n in range(1, plan.questions_per_topic + 1):
                kind = QuestionKind.SINGLE if rng.random() < 0.7 else QuestionKind.MULTIPLE
                question_objects.append(
                    Question(
                        key=f"bench-{t:02d}-{n:03d}",
                        topic=topic,
                        kind=kind,
                        origin=QuestionOrigin.EXAM,
                        source_file="notes/design-high-performing-architectures.md",
                        source_first_line=n,
                        source_last_line=n + 1,
                        source_text=f"* 벤치마크 원문 {t}-{n}",
                        order=n,
                        **question_texts(rng, t, n),
                    )
                )
                flags_of.append(answer_flags(rng, kind))
        saved = Question.objects.bulk_create(question_objects, batch_size=2000)
        answers = [
            Answer(
                question=question,
                text=f"{SERVICES[(question.pk + i) % len(SERVICES)][0]}: 선택지 {i}",
                text_en=f"{SERVICES[(question.pk + i) % len(SERVICES)][0]}: option {i}",
                is_correct=correct,
                explanation="정답의 근거입니다." if correct else "",
                order=i,
            )
            for question, flags in zip(saved, flags_of, strict=True)
            for i, correct in enumerate(flags, start=1)
        ]
        Answer.objects.bulk_create(answers, batch_size=5000)
        facts = {
            q.pk: QuestionFacts(
                pk=q.pk,
                kind=q.kind,
                answer_ids=[],
                correct_ids=[],
                domain_id=q.topic.domain_id,
            )
            for q in saved
        }
        for answer in answers:
            fact = facts[answer.question_id]
            fact.answer_ids.append(answer.pk)
            (fact.correct_ids if answer.is_correct else fact.wrong_ids).append(answer.pk)
        questions = [facts[q.pk] for q in saved]

        per_topic = plan.questions_per_topic
        topic_decks = [list(range(i * per_topic, (i + 1) * per_topic)) for i in range(len(topics))]
        deck_objects = [
            Deck(slug=topic.slug, name=topic.name, name_en=f"Bench topic {t:02d}", order=100 + t)
            for t, topic in enumerate(topics, start=1)
        ]
        mixed = [
            sorted(rng.sample(range(len(questions)), plan.mixed_deck_size))
            for _ in range(plan.mixed_decks)
        ]
        deck_objects += [
            Deck(
                slug=f"bench-mix-{m}",
                name=f"벤치 혼합 {m}",
                name_en=f"Bench mix {m}",
                order=200 + m,
            )
            for m in range(1, plan.mixed_decks + 1)
        ]
        saved_decks = Deck.objects.bulk_create(deck_objects)
        links = Deck.questions.through
        links.objects.bulk_create(
            (
                links(deck_id=deck.pk, question_id=questions[i].pk)
                for deck, members in zip(saved_decks, topic_decks + mixed, strict=True)
                for i in members
            ),
            batch_size=5000,
        )
        self._topic_ids = [topic.pk for topic in topics]
        self._topic_deck_ids = [deck.pk for deck in saved_decks[: len(topics)]]
        return questions, topic_decks, len(saved_decks)

    def _users(self, plan: Plan, now: dt.datetime) -> tuple[list[int], list[int]]:
        User = get_user_model()
        password = make_password(PASSWORD)  # one PBKDF2 run, shared by every account
        joined = now - dt.timedelta(days=HISTORY_DAYS + 30)
        learners = User.objects.bulk_create(
            (
                User(
                    username=f"learner{i:04d}",
                    email=learner_email(i),
                    display_name=f"학생 {i:04d}",
                    password=password,
                    date_joined=joined,
                )
                for i in range(1, plan.learners + 1)
            ),
            batch_size=5000,
        )
        teachers = User.objects.bulk_create(
            User(
                username=f"teacher{j:02d}",
                email=teacher_email(j),
                display_name=f"선생님 {j:02d}",
                password=password,
                date_joined=joined,
            )
            for j in range(1, plan.teachers + 1)
        )
        group = teachers_group_ensure()
        User.groups.through.objects.bulk_create(
            User.groups.through(user_id=teacher.pk, group_id=group.pk) for teacher in teachers
        )
        return [u.pk for u in learners], [u.pk for u in teachers]

    def _classrooms(
        self,
        plan: Plan,
        rng: random.Random,
        now: dt.datetime,
        learner_ids: list[int],
        teacher_ids: list[int],
        topic_decks: list[list[int]],
    ) -> list[list[int]]:
        """One class per teacher, every learner in exactly one, 2–3 topic decks assigned to each.
        Returns, per class, the question indexes of its assigned decks."""
        created = now - dt.timedelta(days=200)
        classrooms = Classroom.objects.bulk_create(
            Classroom(
                teacher_id=teacher_id,
                name=f"벤치 {j:02d}반",
                join_code=join_code(rng),
                created_at=created,
            )
            for j, teacher_id in enumerate(teacher_ids, start=1)
        )
        Membership.objects.bulk_create(
            (
                Membership(
                    classroom_id=classrooms[class_of(i, len(learner_ids), len(classrooms))].pk,
                    student_id=learner_id,
                    joined_at=created + dt.timedelta(days=1),
                )
                for i, learner_id in enumerate(learner_ids)
            ),
            batch_size=5000,
        )
        assignments = []
        assigned: list[list[int]] = []
        for classroom in classrooms:
            topic_indexes = rng.sample(range(len(topic_decks)), rng.choice((2, 3)))
            questions: list[int] = []
            for k, topic_index in enumerate(topic_indexes):
                assigned_at = now - dt.timedelta(days=rng.randint(20, 120))
                recall = k == 1
                assignments.append(
                    Assignment(
                        classroom=classroom,
                        deck_id=self._topic_deck_ids[topic_index],
                        goal=Goal.RECALL if recall else Goal.ANSWER_ALL,
                        target_percent=rng.choice((50, 60, 70, 80)) if recall else None,
                        assigned_at=assigned_at,
                        due_at=assigned_at + dt.timedelta(days=rng.randint(14, 150)),
                    )
                )
                questions += topic_decks[topic_index]
            assigned.append(questions)
        Assignment.objects.bulk_create(assignments)
        return assigned

    def _histories(
        self,
        plan: Plan,
        rng: random.Random,
        now: dt.datetime,
        learner_ids: list[int],
        questions: list[QuestionFacts],
        assigned: list[list[int]],
    ) -> tuple[int, int]:
        total = plan.heavy_attempts + plan.attempts_per_learner * (len(learner_ids) - 1)
        bar = ProgressLine(self.progress_out, "attempts", total)
        moment = now.timestamp()
        attempts = states = 0
        for start in range(0, len(learner_ids), BATCH_LEARNERS):
            attempt_rows: list[tuple[Any, ...]] = []
            state_rows: list[tuple[Any, ...]] = []
            for i in range(start, min(start + BATCH_LEARNERS, len(learner_ids))):
                heavy = i == HEAVY_LEARNER - 1
                rows, card_states = learner_history(
                    rng,
                    user_id=learner_ids[i],
                    questions=questions,
                    preferred=assigned[class_of(i, len(learner_ids), len(assigned))],
                    cards=plan.heavy_cards if heavy else plan.cards_per_learner,
                    attempts=plan.heavy_attempts if heavy else plan.attempts_per_learner,
                    now=moment,
                    on_schedule=i == REGULAR_LEARNER - 1,
                )
                attempt_rows += rows
                state_rows += card_states
            copy_rows("study_attempt", ATTEMPT_COLUMNS, attempt_rows)
            copy_rows("study_reviewstate", STATE_COLUMNS, state_rows)
            attempts += len(attempt_rows)
            states += len(state_rows)
            bar.advance(len(attempt_rows))
        bar.total = attempts
        bar.finish()
        return attempts, states

    def _exams(
        self,
        rng: random.Random,
        now: dt.datetime,
        user_id: int,
        questions: list[QuestionFacts],
        first_topic: list[QuestionFacts],
    ) -> int:
        """learner0001's exams: two submitted (a full one and one on the first topic), one open."""
        guide = blueprint.load()
        if guide is None:
            raise CommandError("no exam blueprint in the database")
        fmt = guide.format
        full = fmt.questions
        specs = [
            # (title, scope, count, timed, started days ago, submitted)
            ("전체 모의고사 · 벤치", ExamScope.EXAM, full, True, 20, True),
            ("벤치 주제 01", ExamScope.TOPIC, 20, False, 10, True),
            ("전체 모의고사 · 벤치 (진행 중)", ExamScope.EXAM, full, False, 0, False),
        ]
        weights = {domain.pk: domain.weight for domain in guide.domains}
        for title, scope, count, timed, days_ago, submitted in specs:
            pool = first_topic if scope == ExamScope.TOPIC else questions
            count = min(count, len(pool))
            started = now - dt.timedelta(days=days_ago, hours=2)
            picked = rng.sample(pool, count)
            answered = count if submitted else count // 6
            outcomes = []
            items = []
            for position, question in enumerate(picked, start=1):
                chosen: list[int] = []
                correct = None
                if position <= answered and rng.random() < 0.95:
                    right = rng.random() < 0.72
                    chosen = (
                        list(question.correct_ids) if right else [rng.choice(question.wrong_ids)]
                    )
                    correct = right
                if submitted:
                    correct = bool(correct)
                    outcomes.append(correct)
                items.append(
                    ExamItem(
                        question_id=question.pk,
                        position=position,
                        option_order=exams.shuffled(question.answer_ids, rng),
                        chosen_answer_ids=chosen,
                        answered_at=started + dt.timedelta(minutes=position) if chosen else None,
                        flagged=rng.random() < 0.05,
                        correct=correct,
                    )
                )
            raw = sum(outcomes)
            exam = Exam.objects.create(
                user_id=user_id,
                scope=scope,
                topic_id=self._topic_ids[0] if scope == ExamScope.TOPIC else None,
                title=title,
                question_count=count,
                timed=timed,
                started_at=started,
                deadline=exams.deadline_for(started, count, fmt) if timed else None,
                submitted_at=started + dt.timedelta(minutes=count + 5) if submitted else None,
                raw_score=raw if submitted else None,
                scaled_score=self._scaled(picked, outcomes, weights, fmt) if submitted else None,
            )
            for item in items:
                item.exam = exam
            ExamItem.objects.bulk_create(items)
        return len(specs)

    def _scaled(
        self,
        picked: list[QuestionFacts],
        outcomes: list[bool],
        weights: dict[int, int],
        fmt: exams.ExamFormat,
    ) -> int:
        """The weighted estimate the exam services record, from each question's domain."""
        parts: dict[int, list[int]] = {}
        for question, correct in zip(picked, outcomes, strict=True):
            right_total = parts.setdefault(question.domain_id, [0, 0])
            right_total[0] += correct
            right_total[1] += 1
        return exams.scaled_score(
            [exams.DomainScore(weights[d], right, total) for d, (right, total) in parts.items()],
            fmt,
        )
