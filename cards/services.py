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
from django.utils import timezone
from django.utils.translation import gettext
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
from .notebooks import (
    FIRST_TOPIC_ORDER,
    NotebookRefused,
    Revision,
    notebook_draft,
    notebook_revision_draft,
)
from .revisions import Plan

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


def content_seed(*, fixture_path: Path, now: dt.datetime | None = None) -> SeedReport:
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
    (such a question never sits in a deck named after its answer). `now` (default: the clock)
    dates the retirement of those the fixture no longer has.
    """
    report = SeedReport()
    new_question_ids: set[int] = set()
    fixture_keys: set[str] = set()
    overlays: dict[int, tuple[dt.datetime | None, Any]] = {}  # pk -> (retired_at, note_flags)
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
                    overlays[instance.pk] = (instance.retired_at, instance.note_flags)
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
        report.retired += _retire_missing(fixture_keys, now=now or timezone.now())
        report.unlinked += _unlink_stale(builtin_which)
    return report


def _sync_overlays(overlays: Mapping[int, tuple[dt.datetime | None, Any]]) -> None:
    """Existing questions take the fixture's retirement and reviewer's notes."""
    for pk, (retired_at, flags) in overlays.items():
        Question.objects.filter(pk=pk).exclude(retired_at=retired_at, note_flags=flags).update(
            retired_at=retired_at, note_flags=flags
        )


def _retire_missing(fixture_keys: set[str], *, now: dt.datetime) -> int:
    """Retire the built questions the fixture no longer has; return how many."""
    # A notebook's questions are its owner's, published from the notebook, not the fixture's.
    built = Question.objects.active().filter(origin__in=BUILT_ORIGINS, notebook__isnull=True)
    return built.exclude(key__in=fixture_keys).update(retired_at=now)


def _unlink_stale(builtin_which: Mapping[int, set[int]]) -> int:
    """Take retired questions out of every deck, and "which service?" questions out of the
    built-in decks the fixture no longer puts them in."""
    links = Deck.questions.through.objects
    # A notebook's retired cards are its publishing's business (cards.services, below).
    retired = links.filter(question__retired_at__isnull=False, question__notebook__isnull=True)
    removed, _by_model = retired.delete()
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


# Room kept for a notebook's prefix ("nb<id>-v<version>" or "nb<id>-<n>") in its slugs and keys.
# Whether a value is digested depends on the value alone, never on the prefix: a notebook
# restored from a data export under another id gets the same keys but for the prefix.
PREFIX_RESERVE = 24


def _scoped(prefix: str, value: str, limit: int) -> str:
    """`prefix-value`, or `prefix-<digest of value>` for a value too long to keep whole."""
    if len(value) <= limit - PREFIX_RESERVE:
        return f"{prefix}-{value}"
    return f"{prefix}-{sha256(value)[:24]}"


@dataclass(frozen=True)
class _Blueprint:
    """Natural keys of the blueprint's rows, as the compiler writes them, to their ids."""

    domains: dict[tuple[Any, ...], int]
    tasks: dict[tuple[Any, ...], int]

    @classmethod
    def load(cls) -> _Blueprint:
        return cls(
            domains={
                (code, number): pk
                for code, number, pk in Domain.objects.values_list(
                    "certification__code", "number", "pk"
                )
            },
            tasks={
                (code, task): pk
                for code, task, pk in TaskStatement.objects.values_list(
                    "domain__certification__code", "code", "pk"
                )
            },
        )

    def domain(self, key: Sequence[Any]) -> int:
        return self.domains[tuple(key)]

    def task(self, key: Sequence[Any] | None) -> int | None:
        return self.tasks[tuple(key)] if key else None


def _by_model(records: Sequence[Record]) -> dict[str, list[Record]]:
    found: dict[str, list[Record]] = {}
    for record in records:
        found.setdefault(record["model"], []).append(record)
    return found


def _answer_rows(records: Sequence[Record]) -> dict[str, list[dict[str, Any]]]:
    """Each compiled question key's answer fields, in order."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        fields = dict(record["fields"])
        rows.setdefault(fields.pop("question")[0], []).append(fields)
    return rows


def _question_fields(
    fields: Record, *, notebook: Notebook, topic_id: int, blueprint: _Blueprint
) -> dict[str, Any]:
    """A compiled question's fields as model fields, less its key."""
    values = dict(fields)
    values.pop("key")
    values.pop("topic")
    values["task_statement_id"] = blueprint.task(values.pop("task_statement"))
    values["topic_id"] = topic_id
    values["source_file"] = notebook.title[:200]
    return values


def _topic_fields(fields: Record, blueprint: _Blueprint) -> dict[str, Any]:
    return {
        "name": fields["name"],
        "domain_id": blueprint.domain(fields["domain"]),
        "task_statement_id": blueprint.task(fields["task_statement"]),
        "service": fields["service"],
        "order": fields["order"],
    }


