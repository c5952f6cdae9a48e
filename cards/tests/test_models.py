"""Content models: the named constraints fire in the database, natural keys round-trip."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import translation

from cards.models import Answer, Certification, Deck, Domain, Question, TaskStatement, Topic


def question_fields(topic: Topic, **overrides: Any) -> dict[str, Any]:
    return {
        "key": "lambda-raw",
        "topic": topic,
        "kind": "single",
        "prompt": "Lambda?",
        "source_file": "notes/design-high-performing-architectures.md",
        "source_first_line": 5,
        "source_last_line": 8,
        **overrides,
    }


@pytest.mark.parametrize(
    ("overrides", "constraint"),
    [
        ({"kind": "essay"}, "cards_question_kind_valid"),
        ({"origin": "scraped"}, "cards_question_origin_valid"),
        ({"source_first_line": 8, "source_last_line": 5}, "cards_question_source_lines_ordered"),
        ({"source_first_line": 0, "source_last_line": 0}, "cards_question_source_lines_ordered"),
    ],
)
def test_question_check_constraints_fire(
    topic: Topic, overrides: dict[str, Any], constraint: str
) -> None:
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Question.objects.create(**question_fields(topic, **overrides))
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    ("model", "change", "constraint"),
    [
        ("domain", {"weight": 0}, "cards_domain_weight_percent"),
        ("domain", {"weight": 101}, "cards_domain_weight_percent"),
        ("domain", {"number": 0}, "cards_domain_number_positive"),
        # SQLite names a unique constraint's columns, PostgreSQL its name.
        (
            "domain",
            {"number": 2},
            "cards_domain_unique_number|cards_domain.certification_id, cards_domain.number",
        ),
        (
            "task",
            {"code": "3.1"},
            "cards_taskstatement_unique_code"
            "|cards_taskstatement.domain_id, cards_taskstatement.code",
        ),
        ("exam", {"unscored_questions": 1}, "cards_certification_question_count_adds_up"),
        ("exam", {"passing_score": 99}, "cards_certification_passing_score_in_range"),
        ("exam", {"minutes": 0}, "cards_certification_has_questions_and_time"),
    ],
)
def test_blueprint_constraints_fire(
    blueprint: Certification, model: str, change: dict[str, Any], constraint: str
) -> None:
    """Each change breaks one named constraint of a row of the real blueprint."""
    rows: dict[str, Any] = {
        "domain": Domain.objects.get(certification=blueprint, number=3),
        "task": TaskStatement.objects.get(code="3.2"),
        "exam": blueprint,
    }
    row = rows[model]
    for name, value in change.items():
        setattr(row, name, value)
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        row.save()


def test_blueprint_natural_keys_find_each_row(blueprint: Certification) -> None:
    domain = Domain.objects.get(certification=blueprint, number=2)
    task = TaskStatement.objects.get(code="2.1")
    assert Certification.objects.get_by_natural_key(*blueprint.natural_key()) == blueprint
    assert domain.natural_key() == ("SAA-C03", 2)
    assert Domain.objects.get_by_natural_key("SAA-C03", 2) == domain
    assert task.natural_key() == ("SAA-C03", "2.1")
    assert TaskStatement.objects.get_by_natural_key("SAA-C03", "2.1") == task


def test_blueprint_labels_follow_the_interface_language(blueprint: Certification) -> None:
    task = TaskStatement.objects.select_related("domain").get(code="3.2")
    assert task.label == "3.2 Design high-performing and elastic compute solutions"
    assert task.domain.label == "Design High-Performing Architectures"
    assert task.domain.share == 0.24
    with translation.override("ko"):
        assert task.label == "3.2 고성능 및 탄력적인 컴퓨팅 솔루션 설계"
        assert task.domain.label == "고성능 아키텍처 설계"


def test_a_topic_task_statement_must_be_of_its_domain(topic: Topic) -> None:
    topic.task_statement = TaskStatement.objects.get(code="2.1")
    with pytest.raises(ValidationError, match="belongs to another domain"):
        topic.full_clean()
    topic.task_statement = None  # an unplaced topic is fine
    topic.full_clean()


def code_of(task: TaskStatement | None) -> str | None:
    return task.code if task is not None else None


def test_a_question_may_test_another_task_statement_of_its_domain(question: Question) -> None:
    question.task_statement = TaskStatement.objects.get(code="3.5")
    question.full_clean()
    assert code_of(question.effective_task_statement) == "3.5"
    question.task_statement = TaskStatement.objects.get(code="1.1")
    with pytest.raises(ValidationError, match="belongs to another domain"):
        question.full_clean()
    question.task_statement = None
    assert code_of(question.effective_task_statement) == "3.2"  # its topic's


def test_a_domain_in_use_cannot_be_deleted(topic: Topic) -> None:
    with pytest.raises(ProtectedError):
        topic.domain.delete()


def test_duplicate_question_key_is_refused(topic: Topic) -> None:
    Question.objects.create(**question_fields(topic))
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(**question_fields(topic, prompt="Another"))
    assert Question.objects.count() == 1


def test_duplicate_answer_order_is_refused(question: Question) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(question=question, text="Amazon ECS", order=1)
    assert question.answers.count() == 3


def test_the_same_answer_order_is_fine_on_another_question(
    topic: Topic, make_question: Callable[..., Question]
) -> None:
    first, second = make_question(topic), make_question(topic)
    assert first.answers.get(order=1).text == second.answers.get(order=1).text


def test_natural_keys_find_each_object(deck: Deck) -> None:
    question = deck.questions.get(prompt="Question 0")
    answer = question.answers.get(order=2)
    topic = question.topic
    assert Topic.objects.get_by_natural_key(*topic.natural_key()) == topic
    assert Question.objects.get_by_natural_key(*question.natural_key()) == question
    assert Answer.objects.get_by_natural_key(*answer.natural_key()) == answer
    assert answer.natural_key() == (2, question.key)
    assert Deck.objects.get_by_natural_key(*deck.natural_key()) == deck


def test_natural_key_serialization_round_trips(deck: Deck) -> None:
    objects = [
        *Topic.objects.all(),
        *Question.objects.all(),
        *Answer.objects.all(),
        *Deck.objects.all(),
    ]
    before = {(a.question.key, a.order, a.text, a.is_correct) for a in Answer.objects.all()}
    data = serializers.serialize(
        "json", objects, use_natural_foreign_keys=True, use_natural_primary_keys=True
    )
    Deck.objects.all().delete()
    Question.objects.all().delete()
    Topic.objects.all().delete()

    for wrapped in serializers.deserialize("json", data):
        wrapped.save()

    after = {(a.question.key, a.order, a.text, a.is_correct) for a in Answer.objects.all()}
    assert after == before
    reloaded = Deck.objects.get(slug="lambda-deck")
    assert reloaded.questions.count() == 5


def test_reloading_natural_key_data_updates_in_place(question: Question) -> None:
    data = serializers.serialize(
        "json", [question], use_natural_foreign_keys=True, use_natural_primary_keys=True
    )
    Question.objects.filter(pk=question.pk).update(prompt="edited")

    for wrapped in serializers.deserialize("json", data):
        wrapped.save()

    assert Question.objects.get().pk == question.pk
    assert Question.objects.get().prompt == question.prompt


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (5, 8, "notes/design-high-performing-architectures.md, lines 5–8"),
        (12, 12, "notes/design-high-performing-architectures.md, line 12"),
    ],
)
def test_citation_names_the_notes_file_and_lines(
    topic: Topic, first: int, last: int, expected: str
) -> None:
    question = Question(**question_fields(topic, source_first_line=first, source_last_line=last))
    assert question.citation == expected


@pytest.mark.parametrize(("kind", "is_choice"), [("single", True), ("multiple", True)])
def test_choice_kinds(topic: Topic, kind: str, is_choice: bool) -> None:
    assert Question(**question_fields(topic, kind=kind)).is_choice is is_choice


def test_a_flashcard_is_not_a_choice(topic: Topic) -> None:
    assert Question(**question_fields(topic, kind="flashcard")).is_choice is False


def test_question_checks_its_answers_with_the_shared_rules(question: Question) -> None:
    assert question.answer_errors([True, False]) == []
    assert len(question.answer_errors([True, True, False])) == 1


def test_public_urls(deck: Deck, question: Question) -> None:
    assert deck.get_absolute_url() == "/decks/lambda-deck/"
    assert question.get_absolute_url() == f"/questions/{question.pk}/"


def test_visible_decks(deck: Deck, teacher: Any, other_teacher: Any) -> None:
    own = Deck.objects.create(slug="mine", name="Mine", owner=teacher)
    Deck.objects.create(slug="theirs", name="Theirs", owner=other_teacher)

    assert set(Deck.objects.visible_to(None)) == {deck}
    assert set(Deck.objects.builtin()) == {deck}
    assert set(Deck.objects.visible_to(teacher)) == {deck, own}
    assert deck.is_builtin and not own.is_builtin


def test_card_counts_count_each_question_once(deck: Deck) -> None:
    Deck.objects.create(slug="empty", name="Empty")
    decks = Deck.objects.with_card_counts()
    counts = {d.slug: d.card_count for d in decks}  # type: ignore[attr-defined]
    assert counts == {"lambda-deck": 5, "empty": 0}
