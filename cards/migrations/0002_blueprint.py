"""The exam blueprint as rows (certification, domains, task statements) beside the content.

First of three steps that move topics from a hard-coded list of task statement codes onto the
blueprint without losing a row: 0002 adds the tables and nullable links (keeping the old codes
as `task_statement_code`), 0003 fills the links, 0004 drops the old codes and makes a topic's
domain required. Separate migrations, so that on PostgreSQL no table is altered in the
transaction that updated its rows.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cards', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='Certification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=20, unique=True, verbose_name='code')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('name_en', models.CharField(max_length=200, verbose_name='name (English)')),
                ('guide_version', models.CharField(blank=True, max_length=20, verbose_name='exam guide version')),
                ('question_count', models.PositiveSmallIntegerField(verbose_name='questions in one sitting')),
                ('scored_questions', models.PositiveSmallIntegerField(verbose_name='scored questions')),
                ('unscored_questions', models.PositiveSmallIntegerField(verbose_name='unscored questions')),
                ('minutes', models.PositiveSmallIntegerField(verbose_name='minutes')),
                ('passing_score', models.PositiveSmallIntegerField(verbose_name='passing score')),
                ('score_min', models.PositiveSmallIntegerField(verbose_name='lowest score')),
                ('score_max', models.PositiveSmallIntegerField(verbose_name='highest score')),
            ],
            options={
                'verbose_name': 'certification',
                'verbose_name_plural': 'certifications',
                'ordering': ['code'],
                'constraints': [
                    models.CheckConstraint(condition=models.Q(('question_count__gte', 1), ('minutes__gte', 1)), name='cards_certification_has_questions_and_time'),
                    models.CheckConstraint(condition=models.Q(('question_count', models.F('scored_questions') + models.F('unscored_questions'))), name='cards_certification_question_count_adds_up'),
                    models.CheckConstraint(condition=models.Q(('score_min__lt', models.F('passing_score')), ('passing_score__lte', models.F('score_max'))), name='cards_certification_passing_score_in_range'),
                ],
            },
        ),
        migrations.CreateModel(
            name='Domain',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveSmallIntegerField(verbose_name='number')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('title_en', models.CharField(max_length=200, verbose_name='title (English)')),
                ('weight', models.PositiveSmallIntegerField(help_text='Percent of the scored content.', verbose_name='weight')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                ('certification', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='domains', to='cards.certification', verbose_name='certification')),
            ],
            options={
                'verbose_name': 'domain',
                'verbose_name_plural': 'domains',
                'ordering': ['certification', 'order', 'number'],
                'constraints': [
                    models.UniqueConstraint(fields=('certification', 'number'), name='cards_domain_unique_number'),
                    models.CheckConstraint(condition=models.Q(('number__gte', 1)), name='cards_domain_number_positive'),
                    models.CheckConstraint(condition=models.Q(('weight__gte', 1), ('weight__lte', 100)), name='cards_domain_weight_percent'),
                ],
            },
        ),
        migrations.CreateModel(
            name='TaskStatement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=10, verbose_name='code')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('title_en', models.CharField(max_length=200, verbose_name='title (English)')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                ('domain', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='task_statements', to='cards.domain', verbose_name='domain')),
            ],
            options={
                'verbose_name': 'task statement',
                'verbose_name_plural': 'task statements',
                'ordering': ['domain', 'order', 'code'],
                'constraints': [
                    models.UniqueConstraint(fields=('domain', 'code'), name='cards_taskstatement_unique_code'),
                ],
            },
        ),
        migrations.RemoveConstraint(
            model_name='topic',
            name='cards_topic_task_statement_valid',
        ),
        migrations.RenameField(
            model_name='topic',
            old_name='task_statement',
            new_name='task_statement_code',
        ),
        migrations.AddField(
            model_name='topic',
            name='domain',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='topics', to='cards.domain', verbose_name='domain'),
        ),
        migrations.AddField(
            model_name='topic',
            name='task_statement',
            field=models.ForeignKey(blank=True, help_text='Empty when the topic could not be placed under one task statement.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='topics', to='cards.taskstatement', verbose_name='task statement'),
        ),
        migrations.AddField(
            model_name='topic',
            name='service',
            field=models.SlugField(blank=True, help_text="The slug of the AWS service in the exam's service catalog, if one.", max_length=80, verbose_name='service'),
        ),
        migrations.AlterField(
            model_name='topic',
            name='order',
            field=models.PositiveSmallIntegerField(default=0, help_text='Position within its domain.', verbose_name='order'),
        ),
        migrations.AddField(
            model_name='question',
            name='task_statement',
            field=models.ForeignKey(blank=True, help_text="Only when this question tests another task statement of its topic's domain than the topic's own.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='questions', to='cards.taskstatement', verbose_name='task statement'),
        ),
        migrations.AddField(
            model_name='deck',
            name='domain',
            field=models.ForeignKey(blank=True, help_text='The domain a built-in deck covers; empty for a deck that mixes domains.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='decks', to='cards.domain', verbose_name='domain'),
        ),
    ]
