"""Writes to the content tables that span several rows."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core import serializers
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User

from .blueprint import Blueprint
from .content import MAX_KEY, MAX_SLUG, Record, blueprint_records, sha256
from .models import (
    Answer,
    CardReport,
    Certification,
    Deck,
    Domain,
    Notebook,
    NotebookVersion,
    Question,
    QuestionOrigin,
    TaskStatement,
    Topic,
)
from .notebooks import FIRST_TOPIC_ORDER, NotebookRefused, notebook_draft

BLUEPRINT_MODELS = (Certification, Domain, TaskStatement)
# Questions compiled from the notes, as opposed to those written in the admin.
BUILT_ORIGINS = (QuestionOrigin.NOTE, QuestionOrigin.WHICH, QuestionOrigin.EXAM)


@dataclass
class SeedReport:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)  # blueprint rows, kept as the fixture
    kept: int = 0
    linked: int = 0
    retired: int = 0  # built questions retired by this seed
    unlinked: int = 0  # cards taken out of decks: retired, or a built deck no longer holds them

    def summary(self) -> str:
        made = ", ".join(f"{n} {label}" for label, n in sorted(self.created.items())) or "nothing"
        text = f"created {made}; kept {self.kept} existing; added {self.linked} cards to decks"
        if self.retired or self.unlinked:
            text += f"; retired {self.retired} cards; took {self.unlinked} cards out of decks"
        if self.updated:
            synced = ", ".join(f"{n} {label}" for label, n in sorted(self.updated.items()))
            text += f"; blueprint as in the fixture: {synced}"
        return text


def content_seed(*, fixture_path: Path) -> SeedReport:
    """Insert the content of a fixture that the database lacks; never overwrite a card.

    `loaddata` would reset every seeded card to the fixture on each start, losing edits made
    in the admin. Here an existing topic, question, answer or deck is left as it is; a new
    question comes with its answers and joins the decks the fixture puts it in. The exam
    blueprint (certification, domains, task statements) is the exam's facts, not content
    edited in the admin: it is kept equal to the fixture, so a new guide version arrives with
    the next start. One transaction: a bad fixture leaves nothing behind.

    Retirement is the build's word too: a question keeps its key and history but leaves every
    deck when the fixture marks it retired, or when it was built from the notes (origin note,
    which or exam) and the fixture no longer has it (its wording changed under a new key). A
    reviewer's notes on the cited lines are kept equal to the fixture, like the blueprint, and
    a "which service?" question leaves a built-in deck that the fixture no longer puts it in
    (such a question never sits in a deck named after its answer).
    """
    report = SeedReport()
    new_question_ids: set[int] = set()
    fixture_keys: set[str] = set()
    overlays: dict[int, tuple[bool, Any]] = {}  # question pk -> (retired, note_flags)
    builtin_which: dict[int, set[int]] = {}  # built-in deck pk -> its which-questions' pks
    with fixture_path.open(encoding="utf-8") as stream, transaction.atomic():
        # Objects are built lazily, so each natural key resolves against rows saved before it.
        for item in serializers.deserialize("json", stream, handle_forward_references=True):
            instance = item.object
            label = instance._meta.model_name or "object"
            if isinstance(instance, BLUEPRINT_MODELS):
                existed = instance.pk is not None
                item.save()
                if existed:
                    report.updated[label] += 1
                else:
                    report.created[label] += 1
                continue
            if isinstance(instance, Question):
                fixture_keys.add(instance.key)
            if instance.pk is not None:
                report.kept += 1
                if isinstance(instance, Question):
                    overlays[instance.pk] = (instance.retired, instance.note_flags)
                if isinstance(instance, Deck):
                    report.linked += _deck_link_new(instance, item.m2m_data, new_question_ids)
                    if instance.owner_id is None:
                        builtin_which[instance.pk] = set((item.m2m_data or {}).get("questions", []))
                continue
            if isinstance(instance, Answer) and instance.question_id not in new_question_ids:
                # An existing question keeps the answers it has, however they were edited.
                report.kept += 1
                continue
            linking = len((item.m2m_data or {}).get("questions", []))
            item.save()  # a new deck takes all the questions the fixture gives it
            if isinstance(instance, Deck):
                report.linked += linking
            if isinstance(instance, Question) and instance.pk is not None:
                new_question_ids.add(instance.pk)
            report.created[label] += 1
        _sync_overlays(overlays)
        report.retired += _retire_missing(fixture_keys)
        report.unlinked += _unlink_stale(builtin_which)
    return report


def _sync_overlays(overlays: Mapping[int, tuple[bool, Any]]) -> None:
    """Existing questions take the fixture's retirement and reviewer's notes."""
    for pk, (retired, flags) in overlays.items():
        Question.objects.filter(pk=pk).exclude(retired=retired, note_flags=flags).update(
            retired=retired, note_flags=flags
        )


def _retire_missing(fixture_keys: set[str]) -> int:
    """Retire the built questions the fixture no longer has; return how many."""
    # A notebook's questions are its owner's, published from the notebook, not the fixture's.
    built = Question.objects.filter(origin__in=BUILT_ORIGINS, retired=False, notebook__isnull=True)
    return built.exclude(key__in=fixture_keys).update(retired=True)


def _unlink_stale(builtin_which: Mapping[int, set[int]]) -> int:
    """Take retired questions out of every deck, and "which service?" questions out of the
    built-in decks the fixture no longer puts them in."""
    links = Deck.questions.through.objects
    removed, _by_model = links.filter(question__retired=True).delete()
    for deck_pk, wanted in builtin_which.items():
        stale = links.filter(deck_id=deck_pk, question__origin=QuestionOrigin.WHICH).exclude(
            question_id__in=wanted
        )
        count, _by_model = stale.delete()
        removed += count
    return removed


def _deck_link_new(
    deck: Deck, m2m_data: Mapping[str, Sequence[Any]] | None, new_ids: set[int]
) -> int:
    """Put the questions created by this seed into the deck; leave existing membership alone."""
    wanted = [pk for pk in (m2m_data or {}).get("questions", []) if pk in new_ids]
    if wanted:
        deck.questions.add(*wanted)
    return len(wanted)


@transaction.atomic
def blueprint_seed(*, blueprint: Blueprint) -> Certification:
    """Save the rows of a parsed exam blueprint, updating those already there (by natural key).

    The same records build_fixtures writes, saved the way seed_content saves them: for data
    built outside the content fixture (test data, the benchmark's seed).
    """
    for item in serializers.deserialize("python", blueprint_records(blueprint)):
        item.save()
    return Certification.objects.get(code=blueprint.code)


# --- Learners reporting cards ---

# Reports a learner may send in a day: enough for a careful reader, too few to flood the admins.
REPORTS_PER_DAY = 20
REPORT_WINDOW = dt.timedelta(days=1)


class ReportRefused(Exception):
    """A report not filed; `message` says why, in words for the learner."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def card_report_create(
    *, user: User, question: Question, reason: str, text: str, now: dt.datetime
) -> CardReport:
    """File `user`'s report on `question` for the admins (listed in the admin, unresolved).

    A second report while the first is still open updates that one (its reason and details)
    rather than adding a duplicate. Refused (ReportRefused) past REPORTS_PER_DAY in a day.
    """
    with transaction.atomic():
        # The learner's row serialises their reports, so the day's count cannot be raced past.
        User.objects.select_for_update().filter(pk=user.pk).values_list("pk").first()
        open_report = (
            CardReport.objects.filter(reporter=user, question=question, resolved=False)
            .select_for_update()
            .first()
        )
        if open_report is not None:
            open_report.reason = reason
            open_report.text = text
            open_report.save(update_fields=["reason", "text"])
            return open_report
        recent = CardReport.objects.filter(
            reporter=user, created_at__gt=now - REPORT_WINDOW
        ).count()
        if recent >= REPORTS_PER_DAY:
            raise ReportRefused(
                _("You have sent %(n)d reports today. Please try again tomorrow.") % {"n": recent}
            )
        try:
            with transaction.atomic():
                return CardReport.objects.create(
                    reporter=user, question=question, reason=reason, text=text, created_at=now
                )
        except IntegrityError as error:  # pragma: no cover - the row lock above prevents it
            raise ReportRefused(_("This card is already reported.")) from error


