import re

from django.db import migrations, models

# The "which service?" questions keyed "<topic>-which-<line>" showed their answer on the page and
# offered the file's other topics as wrong options. The build now makes them afresh under
# "<topic>-which-service-<line>"; the old ones keep their key and every learner's history, but
# are retired and leave every deck. A notebook's cards are left to the notebook's own publishing.
OLD_WHICH_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*-which-[0-9]+$")


def retire_old_which_questions(apps, schema_editor):
    Question = apps.get_model("cards", "Question")
    Deck = apps.get_model("cards", "Deck")
    old = [
        pk
        for pk, key in Question.objects.filter(origin="which", notebook__isnull=True).values_list(
            "pk", "key"
        )
        if OLD_WHICH_KEY.match(key)
    ]
    Question.objects.filter(pk__in=old).update(retired=True)
    Deck.questions.through.objects.filter(question_id__in=old).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cards", "0007_card_reports"),
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
        migrations.AddField(
            model_name="question",
            name="retired",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Kept for the history of those who answered it, but no longer shown: a "
                    "corrected question with a new key replaces it."
                ),
                verbose_name="retired",
            ),
        ),
        # Going back keeps the deck links as they are: the old questions stay out of decks.
        migrations.RunPython(retire_old_which_questions, migrations.RunPython.noop),
    ]
