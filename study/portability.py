"""Your data is yours: a learner's whole history out as JSON (and attempts as CSV), and back in.

Questions travel by natural key (`Question.key`) and answers by their `order` within the
question, never by database id, so an export loads into another installation built from the
same notes. An import goes only into a fresh account, is validated completely before anything is
written, and is written in one transaction: a bad file changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts.forms import SettingsForm
from accounts.models import User
from cards import services as card_services
from cards.models import (
    Answer,
    CardReport,
    Certification,
    Deck,
    Domain,
    Notebook,
    NotebookVersion,
    Question,
    TaskStatement,
    Topic,
)
from cards.notebooks import NotebookRefused, notes_text

from . import scheduling
from .expressions import (
    PLAUSIBLE_FROM,
    PLAUSIBLE_UNTIL,
    READABLE_ATTEMPT,
    READABLE_EXAM,
    READABLE_ITEM,
    READABLE_STATE,
)
from .models import (
    Attempt,
    CardState,
    Exam,
    ExamItem,
    ExamScope,
    Mode,
    Rating,
    ReviewState,
    Suspension,
)
from .selectors import user_zone
from .services import MAX_DURATION_MS
from .spreadsheet import csv_safe

FORMAT = "saaprep-export"
VERSION = 1
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_ERRORS_SHOWN = 20
MAX_NOTEBOOK_VERSIONS = 200
# Every object and list of an export is part of a record that spells out its field names: even
# the densest part, an exam's items (three containers in some 100 bytes of compact JSON), has
# fewer than one per 30 bytes. A file with more than one per 16 bytes (a million `{}` in 5 MB) is
# refused before it is parsed: parsing it alone would cost 130 MB. The count takes in brackets
# inside text too, which real exports have only in a few titles; the slack covers those and
# small files.
BYTES_PER_CONTAINER = 16
CONTAINER_SLACK = 1000
# Imported moments lie in the plausible window (study.expressions, PLAUSIBLE_FROM to
# PLAUSIBLE_UNTIL), in UTC: anything outside cannot be real history, and the databases store
# moments Python cannot read back. What happened lies before now plus this margin:
HAPPENED_MARGIN = dt.timedelta(days=1)  # answers, starts, submissions: clocks drift, not days
SETTINGS_FIELDS = (
    "desired_retention",
    "new_cards_per_day",
    "max_reviews_per_day",
    "time_zone",
    "card_language",
)
# Settings added after the format's first files: exported, and taken when a file has them; a file
# without them keeps the account's own values.
LATER_SETTINGS_FIELDS = ("exam_date", "study_minutes_per_day")
SMALL_INT_MAX = 32767  # PositiveSmallIntegerField on every backend
INT_MAX = 2147483647  # PositiveIntegerField
_DRY_RUN = scheduling.build_scheduler(0.9, fuzzing=False)


class DataImportError(Exception):
    """An import refused as a whole; `messages` say why, in words a learner can act on."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class ImportCounts:
    review_states: int
    attempts: int
    exams: int
    suspensions: int = 0


# --- Export ---


def _iso(value: dt.datetime | None) -> str | None:
    # isoformat keeps the microseconds (DjangoJSONEncoder would cut them to milliseconds), so an
    # imported history reproduces the same figures to the microsecond.
    return value.isoformat() if value is not None else None


def _answer_orders(question_ids: Any) -> dict[int, int]:
    """Answer id -> its order within its question, for the answers of these questions."""
    return dict(Answer.objects.filter(question_id__in=question_ids).values_list("pk", "order"))


def _orders(answer_ids: list[int] | None, orders: dict[int, int]) -> list[int]:
    # An answer deleted since (content edited) cannot be named in another database: left out.
    return [orders[pk] for pk in answer_ids or [] if pk in orders]


STATE_FIELDS = (*scheduling.CARD_FIELDS, "first_review", "reps", "lapses")
EXAM_FIELDS = (
    "scope",
    "title",
    "question_count",
    "timed",
    "started_at",
    "deadline",
    "submitted_at",
    "raw_score",
    "scaled_score",
)
ITEM_FIELDS = ("position", "answered_at", "flagged", "correct")
ATTEMPT_FIELDS = (
    "mode",
    "rescheduled",
    "correct",
    "rating",
    "reviewed_at",
    "duration_ms",
    "state_before",
    "due_before",
    "due_after",
)


