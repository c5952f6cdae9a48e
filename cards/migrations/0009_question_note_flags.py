import re

from django.db import migrations, models
from django.utils import timezone

# The "which service?" questions keyed "<topic>-which-<line>" showed their answer on the page and
# offered the file's other topics as wrong options. The build now makes them afresh under
# "<topic>-which-service-<line>"; the old ones keep their key and every learner's history, but
# are retired and leave every deck. A notebook's cards are left to the notebook's own publishing.
OLD_WHICH_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*-which-[0-9]+$")


def retire_old_which_questions(apps, schema_editor):
    Question = apps.get_model("cards", "Question")
    Deck = apps.get_model("cards", "Deck")
    built = Question.objects.filter(origin="which", notebook__isnull=True, retired_at__isnull=True)
    old = [pk for pk, key in built.values_list("pk", "key") if OLD_WHICH_KEY.match(key)]
    Question.objects.filter(pk__in=old).update(retired_at=timezone.now())
    Deck.questions.through.objects.filter(question_id__in=old).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cards", "0008_notebook_revisions"),
    ]

    operations = [
        migrations.AddField(
            model_name="question",
            name="note_flags",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text=(
                    "Reviewer's notes on the cited lines of the notes, which stay verbatim: a list "
                    "of {line, kind, correction, correction_en, url}, kind being fact, outdated or "
                    "typo."
                ),
                verbose_name="reviewer's notes",
            ),
        ),
        migrations.AlterField(
            model_name="question",
            name="retired_at",
            field=models.DateTimeField(
                blank=True,
                help_text=(
                    "When it stopped being served, its history kept: a new version of its "
                    "notebook no longer had its lines, or the build replaced it (built-in) under "
                    "a new key."
                ),
                null=True,
                verbose_name="retired",
            ),
        ),
        # Going back keeps the deck links as they are: the old questions stay out of decks.
        migrations.RunPython(retire_old_which_questions, migrations.RunPython.noop),
    ]
