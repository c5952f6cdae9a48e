"""Put every existing topic (and built-in deck) under its domain and task statement.

Before this, a topic carried a task statement code from a list in the code. The blueprint rows
those codes need are read from the committed blueprint file (notes/exam/*.blueprint.yaml, the
same file build_fixtures compiles), so no exam fact is copied into this migration. A fresh
database has no topics and gets the blueprint with the content fixture instead: nothing to do.

Learners' rows (review states, attempts, exams, assignments, teachers' decks) point at
questions and decks, whose ids do not change here.
"""

from pathlib import Path

from django.conf import settings
from django.db import migrations

# The codes the previous schema allowed (its check constraint); reversing needs one of them.
PREVIOUS_CODES = ("3.1", "3.2", "3.3", "3.4", "3.5")


def _blueprint():
    # Imported here: the pure reader of the file, not the app's models.
    from cards.examfiles import blueprint_file
    from cards.blueprint import load_blueprint

    directory = Path(settings.BASE_DIR) / "notes" / "exam"
    path = blueprint_file(directory, "notes/exam")
    return load_blueprint(path, f"notes/exam/{path.name}")


def place_topics(apps, schema_editor):
    Topic = apps.get_model("cards", "Topic")
    Deck = apps.get_model("cards", "Deck")
    Certification = apps.get_model("cards", "Certification")
    Domain = apps.get_model("cards", "Domain")
    TaskStatement = apps.get_model("cards", "TaskStatement")

    codes = set(Topic.objects.values_list("task_statement_code", flat=True))
    if not codes:
        return
    blueprint = _blueprint()
    certification, _created = Certification.objects.update_or_create(
        code=blueprint.code,
        defaults={
            "name": blueprint.name,
            "name_en": blueprint.name_en,
            "guide_version": blueprint.guide_version,
            "question_count": blueprint.questions,
            "scored_questions": blueprint.scored_questions,
            "unscored_questions": blueprint.unscored_questions,
            "minutes": blueprint.minutes,
            "passing_score": blueprint.passing_score,
            "score_min": blueprint.score_min,
            "score_max": blueprint.score_max,
        },
    )
    statements = {}
    for domain in blueprint.domains:
        row, _created = Domain.objects.update_or_create(
            certification=certification,
            number=domain.number,
            defaults={
                "title": domain.title,
                "title_en": domain.title_en,
                "weight": domain.weight,
                "order": domain.order,
            },
        )
        for task in domain.task_statements:
            statements[task.code], _created = TaskStatement.objects.update_or_create(
                domain=row,
                code=task.code,
                defaults={"title": task.title, "title_en": task.title_en, "order": task.order},
            )
    unknown = sorted(codes - statements.keys())
    if unknown:
        raise RuntimeError(
            f"topics have task statements the blueprint does not know: {', '.join(unknown)}"
        )
    for code in sorted(codes):
        statement = statements[code]
        Topic.objects.filter(task_statement_code=code).update(
            domain_id=statement.domain_id, task_statement_id=statement.pk
        )

    # A built-in deck whose cards all sit in one domain covers that domain (the domain deck and
    # the per-topic decks); a teacher's deck mixes what its teacher chose and stays unmarked.
    for deck in Deck.objects.filter(owner__isnull=True):
        domains = set(deck.questions.values_list("topic__domain_id", flat=True).distinct())
        if len(domains) == 1:
            deck.domain_id = domains.pop()
            deck.save(update_fields=["domain"])


def unplace_topics(apps, schema_editor):
    Topic = apps.get_model("cards", "Topic")
    for topic in Topic.objects.select_related("task_statement"):
        code = topic.task_statement.code if topic.task_statement is not None else ""
        if code not in PREVIOUS_CODES:
            raise RuntimeError(
                f"topic {topic.slug!r} ({code or 'no task statement'}) has no place in the "
                "previous schema, which knew only task statements "
                + ", ".join(PREVIOUS_CODES)
            )
        topic.task_statement_code = code
        topic.save(update_fields=["task_statement_code"])


class Migration(migrations.Migration):

    dependencies = [
        ('cards', '0002_blueprint'),
    ]

    operations = [migrations.RunPython(place_topics, unplace_topics)]
