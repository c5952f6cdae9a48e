"""An exam on "the whole domain" was an exam on all the content, which was one domain: it keeps
its scope, now with that domain named, the one its questions come from (most of them, should
they ever differ). Its title, items, answers and score are left as they are."""

from collections import Counter

from django.db import migrations


def name_the_domain(apps, schema_editor):
    Exam = apps.get_model("study", "Exam")
    ExamItem = apps.get_model("study", "ExamItem")
    for exam in Exam.objects.filter(scope="domain", domain__isnull=True):
        domains = Counter(
            ExamItem.objects.filter(exam=exam).values_list("question__topic__domain_id", flat=True)
        )
        if domains:
            # The most common domain; on a tie, the lowest id (the earlier blueprint row).
            exam.domain_id = min(domains, key=lambda pk: (-domains[pk], pk))
            exam.save(update_fields=["domain"])


class Migration(migrations.Migration):

    dependencies = [
        ('study', '0005_exam_scopes_on_the_blueprint'),
    ]

    # Backwards the domain is simply forgotten (0005 drops the column).
    operations = [migrations.RunPython(name_the_domain, migrations.RunPython.noop)]