def _plain(row: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """The named columns of a values() row, times as ISO 8601 text."""
    return {
        name: _iso(row[name]) if isinstance(row[name], dt.datetime) else row[name]
        for name in fields
    }


def history_export(*, user: User, now: dt.datetime) -> dict[str, Any]:
    """The learner's settings, card states, exams and every attempt, as JSON-ready data.

    Rows holding a moment no page can read back (year 0, year 10000: written outside the
    services) are left out, so the download still works and the rest can be imported again.
    """
    states = ReviewState.objects.filter(READABLE_STATE, user=user).order_by("question__key")
    attempts = Attempt.objects.filter(READABLE_ATTEMPT, user=user).order_by("reviewed_at", "pk")
    exams = Exam.objects.filter(READABLE_EXAM, user=user).order_by("started_at", "pk")
    items = ExamItem.objects.filter(READABLE_ITEM, exam__in=exams).order_by("exam_id", "position")
    orders = _answer_orders(
        Question.objects.filter(
            Q(pk__in=attempts.values("question_id")) | Q(pk__in=items.values("question_id"))
        ).values("pk")
    )

    exam_rows = list(
        exams.values(
            "pk",
            "deck__slug",
            "topic__slug",
            "domain__number",
            "task_statement__code",
            *EXAM_FIELDS,
        )
    )
    exam_index = {row["pk"]: i for i, row in enumerate(exam_rows)}
    items_by_exam: dict[int, list[dict[str, Any]]] = {row["pk"]: [] for row in exam_rows}
    item_ref: dict[int, dict[str, int]] = {}
    for item in items.values(
        "pk", "exam_id", "question__key", "option_order", "chosen_answer_ids", *ITEM_FIELDS
    ):
        items_by_exam[item["exam_id"]].append(
            {
                "question": item["question__key"],
                "option_order": _orders(item["option_order"], orders),
                "chosen_answers": _orders(item["chosen_answer_ids"], orders),
                **_plain(item, ITEM_FIELDS),
            }
        )
        item_ref[item["pk"]] = {"exam": exam_index[item["exam_id"]], "position": item["position"]}

    notebooks = Notebook.objects.filter(owner=user).order_by("created", "pk")
    versions: dict[int, list[dict[str, Any]]] = {notebook.pk: [] for notebook in notebooks}
    for version in NotebookVersion.objects.filter(notebook__owner=user).order_by(
        "notebook_id", "number"
    ):
        versions[version.notebook_id].append(
            {"number": version.number, "created": _iso(version.created), "text": version.text}
        )

    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _iso(now),
        "account": {"email": user.email, "display_name": user.display_name},
        "settings": {
            "desired_retention": str(user.desired_retention),
            "new_cards_per_day": user.new_cards_per_day,
            "max_reviews_per_day": user.max_reviews_per_day,
            "time_zone": user.time_zone,
            "card_language": user.card_language,
            "ui_language": user.ui_language,
            "exam_date": user.exam_date.isoformat() if user.exam_date else None,
            "study_minutes_per_day": user.study_minutes_per_day,
        },
        "review_states": [
            {"question": row["question__key"], **_plain(row, STATE_FIELDS)}
            for row in states.values("question__key", *STATE_FIELDS)
        ],
        "exams": [
            {
                "deck": row["deck__slug"],
                "topic": row["topic__slug"],
                # The exam's domain by number and task statement by code, as the guide names
                # them: ids mean nothing in another database.
                "domain": row["domain__number"],
                "task_statement": row["task_statement__code"],
                **_plain(row, EXAM_FIELDS),
                "items": items_by_exam[row["pk"]],
            }
            for row in exam_rows
        ],
        "attempts": [
            {
                "question": row["question__key"],
                "chosen_answers": _orders(row["chosen_answer_ids"], orders),
                **_plain(row, ATTEMPT_FIELDS),
                # The card id inside is this database's question id: meaningless elsewhere.
                "card_before": (
                    {k: v for k, v in row["card_before"].items() if k != "card_id"}
                    if isinstance(row["card_before"], dict)
                    else None
                ),
                "exam_item": item_ref.get(row["exam_item_id"]) if row["exam_item_id"] else None,
            }
            for row in attempts.values(
                "question__key", "chosen_answer_ids", "card_before", "exam_item_id", *ATTEMPT_FIELDS
            )
        ],
        # Cards the learner set aside: imported again, so studying skips them there too.
        "suspensions": [
            {"question": key, "suspended_at": _iso(at)}
            for key, at in Suspension.objects.filter(user=user)
            .order_by("created_at", "pk")
            .values_list("question__key", "created_at")
        ],
        # What the learner told this site's admins about its cards: theirs to keep, but not
        # imported (the admins of another site did not receive them).
        "card_reports": [
            {
                "question": row["question__key"],
                "reason": row["reason"],
                "text": row["text"],
                "reported_at": _iso(row["created_at"]),
                "resolved": row["resolved"],
            }
            for row in CardReport.objects.filter(reporter=user)
            .order_by("created_at", "pk")
            .values("question__key", "reason", "text", "created_at", "resolved")
        ],
        # Every version's Markdown as uploaded: an import replays them, which rebuilds the same
        # cards; their keys differ only by the prefix, named here.
        "notebooks": [
            {
                "key_prefix": f"nb{notebook.pk}",
                "title": notebook.title,
                "created": _iso(notebook.created),
                "versions": versions[notebook.pk],
            }
            for notebook in notebooks
        ],
    }