def _new_topic(
    *, notebook: Notebook, fields: Record, blueprint: _Blueprint, taken: set[str]
) -> Topic:
    """A topic of the notebook, with a slug no topic of it has had (slugs name its deck)."""
    prefix = f"nb{notebook.pk}"
    slug = _scoped(prefix, fields["slug"], MAX_SLUG)
    counter = 1
    while slug in taken:
        counter += 1
        slug = _scoped(f"{prefix}-{counter}", fields["slug"], MAX_SLUG)
    taken.add(slug)
    return Topic.objects.create(slug=slug, notebook=notebook, **_topic_fields(fields, blueprint))


def _topic_deck_save(*, notebook: Notebook, topic: Topic, fields: Record) -> Deck:
    """The topic's deck (slug: the topic's), created or brought up to date."""
    # Looked up within the notebook: a slug taken by any other deck is never updated here.
    deck, _created = Deck.objects.update_or_create(
        slug=topic.slug,
        notebook=notebook,
        defaults={
            "name": topic.name,
            "name_en": topic.name,
            "description": fields["description"],
            "description_en": fields["description_en"],
            "owner_id": notebook.owner_id,
            "notebook": notebook,
            "domain_id": topic.domain_id,
            "order": topic.order,
        },
    )
    return deck


def _whole_deck_save(*, notebook: Notebook, domain_id: int) -> Deck:
    deck, _created = Deck.objects.update_or_create(
        slug=f"nb{notebook.pk}",
        notebook=notebook,
        defaults={
            "name": notebook.title,
            "name_en": notebook.title,
            "owner_id": notebook.owner_id,
            "notebook": notebook,
            "domain_id": domain_id,
            "order": FIRST_TOPIC_ORDER - 1,
        },
    )
    return deck


def _notebook_save(
    *,
    notebook: Notebook,
    version: NotebookVersion,
    records: Sequence[Record],
    plan: Plan | None = None,
    now: dt.datetime,
) -> None:
    """Save a compiled version of a notebook under keys of the notebook's own.

    The compiler names rows as the fixture does (topic slugs from headings, question keys from
    them): unique in one file, not across learners. Here every slug and key gets the notebook's
    prefix, and a question's also the version that made it, so a card made by a later upload
    never takes the key of one kept from an earlier one.

    With a `plan` (a new version, cards matched by cards.revisions), kept and changed cards are
    updated in place, so their review states and attempts stay theirs; the cards the plan
    retires leave every deck and keep their history.
    """
    blueprint = _Blueprint.load()
    by_model = _by_model(records)
    answers = _answer_rows(by_model.get("cards.answer", []))
    compiled_questions = [record["fields"] for record in by_model.get("cards.question", [])]
    matched = plan.matched if plan is not None else {}
    stored = (
        {
            question.pk: question
            for question in Question.objects.filter(pk__in=matched.values()).prefetch_related(
                "answers"
            )
        }
        if plan is not None
        else {}
    )

    # Topics: the same heading is the same topic; a renamed one is the old topic most of whose
    # matched cards it now holds (so its deck, and a class's assignment of it, stay).
    old_topics = {topic.name: topic for topic in notebook.topics.all()}
    taken = {topic.slug for topic in old_topics.values()}
    topics: dict[str, Topic] = {}
    unmatched: list[Record] = []
    for record in by_model.get("cards.topic", []):
        fields = record["fields"]
        if fields["name"] in old_topics:
            topics[fields["slug"]] = old_topics.pop(fields["name"])
        else:
            unmatched.append(fields)
    spare = {topic.pk: topic for topic in old_topics.values()}
    for fields in unmatched:
        votes = Counter(
            stored[old].topic_id
            for new, old in matched.items()
            if compiled_questions[new]["topic"][0] == fields["slug"]
            and stored[old].topic_id in spare
        )
        if votes:
            topics[fields["slug"]] = spare.pop(votes.most_common(1)[0][0])
        else:
            topics[fields["slug"]] = _new_topic(
                notebook=notebook, fields=fields, blueprint=blueprint, taken=taken
            )
    for record in by_model.get("cards.topic", []):
        topic = topics[record["fields"]["slug"]]
        for name, value in _topic_fields(record["fields"], blueprint).items():
            setattr(topic, name, value)
        topic.save()

    # Questions: matched ones updated in place, the rest created.
    changed = {new for _old, new in plan.changed} if plan is not None else set()
    question_prefix = f"nb{notebook.pk}-v{version.number}"
    ids: dict[str, int] = {}  # compiled key -> question id
    creating: list[tuple[str, Question]] = []
    for index, fields in enumerate(compiled_questions):
        values = _question_fields(
            fields,
            notebook=notebook,
            topic_id=topics[fields["topic"][0]].pk,
            blueprint=blueprint,
        )
        rows = answers.get(fields["key"], [])
        if index not in matched:
            question = Question(
                key=_scoped(question_prefix, fields["key"], MAX_KEY), notebook=notebook, **values
            )
            creating.append((fields["key"], question))
            continue
        question = stored[matched[index]]
        old_rows = [
            (a.text, a.is_correct) for a in sorted(question.answers.all(), key=lambda a: a.order)
        ]
        if index in changed:
            values["source_changed_at"] = now
            values["previous_text"] = question.source_text
        for name, value in values.items():
            setattr(question, name, value)
        question.save()
        if old_rows != [(row["text"], row["is_correct"]) for row in rows] or index in changed:
            # A kept note question has the same answers: untouched, so the ids its attempts
            # chose stay valid. Generated options and edited answers are written afresh.
            question.answers.all().delete()
            Answer.objects.bulk_create(Answer(question=question, **row) for row in rows)
        else:
            for answer, row in zip(
                sorted(question.answers.all(), key=lambda a: a.order), rows, strict=True
            ):
                Answer.objects.filter(pk=answer.pk).update(**row)
        ids[fields["key"]] = question.pk
    saved = Question.objects.bulk_create([question for _key, question in creating])
    for (key, _question), question in zip(creating, saved, strict=True):
        ids[key] = question.pk
    Answer.objects.bulk_create(
        Answer(question_id=ids[key], **row) for key, _q in creating for row in answers.get(key, [])
    )
    if plan is not None and plan.retired:
        Question.objects.filter(pk__in=plan.retired).update(retired_at=now)

    # Decks: one per topic, one for the notebook; retired cards leave them.
    decks = by_model["cards.deck"]
    whole = _whole_deck_save(
        notebook=notebook, domain_id=blueprint.domain(decks[0]["fields"]["domain"])
    )
    whole.questions.set(ids.values())
    in_use: set[int] = set()
    for record in decks[1:]:
        fields = record["fields"]
        topic = topics[fields["slug"]]
        deck = _topic_deck_save(notebook=notebook, topic=topic, fields=fields)
        deck.questions.set([ids[key] for [key] in fields["questions"]])
        in_use.add(deck.pk)
    for deck in notebook.decks.exclude(pk__in=[whole.pk, *in_use]):
        deck.questions.clear()


