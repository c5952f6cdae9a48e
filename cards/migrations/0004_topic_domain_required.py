"""Every topic now has its domain (0003): drop the old codes and require the domain."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cards', '0003_topics_onto_the_blueprint'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='topic',
            name='task_statement_code',
        ),
        migrations.AlterField(
            model_name='topic',
            name='domain',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='topics', to='cards.domain', verbose_name='domain'),
        ),
        migrations.AlterModelOptions(
            name='topic',
            options={'ordering': ['domain__order', 'order', 'name'], 'verbose_name': 'topic', 'verbose_name_plural': 'topics'},
        ),
        migrations.AddIndex(
            model_name='topic',
            index=models.Index(fields=['domain', 'order'], name='cards_topic_domain_order'),
        ),
    ]