CSV_COLUMNS = (
    "reviewed_at",
    "question",
    "task_statement",
    "topic",
    "prompt",
    "mode",
    "practice",
    "correct",
    "rating",
    "rating_name",
    "answers_chosen",
    "duration_ms",
    "state_before",
    "due_after",
)


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def attempts_csv(*, user: User) -> Iterator[str]:
    """Every attempt of the learner as CSV lines, oldest first, starting with a UTF-8 BOM.

    The byte-order mark makes spreadsheet programs read the file as UTF-8, so Korean prompts
    and topic names open correctly. Times are in the learner's own time zone.
    """
    zone = user_zone(user)
    attempts = Attempt.objects.filter(READABLE_ATTEMPT, user=user).order_by("reviewed_at", "pk")
    orders = _answer_orders(attempts.values("question_id"))
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow(CSV_COLUMNS)
    # The task statement the question tests: its own, else its topic's (blank when unplaced).
    rows = attempts.annotate(
        statement=Coalesce(
            "question__task_statement__code", "question__topic__task_statement__code", Value("")
        )
    ).values_list(
        "reviewed_at",
        "question__key",
        "statement",
        "question__topic__name",
        "question__prompt",
        "mode",
        "rescheduled",
        "correct",
        "rating",
        "chosen_answer_ids",
        "duration_ms",
        "state_before",
        "due_after",
    )
    for (
        reviewed_at,
        key,
        statement,
        topic,
        prompt,
        mode,
        rescheduled,
        correct,
        rating,
        chosen,
        duration_ms,
        state_before,
        due_after,
    ) in rows.iterator(chunk_size=2000):
        # Every cell through the guard, not just the ones that look risky today: the key,
        # topic and prompt are written in the admin, and labels come from translations.
        yield writer.writerow(
            [
                csv_safe(cell)
                for cell in (
                    reviewed_at.astimezone(zone).isoformat(),
                    key,
                    statement,
                    topic,
                    prompt,
                    mode,
                    int(not rescheduled),
                    int(correct),
                    rating,
                    str(Rating(rating).label),
                    " ".join(str(order) for order in _orders(chosen, orders)),
                    "" if duration_ms is None else duration_ms,
                    "" if state_before is None else str(CardState(state_before).label),
                    "" if due_after is None else due_after.astimezone(zone).isoformat(),
                )
            ]
        )


# --- Import: reading the file ---


def history_load(raw: bytes) -> Any:
    """The JSON document of an uploaded export; DataImportError if it is not JSON, or if it
    holds more objects and lists than an export of its size can, which is refused before
    parsing (bytes.count runs in C, a few milliseconds for 5 MB)."""
    containers = raw.count(b"{") + raw.count(b"[")
    if containers > len(raw) // BYTES_PER_CONTAINER + CONTAINER_SLACK:
        raise DataImportError(
            [
                _(
                    "The file holds far more records than a saaprep export of its size can. "
                    "Nothing was imported."
                )
            ]
        )
    try:
        # utf-8-sig: a file saved by an editor that adds a byte-order mark still loads.
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise DataImportError([_("The file is not valid JSON.")]) from error


# --- Import: validation ---


class _Invalid(Exception):
    """One field's value is wrong; the message says what was expected."""


def _int(low: int, high: int, *, null: bool = False) -> Callable[[Any], int | None]:
    def check(value: Any) -> int | None:
        if value is None and null:
            return None
        # bool is an int subclass in Python, but true is not a count.
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _Invalid(
                _("must be a whole number from %(low)d to %(high)d") % {"low": low, "high": high}
            )
        return value

    return check


def _choice(values: list[Any], *, null: bool = False) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value is None and null:
            return None
        if isinstance(value, bool) or value not in values:
            raise _Invalid(
                _("must be one of: %(values)s") % {"values": ", ".join(str(v) for v in values)}
            )
        return value

    return check


def _bool(*, null: bool = False) -> Callable[[Any], bool | None]:
    def check(value: Any) -> bool | None:
        if value is None and null:
            return None
        if not isinstance(value, bool):
            raise _Invalid(_("must be true or false"))
        return value

    return check