def _notebook_save_or_refuse(**kwargs: Any) -> None:
    """_notebook_save, refused with a message when a slug or key it makes is taken by a row
    outside the notebook (a built-in deck named like it): nothing else is ever overwritten."""
    try:
        with transaction.atomic():
            _notebook_save(**kwargs)
    except IntegrityError as error:
        raise NotebookRefused(
            gettext("A topic of these notes takes a name already in use. Rename the topic.")
        ) from error


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
        notebook = Notebook.objects.create(owner=user, title=draft.title, created=now)
        version = NotebookVersion.objects.create(
            notebook=notebook, number=1, text=text, created=now
        )
        _notebook_save_or_refuse(
            notebook=notebook, version=version, records=draft.compiled.records, now=now
        )
    return notebook


def notebook_revise(
    *, notebook: Notebook, text: str, base_version: int | None = None, now: dt.datetime
) -> Revision:
    """Save a new version of the notebook: compiled again, its cards matched to the notebook's
    by their text (kept, changed, new, retired), in one transaction. NotebookRefused if it has
    errors, or if another version was saved since `base_version` (the one the preview showed).
    """
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=notebook.owner_id).first()
        latest = notebook.versions.order_by("-number").values_list("number", flat=True).first()
        number = (latest or 0) + 1
        if base_version is not None and latest != base_version:
            raise NotebookRefused(
                gettext("A newer version of this notebook was saved meanwhile. Upload again.")
            )
        draft = notebook_revision_draft(notebook=notebook, text=text)
        if not draft.ok or draft.revision is None:
            raise NotebookRefused(draft.errors[0].message if draft.errors else "")
        version = NotebookVersion.objects.create(
            notebook=notebook, number=number, text=text, created=now
        )
        _notebook_save_or_refuse(
            notebook=notebook,
            version=version,
            records=draft.compiled.records,
            plan=draft.revision.plan,
            now=now,
        )
    return draft.revision


class NotebookInUse(Exception):
    """The notebook's decks are assigned in a classroom: it cannot be deleted."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def notebook_delete(*, notebook: Notebook) -> None:
    """Delete the notebook, its versions, topics, cards and decks, and every learner's history of
    its cards (their review states and answers go with the cards); refused while one of its
    decks is assigned in a classroom."""
    with transaction.atomic():
        if Deck.objects.filter(notebook=notebook, assignments__isnull=False).exists():
            raise NotebookInUse(
                gettext("A class is assigned a deck of this notebook. Delete the assignment first.")
            )
        # Questions before topics: a question protects its topic from a cascade.
        Question.objects.filter(notebook=notebook).delete()
        notebook.delete()
