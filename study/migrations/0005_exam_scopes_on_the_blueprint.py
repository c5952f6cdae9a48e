"""Practice exams on the blueprint: the whole exam, a domain, a task statement, a topic, a deck."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cards', '0004_topic_domain_required'),
        ('study', '0004_showing'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='exam',
            name='study_exam_scope_valid',
        ),
        migrations.AddField(
            model_name='exam',
            name='domain',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cards.domain', verbose_name='domain'),
        ),
        migrations.AddField(
            model_name='exam',
            name='task_statement',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cards.taskstatement', verbose_name='task statement'),
        ),
        migrations.AlterField(
            model_name='exam',
            name='scope',
            field=models.CharField(choices=[('exam', 'The whole exam'), ('domain', 'One domain'), ('task', 'One task statement'), ('topic', 'One topic'), ('deck', 'One deck')], max_length=10, verbose_name='scope'),
        ),
        migrations.AddConstraint(
            model_name='exam',
            constraint=models.CheckConstraint(condition=models.Q(('scope__in', ['exam', 'domain', 'task', 'topic', 'deck'])), name='study_exam_scope_valid'),
        ),
    ]