def _float(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _Invalid(_("must be a number"))
    return float(value)


def _positive(value: Any) -> float | None:
    number = _float(value)
    if number is not None and number <= 0:
        raise _Invalid(_("must be a number above 0"))
    return number


def _storable(text: str) -> bool:
    """Whether a database can store this text: PostgreSQL refuses NUL characters, and UTF-8
    cannot carry the lone surrogates a JSON escape such as "\\ud800" decodes to."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _text(max_length: int, *, null: bool = False) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if value is None and null:
            return None
        if not isinstance(value, str) or len(value) > max_length or not _storable(value):
            raise _Invalid(
                _("must be text of at most %(n)d characters") % {"n": max_length},
            )
        return value

    return check


class _Moment:
    """An ISO 8601 date and time with its offset, converted to UTC and inside the window of
    plausible moments: from 2000 to the end of 2100 here (due dates), and for a moment that
    `happened` (an answer, a start, a submission) no later than now + 1 day, which the reader
    checks, since it knows when now is."""

    def __init__(self, *, null: bool = False, happened: bool = True) -> None:
        self.null = null
        self.happened = happened

    def __call__(self, value: Any) -> dt.datetime | None:
        if value is None and self.null:
            return None
        try:
            moment = dt.datetime.fromisoformat(value)
        except (TypeError, ValueError):
            moment = None
        if moment is None or moment.tzinfo is None:
            raise _Invalid(_("must be a date and time with its UTC offset (ISO 8601)"))
        try:
            moment = moment.astimezone(dt.UTC)
        except OverflowError:  # 0001-01-01T00:00:00+14:00 is in year 0 in UTC
            moment = PLAUSIBLE_FROM - dt.timedelta(days=1)
        return _within(moment, PLAUSIBLE_UNTIL)


def _within(moment: dt.datetime, end: dt.datetime) -> dt.datetime:
    if not PLAUSIBLE_FROM <= moment < end:
        raise _Invalid(
            _("must be a moment from %(start)s to %(end)s (UTC)")
            % {
                "start": PLAUSIBLE_FROM.date().isoformat(),
                "end": (end - dt.timedelta(microseconds=1)).date().isoformat(),
            }
        )
    return moment


def _orders_list(value: Any) -> list[int]:
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= SMALL_INT_MAX for v in value
    ):
        raise _Invalid(_("must be a list of answer numbers"))
    return value


def _question_key(value: Any) -> str:
    if not isinstance(value, str) or not value or not _storable(value):
        raise _Invalid(_("must be a question key"))
    return value


# The FSRS card's fields (scheduling.CARD_FIELDS), in a card state and in a saved card
# (Attempt.card_before) alike: fsrs.Card.from_dict takes NaN, lists or text for numbers, which
# PostgreSQL's JSON refuses or re-grading trips on.
CARD_CHECKS: dict[str, Callable[[Any], Any]] = {
    "state": _choice(CardState.values),
    "step": _int(0, SMALL_INT_MAX, null=True),
    "stability": _positive,
    "difficulty": _positive,
    "due": _Moment(happened=False),
    "last_review": _Moment(null=True),
}


def _card(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not CARD_CHECKS.keys() <= value.keys():
        raise _Invalid(_("must be a saved FSRS card"))
    try:
        fields = {name: check(value[name]) for name, check in CARD_CHECKS.items()}
    except _Invalid as error:
        raise _Invalid(_("must be a saved FSRS card")) from error
    if not _schedulable(fields):
        raise _Invalid(_("must be a saved FSRS card"))
    # What was understood, not what was sent: extra keys could carry text no database stores.
    return scheduling.card_to_dict(scheduling.card_from_fields(card_id=0, **fields))


class _Reader:
    """Checks records field by field, collecting problems with where they are, and stopping at
    the first one past MAX_ERRORS_SHOWN: a hostile file must not cost a message per record."""

    def __init__(self, *, now: dt.datetime) -> None:
        self.errors: list[str] = []
        self.latest = now + HAPPENED_MARGIN

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")
        if len(self.errors) > MAX_ERRORS_SHOWN:
            # The rest of the file is never checked: its problems are not even counted.
            raise DataImportError([*self.errors[:MAX_ERRORS_SHOWN], _("… and more problems.")])

    def refuse_if_any(self) -> None:
        if self.errors:
            raise DataImportError(self.errors)

    def record(self, value: Any, path: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.error(path, _("must be an object"))
            return None
        return value

    def records(self, document: dict[str, Any], name: str) -> Iterator[tuple[str, dict[str, Any]]]:
        value = document.get(name)
        if not isinstance(value, list):
            self.error(name, _("must be a list"))
            return
        for i, entry in enumerate(value):
            record = self.record(entry, f"{name}[{i}]")
            if record is not None:
                yield f"{name}[{i}]", record

    def read(
        self, record: dict[str, Any], path: str, checks: dict[str, Callable[[Any], Any]]
    ) -> dict[str, Any]:
        clean: dict[str, Any] = {}
        for name, check in checks.items():
            if name not in record:
                self.error(f"{path}.{name}", _("is missing"))
                continue
            try:
                value = check(record[name])
                if isinstance(check, _Moment) and check.happened and value is not None:
                    _within(value, self.latest)
            except _Invalid as problem:
                self.error(f"{path}.{name}", str(problem))
            else:
                clean[name] = value
        return clean


STATE_CHECKS: dict[str, Callable[[Any], Any]] = {
    "question": _question_key,
    **CARD_CHECKS,
    "first_review": _Moment(),
    "reps": _int(0, INT_MAX),
    "lapses": _int(0, INT_MAX),
}
ATTEMPT_CHECKS: dict[str, Callable[[Any], Any]] = {
    "question": _question_key,
    "mode": _choice(Mode.values),
    "rescheduled": _bool(),
    "chosen_answers": _orders_list,
    "correct": _bool(),
    "rating": _choice(Rating.values),
    "reviewed_at": _Moment(),
    "duration_ms": _int(0, MAX_DURATION_MS, null=True),
    "state_before": _choice(CardState.values, null=True),
    "due_before": _Moment(null=True, happened=False),
    "due_after": _Moment(null=True, happened=False),
    "card_before": _card,
}
EXAM_CHECKS: dict[str, Callable[[Any], Any]] = {
    "scope": _choice(ExamScope.values),
    "deck": _text(80, null=True),
    "topic": _text(80, null=True),
    "title": _text(200),
    "question_count": _int(1, SMALL_INT_MAX),
    "timed": _bool(),
    "started_at": _Moment(),
    "deadline": _Moment(null=True, happened=False),
    "submitted_at": _Moment(null=True),
    "raw_score": _int(0, SMALL_INT_MAX, null=True),
    "scaled_score": _int(100, 1000, null=True),
}
# Absent from exports made before exams could cover a domain or a task statement.
EXAM_OPTIONAL_CHECKS: dict[str, Callable[[Any], Any]] = {
    "domain": _int(1, SMALL_INT_MAX, null=True),
    "task_statement": _text(10, null=True),
}
ITEM_CHECKS: dict[str, Callable[[Any], Any]] = {
    "question": _question_key,
    "position": _int(1, SMALL_INT_MAX),
    "option_order": _orders_list,
    "chosen_answers": _orders_list,
    "answered_at": _Moment(null=True),
    "flagged": _bool(),
    "correct": _bool(null=True),
}


NOTEBOOK_CHECKS: dict[str, Callable[[Any], Any]] = {
    "key_prefix": _text(24),
    "title": _text(120),
    "created": _Moment(),
    "versions": lambda value: value,  # read record by record below
}
VERSION_CHECKS: dict[str, Callable[[Any], Any]] = {
    "number": _int(1, INT_MAX),
    "created": _Moment(),
    "text": _text(MAX_IMPORT_BYTES),
}
KEY_PREFIX_RE = re.compile(r"nb[0-9]{1,18}")


@dataclass
class _Parsed:
    settings: dict[str, Any]
    states: list[tuple[str, dict[str, Any]]]
    exams: list[tuple[str, dict[str, Any], list[tuple[str, dict[str, Any]]]]]
    attempts: list[tuple[str, dict[str, Any], tuple[int, int] | None]]
    suspensions: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    notebooks: list[tuple[dict[str, Any], list[dict[str, Any]]]] = field(default_factory=list)


def _parse_notebooks(
    reader: _Reader, document: dict[str, Any]
) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """The notebooks of the file (absent from exports made before notebooks): each with its
    versions, numbered 1, 2, ... in order, each text a notebook the site would take."""
    if "notebooks" not in document:
        return []
    found: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    prefixes: set[str] = set()
    for path, record in reader.records(document, "notebooks"):
        if len(found) >= settings.NOTEBOOK_MAX_PER_USER:
            reader.error("notebooks", _("holds more notebooks than one learner may keep"))
            break
        notebook = reader.read(record, path, NOTEBOOK_CHECKS)
        prefix = notebook.get("key_prefix")
        if prefix is not None and (not KEY_PREFIX_RE.fullmatch(prefix) or prefix in prefixes):
            reader.error(f"{path}.key_prefix", _("must be nb and a number, once per notebook"))
        prefixes.add(prefix or "")
        versions = []
        raw = record.get("versions")
        if not isinstance(raw, list) or not raw or len(raw) > MAX_NOTEBOOK_VERSIONS:
            reader.error(
                f"{path}.versions",
                _("must be a list of 1 to %(n)d versions") % {"n": MAX_NOTEBOOK_VERSIONS},
            )
            raw = []
        for i, entry in enumerate(raw):
            where = f"{path}.versions[{i}]"
            value = reader.record(entry, where)
            if value is None:
                continue
            version = reader.read(value, where, VERSION_CHECKS)
            if "number" in version and version["number"] != i + 1:
                reader.error(f"{where}.number", _("must be %(n)d") % {"n": i + 1})
            if "text" in version:
                try:
                    notes_text(version["text"].encode("utf-8"))
                except NotebookRefused as refused:
                    reader.error(f"{where}.text", refused.message)
            versions.append(version)
        found.append((notebook, versions))
    return found


def _parse_settings(reader: _Reader, document: dict[str, Any]) -> dict[str, Any]:
    record = reader.record(document.get("settings"), "settings")
    if record is None:
        return {}
    clean = {
        name: record[name] for name in (*SETTINGS_FIELDS, *LATER_SETTINGS_FIELDS) if name in record
    }
    for name in SETTINGS_FIELDS:
        if name not in record:
            reader.error(f"settings.{name}", _("is missing"))
    language = record.get("ui_language", "")
    if language not in ("", *(code for code, _name in settings.LANGUAGES)):
        reader.error("settings.ui_language", _("is not a language of this site"))
    else:
        clean["ui_language"] = language
    return clean


def _parse_exams(
    reader: _Reader, document: dict[str, Any]
) -> list[tuple[str, dict[str, Any], list[tuple[str, dict[str, Any]]]]]:
    exams = []
    for path, record in reader.records(document, "exams"):
        exam = reader.read(record, path, EXAM_CHECKS)
        optional = {name: check for name, check in EXAM_OPTIONAL_CHECKS.items() if name in record}
        exam |= {"domain": None, "task_statement": None} | reader.read(record, path, optional)
        if (
            "timed" in exam
            and "deadline" in exam
            and exam["timed"] != (exam["deadline"] is not None)
        ):
            reader.error(path, _("a timed exam has a deadline and an untimed one has none"))
        items = []
        positions: set[int] = set()
        keys: set[str] = set()
        raw_items = record.get("items")
        if not isinstance(raw_items, list):
            reader.error(f"{path}.items", _("must be a list"))
            raw_items = []
        for i, entry in enumerate(raw_items):
            item_path = f"{path}.items[{i}]"
            item_record = reader.record(entry, item_path)
            if item_record is None:
                continue
            item = reader.read(item_record, item_path, ITEM_CHECKS)
            if item.get("position") in positions:
                reader.error(f"{item_path}.position", _("appears twice in this exam"))
            if item.get("question") in keys:
                reader.error(f"{item_path}.question", _("appears twice in this exam"))
            positions.add(item.get("position", -1))
            keys.add(item.get("question", ""))
            items.append((item_path, item))
        _check_exam(reader, path, exam, items)
        exams.append((path, exam, items))
    return exams


def _check_exam(
    reader: _Reader,
    path: str,
    exam: dict[str, Any],
    items: list[tuple[str, dict[str, Any]]],
) -> None:
    """What every exam the site records satisfies: its items fit its question count, its
    answers come between its start and its submission, and correct <= answered <= total."""
    count = exam.get("question_count")
    started = exam.get("started_at")
    submitted = exam.get("submitted_at")
    deadline = exam.get("deadline")
    if count is not None and len(items) > count:
        reader.error(f"{path}.items", _("has more questions than question_count"))
    if started is not None and submitted is not None and submitted < started:
        reader.error(f"{path}.submitted_at", _("is before the exam started"))
    if started is not None and deadline is not None and deadline < started:
        reader.error(f"{path}.deadline", _("is before the exam started"))
    answered = 0
    for item_path, item in items:
        if count is not None and item.get("position", 1) > count:
            reader.error(f"{item_path}.position", _("is past the exam's last question"))
        answered_at = item.get("answered_at")
        if answered_at is None:
            continue
        answered += 1
        if started is not None and answered_at < started:
            reader.error(f"{item_path}.answered_at", _("is before the exam started"))
        if submitted is not None and answered_at > submitted:
            reader.error(f"{item_path}.answered_at", _("is after the exam was submitted"))
    raw_score = exam.get("raw_score")
    if raw_score is not None and raw_score > answered:
        reader.error(
            f"{path}.raw_score",
            _("is more than the questions answered (%(n)d)") % {"n": answered},
        )


def _parse_attempts(
    reader: _Reader,
    document: dict[str, Any],
    exams: list[tuple[str, dict[str, Any], list[tuple[str, dict[str, Any]]]]],
) -> list[tuple[str, dict[str, Any], tuple[int, int] | None]]:
    positions = [{item.get("position") for _path, item in items} for _p, _e, items in exams]
    linked: set[tuple[int, int]] = set()
    attempts = []
    for path, record in reader.records(document, "attempts"):
        attempt = reader.read(record, path, ATTEMPT_CHECKS)
        link = record.get("exam_item")
        ref: tuple[int, int] | None = None
        if link is not None:
            exam = link.get("exam") if isinstance(link, dict) else None
            position = link.get("position") if isinstance(link, dict) else None
            if (
                isinstance(exam, int)
                and not isinstance(exam, bool)
                and 0 <= exam < len(exams)
                and isinstance(position, int)
                and position in positions[exam]
            ):
                ref = (exam, position)
                if ref in linked:
                    reader.error(f"{path}.exam_item", _("is already linked to another attempt"))
                linked.add(ref)
            else:
                reader.error(f"{path}.exam_item", _("does not name a question of an exam above"))
        attempts.append((path, attempt, ref))
    return attempts


def _schedulable(state: dict[str, Any]) -> bool:
    """Whether the scheduler can review this card: an imported state must not break studying."""
    try:
        card = scheduling.card_from_fields(
            card_id=0, **{name: state[name] for name in scheduling.CARD_FIELDS}
        )
        scheduling.review(card, Rating.GOOD, now=state["due"], scheduler=_DRY_RUN)
    # fsrs asserts its own invariants; any of these means the card cannot be studied.
    except (AssertionError, ArithmeticError, IndexError, KeyError, TypeError, ValueError):
        return False
    return True


# Absent from exports made before cards could be suspended: an empty list then.
SUSPENSION_CHECKS: dict[str, Callable[[Any], Any]] = {
    "question": _question_key,
    "suspended_at": _Moment(),
}


def _parse_suspensions(
    reader: _Reader, document: dict[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    if "suspensions" not in document:
        return []
    suspensions = []
    seen: set[str] = set()
    for path, record in reader.records(document, "suspensions"):
        suspension = reader.read(record, path, SUSPENSION_CHECKS)
        if suspension.get("question") in seen:
            reader.error(f"{path}.question", _("appears twice"))
        seen.add(suspension.get("question", ""))
        suspensions.append((path, suspension))
    return suspensions


def _min_record_bytes(fields: Iterable[str]) -> int:
    """The shortest a record with these fields can be as JSON: its names, one-digit values."""
    return len(json.dumps(dict.fromkeys(fields, 0), separators=(",", ":")))


# How many records of each kind a file of at most MAX_IMPORT_BYTES can hold: a cap checked on
# the lists' lengths before any record is read.
MAX_RECORDS = {
    "review_states": MAX_IMPORT_BYTES // _min_record_bytes(STATE_CHECKS),
    "suspensions": MAX_IMPORT_BYTES // _min_record_bytes(SUSPENSION_CHECKS),
    "exams": MAX_IMPORT_BYTES // _min_record_bytes([*EXAM_CHECKS, "items"]),
    "attempts": MAX_IMPORT_BYTES // _min_record_bytes(ATTEMPT_CHECKS),
}
MAX_EXAM_ITEMS = MAX_IMPORT_BYTES // _min_record_bytes(ITEM_CHECKS)


def _check_sizes(document: dict[str, Any]) -> None:
    """Refuse lists longer than a real export can hold, before reading a single record."""
    problems = []
    lengths = {
        name: len(value) for name in MAX_RECORDS if isinstance(value := document.get(name), list)
    }
    exams = document.get("exams")
    if isinstance(exams, list) and lengths["exams"] <= MAX_RECORDS["exams"]:
        lengths["exams[].items"] = sum(
            len(exam["items"])
            for exam in exams
            if isinstance(exam, dict) and isinstance(exam.get("items"), list)
        )
    caps = {**MAX_RECORDS, "exams[].items": MAX_EXAM_ITEMS}
    for name, length in lengths.items():
        if length > caps[name]:
            problems.append(
                f"{name}: "
                + _(
                    "%(found)d records, more than an export of at most 5 MB can hold (%(n)d). "
                    "Nothing was checked further."
                )
                % {"found": length, "n": caps[name]}
            )
    if problems:
        raise DataImportError(problems)


def _parse(document: Any, *, now: dt.datetime) -> _Parsed:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise DataImportError([_("This is not a saaprep data export.")])
    if document.get("version") != VERSION:
        raise DataImportError([_("This export comes from a version of saaprep we cannot read.")])
    _check_sizes(document)
    reader = _Reader(now=now)
    settings_data = _parse_settings(reader, document)
    states = [
        (path, reader.read(record, path, STATE_CHECKS))
        for path, record in reader.records(document, "review_states")
    ]
    seen: set[str] = set()
    for path, state in states:
        if state.get("question") in seen:
            reader.error(f"{path}.question", _("has two card states"))
        seen.add(state.get("question", ""))
        if len(state) == len(STATE_CHECKS) and not _schedulable(state):
            reader.error(path, _("is not a card state the scheduler can use"))
    exams = _parse_exams(reader, document)
    attempts = _parse_attempts(reader, document, exams)
    suspensions = _parse_suspensions(reader, document)
    notebooks = _parse_notebooks(reader, document)
    reader.refuse_if_any()
    return _Parsed(
        settings=settings_data,
        states=states,
        exams=exams,
        attempts=attempts,
        suspensions=suspensions,
        notebooks=notebooks,
    )


def _question_keys(parsed: _Parsed) -> set[str]:
    keys = {state["question"] for _path, state in parsed.states}
    keys |= {attempt["question"] for _path, attempt, _ref in parsed.attempts}
    keys |= {item["question"] for _p, _e, items in parsed.exams for _path, item in items}
    keys |= {suspension["question"] for _path, suspension in parsed.suspensions}
    return keys


def _settings_form(user: User, values: dict[str, Any]) -> SettingsForm:
    """The settings page's own form checks imported settings: same bounds, same messages."""
    data = {name: values.get(name) for name in SETTINGS_FIELDS}
    data["exam_date"] = values.get("exam_date", user.exam_date and user.exam_date.isoformat())
    data["study_minutes_per_day"] = values.get("study_minutes_per_day", user.study_minutes_per_day)
    return SettingsForm(data={**data, "display_name": user.display_name}, instance=user)


# --- Import: writing ---


def _has_history(user: User) -> bool:
    return (
        ReviewState.objects.filter(user=user).exists()
        or Attempt.objects.filter(user=user).exists()
        or Exam.objects.filter(user=user).exists()
        or Notebook.objects.filter(owner=user).exists()
    )


def _notebooks_restore(*, user: User, parsed: _Parsed) -> None:
    """Replay each notebook's versions, as they were uploaded: the same compiler and matching
    give the same cards, under this account's own notebook prefix. The file's card keys are
    then renamed to them, so its states, answers and exams find their cards."""
    renamed: dict[str, str] = {}
    for notebook_data, versions in parsed.notebooks:
        first, *later = versions
        try:
            notebook = card_services.notebook_create(
                user=user, title=notebook_data["title"], text=first["text"], now=first["created"]
            )
            for version in later:
                card_services.notebook_revise(
                    notebook=notebook, text=version["text"], now=version["created"]
                )
        except NotebookRefused as refused:
            raise DataImportError([f"{notebook_data['title']}: {refused.message}"]) from refused
        Notebook.objects.filter(pk=notebook.pk).update(created=notebook_data["created"])
        renamed[notebook_data["key_prefix"]] = f"nb{notebook.pk}"
    if not renamed:
        return

    def rename(value: str | None) -> str | None:
        if value is None:
            return None
        head, dash, rest = value.partition("-")
        return renamed[head] + dash + rest if head in renamed else value

    for _path, state in parsed.states:
        state["question"] = rename(state["question"])
    for _path, attempt, _ref in parsed.attempts:
        attempt["question"] = rename(attempt["question"])
    for _path, exam, items in parsed.exams:
        exam["deck"] = rename(exam.get("deck"))
        exam["topic"] = rename(exam.get("topic"))
        for _item_path, item in items:
            item["question"] = rename(item["question"])
    for _path, suspension in parsed.suspensions:
        suspension["question"] = rename(suspension["question"])


def _write(*, user: User, parsed: _Parsed, now: dt.datetime) -> ImportCounts:
    keys = _question_keys(parsed)
    # Only questions the learner may see: an import must not reach into someone's notebook.
    question_ids = dict(
        Question.objects.visible_to(user).filter(key__in=keys).values_list("key", "pk")
    )
    unknown = sorted(keys - question_ids.keys())
    if unknown:
        shown = ", ".join(unknown[:MAX_ERRORS_SHOWN])
        if len(unknown) > MAX_ERRORS_SHOWN:
            shown += " …"
        raise DataImportError(
            [
                _("These questions do not exist on this site (%(n)d): %(keys)s")
                % {"n": len(unknown), "keys": shown}
            ]
        )
    answer_ids = {
        (question_id, order): pk
        for question_id, order, pk in Answer.objects.filter(
            question_id__in=question_ids.values()
        ).values_list("question_id", "order", "pk")
    }
    reader = _Reader(now=now)

    def ids(key: str, orders: list[int], path: str) -> list[int]:
        question_id = question_ids[key]
        missing = [order for order in orders if (question_id, order) not in answer_ids]
        if missing:
            reader.error(
                path,
                _("question %(key)s has no answer numbered %(orders)s")
                % {"key": key, "orders": ", ".join(str(o) for o in missing)},
            )
            return []
        return [answer_ids[(question_id, order)] for order in orders]

    form = _settings_form(user, parsed.settings)
    for name, messages in form.errors.items():
        for message in messages:
            reader.error(f"settings.{name}", str(message))

    deck_slugs = {exam.get("deck") for _p, exam, _i in parsed.exams} - {None}
    topic_slugs = {exam.get("topic") for _p, exam, _i in parsed.exams} - {None}
    # Only decks the learner may see: an import must not link to someone's private deck.
    decks = dict(
        Deck.objects.visible_to(user).filter(slug__in=deck_slugs).values_list("slug", "pk")
    )
    topics = dict(
        Topic.objects.visible_to(user).filter(slug__in=topic_slugs).values_list("slug", "pk")
    )
    # Domains by number and task statements by code, in the exam the site prepares for.
    certification = Certification.objects.current()
    domains = dict(Domain.objects.filter(certification=certification).values_list("number", "pk"))
    statements = dict(
        TaskStatement.objects.filter(domain__certification=certification).values_list("code", "pk")
    )
    # An exam on "the whole domain" from an older export: the domain its questions come from,
    # as the migration that introduced domains decided for the exams in the database.
    item_domains = dict(
        Question.objects.filter(pk__in=question_ids.values()).values_list("pk", "topic__domain_id")
    )

    states = [
        ReviewState(
            user=user,
            question_id=question_ids[state["question"]],
            **{name: state[name] for name in STATE_CHECKS if name != "question"},
        )
        for _path, state in parsed.states
    ]
    exams: list[tuple[Exam, list[ExamItem]]] = []
    for _path, exam, exam_items in parsed.exams:
        domain_id = domains.get(exam["domain"])
        if exam["scope"] == ExamScope.DOMAIN and domain_id is None:
            found = Counter(item_domains[question_ids[item["question"]]] for _p, item in exam_items)
            domain_id = min(found, key=lambda pk: (-found[pk], pk)) if found else None
        exams.append(
            (
                Exam(
                    user=user,
                    deck_id=decks.get(exam["deck"]),
                    topic_id=topics.get(exam["topic"]),
                    domain_id=domain_id,
                    task_statement_id=statements.get(exam["task_statement"]),
                    **{
                        k: v
                        for k, v in exam.items()
                        if k not in ("deck", "topic", "domain", "task_statement")
                    },
                ),
                [
                    ExamItem(
                        question_id=question_ids[item["question"]],
                        position=item["position"],
                        option_order=ids(item["question"], item["option_order"], path),
                        chosen_answer_ids=ids(item["question"], item["chosen_answers"], path),
                        answered_at=item["answered_at"],
                        flagged=item["flagged"],
                        correct=item["correct"],
                    )
                    for path, item in exam_items
                ],
            )
        )
    attempts: list[tuple[Attempt, tuple[int, int] | None]] = []
    for path, attempt, ref in parsed.attempts:
        question_id = question_ids[attempt["question"]]
        card = attempt["card_before"]
        attempts.append(
            (
                Attempt(
                    user=user,
                    question_id=question_id,
                    chosen_answer_ids=ids(attempt["question"], attempt["chosen_answers"], path),
                    card_before={**card, "card_id": question_id} if card is not None else None,
                    **{
                        name: attempt[name]
                        for name in ATTEMPT_CHECKS
                        if name not in ("question", "chosen_answers", "card_before")
                    },
                ),
                ref,
            )
        )
    reader.refuse_if_any()

    form.save(commit=False)
    user.ui_language = parsed.settings.get("ui_language", user.ui_language)
    user.save(update_fields=[*SETTINGS_FIELDS, *LATER_SETTINGS_FIELDS, "ui_language"])
    ReviewState.objects.bulk_create(states, batch_size=500)
    new_items: list[ExamItem] = []
    for new_exam, its_items in exams:
        new_exam.save()
        for new_item in its_items:
            new_item.exam = new_exam
        new_items += its_items
    ExamItem.objects.bulk_create(new_items, batch_size=500)
    item_ids = {
        (exam_id, position): pk
        for exam_id, position, pk in ExamItem.objects.filter(exam__user=user).values_list(
            "exam_id", "position", "pk"
        )
    }
    for attempt_row, ref in attempts:
        if ref is not None:
            attempt_row.exam_item_id = item_ids[(exams[ref[0]][0].pk, ref[1])]
    Attempt.objects.bulk_create([row for row, _ref in attempts], batch_size=500)
    # Suspensions are not history: a fresh account may have set the same card aside already.
    suspended = Suspension.objects.bulk_create(
        [
            Suspension(
                user=user,
                question_id=question_ids[suspension["question"]],
                created_at=suspension["suspended_at"],
            )
            for _path, suspension in parsed.suspensions
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    return ImportCounts(
        review_states=len(states),
        attempts=len(attempts),
        exams=len(exams),
        suspensions=len(suspended),
    )


def history_import(*, user: User, document: Any, now: dt.datetime) -> ImportCounts:
    """Load an export into the learner's account, which must have no history yet.

    All or nothing: the file is checked completely first, then written in one transaction; any
    problem raises DataImportError and leaves the account as it was. A moment that happened
    (an answer, an exam's start) may be at most a day after `now`.
    """
    parsed = _parse(document, now=now)
    try:
        with transaction.atomic():
            # Lock the learner's row: two imports posted at once must not both find it empty.
            locked = get_user_model().objects.select_for_update().get(pk=user.pk)
            if _has_history(locked):
                raise DataImportError(
                    [
                        _(
                            "Your account already has study history. Data can only be imported "
                            "into a fresh account."
                        )
                    ]
                )
            _notebooks_restore(user=locked, parsed=parsed)
            return _write(user=locked, parsed=parsed, now=now)
    except IntegrityError as error:
        raise DataImportError(
            [_("The file contradicts itself or this site's content; nothing was imported.")]
        ) from error