def _scoped(prefix: str, value: str, limit: int) -> str:
    """`prefix-value`, or `prefix-<digest of value>` when that would not fit in `limit`."""
    scoped = f"{prefix}-{value}"
    return scoped if len(scoped) <= limit else f"{prefix}-{sha256(value)[:24]}"


def _notebook_records_save(
    *, notebook: Notebook, version: NotebookVersion, records: Sequence[Record]
) -> None:
    """Save a compiled notebook's records under keys of the notebook's own.

    The compiler names rows as the fixture does (topic slugs from headings, question keys from
    them): unique in one file, not across learners. Here every slug and key gets the notebook's
    prefix, and a question's also the version that created it, so a card made by a later
    upload never takes the key of one kept from an earlier one.
    """
    owner = notebook.owner
    domains = {
        (code, number): pk
        for code, number, pk in Domain.objects.values_list("certification__code", "number", "pk")
    }
    tasks = {
        (code, task): pk
        for code, task, pk in TaskStatement.objects.values_list(
            "domain__certification__code", "code", "pk"
        )
    }
    prefix = f"nb{notebook.pk}"
    by_model: dict[str, list[Record]] = {}
    for record in records:
        by_model.setdefault(record["model"], []).append(record)

    topic_ids: dict[str, int] = {}
    for record in by_model.get("cards.topic", []):
        fields = record["fields"]
        task = fields["task_statement"]
        topic = Topic.objects.create(
            slug=_scoped(prefix, fields["slug"], MAX_SLUG),
            name=fields["name"],
            domain_id=domains[tuple(fields["domain"])],
            task_statement_id=tasks[tuple(task)] if task else None,
            service=fields["service"],
            order=fields["order"],
            notebook=notebook,
        )
        topic_ids[fields["slug"]] = topic.pk

    question_prefix = f"{prefix}-v{version.number}"
    new_questions = []
    for record in by_model.get("cards.question", []):
        fields = dict(record["fields"])
        task = fields.pop("task_statement")
        topic_id = topic_ids[fields.pop("topic")[0]]
        fields["key"] = _scoped(question_prefix, fields["key"], MAX_KEY)
        fields["source_file"] = notebook.title[:200]
        new_questions.append(
            Question(
                **fields,
                topic_id=topic_id,
                task_statement_id=tasks[tuple(task)] if task else None,
                notebook=notebook,
            )
        )
    compiled_keys = [record["fields"]["key"] for record in by_model.get("cards.question", [])]
    saved = Question.objects.bulk_create(new_questions)
    question_ids = {key: q.pk for key, q in zip(compiled_keys, saved, strict=True)}
    answers = []
    for record in by_model.get("cards.answer", []):
        fields = dict(record["fields"])
        question_id = question_ids[fields.pop("question")[0]]
        answers.append(Answer(**fields, question_id=question_id))
    Answer.objects.bulk_create(answers)

    topic_decks = by_model.get("cards.deck", [])[1:]  # the first is the whole file's deck
    whole = Deck.objects.create(
        slug=prefix,
        name=notebook.title,
        name_en=notebook.title,
        owner=owner,
        notebook=notebook,
        domain_id=domains[tuple(by_model["cards.deck"][0]["fields"]["domain"])],
        order=FIRST_TOPIC_ORDER - 1,
    )
    whole.questions.add(*question_ids.values())
    for record in topic_decks:
        fields = record["fields"]
        deck = Deck.objects.create(
            slug=_scoped(prefix, fields["slug"], MAX_SLUG),
            name=fields["name"],
            name_en=fields["name_en"],
            description=fields["description"],
            description_en=fields["description_en"],
            owner=owner,
            notebook=notebook,
            domain_id=domains[tuple(fields["domain"])],
            order=fields["order"],
        )
        deck.questions.add(*(question_ids[key] for [key] in fields["questions"]))


def notebook_create(*, user: User, title: str, text: str, now: dt.datetime) -> Notebook:
    """Compile `text` again (the preview's result is never trusted) and save the notebook, its
    first version, topics, cards and decks in one transaction; NotebookRefused if it has errors.
    """
    with transaction.atomic():
        # Serialises one learner's uploads, so two at once cannot both pass the limits.
        User.objects.select_for_update().filter(pk=user.pk).first()
        draft = notebook_draft(user=user, title=title, text=text)
        if not draft.ok:
            raise NotebookRefused(draft.errors[0].message)
        notebook = Notebook.objects.create(owner=user, title=title, created=now)
        version = NotebookVersion.objects.create(
            notebook=notebook, number=1, text=text, created=now
        )
        _notebook_records_save(notebook=notebook, version=version, records=draft.compiled.records)
    return notebook
