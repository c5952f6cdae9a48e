"""Presentation becomes Showing, the word the pages, the admin and the code already used.

The rows stay: the table, its index, its check constraint and Attempt's link column are renamed.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.migrations.operations.base import Operation


class RenameCheckConstraint(Operation):
    """Give a model's check constraint a new name, keeping it. PostgreSQL renames it in place (no
    lock held for a scan of the table); SQLite, which cannot, rebuilds the table with it."""

    reversible = True

    def __init__(self, model_name, old_name, new_name):
        self.model_name = model_name
        self.old_name = old_name
        self.new_name = new_name

    def deconstruct(self):
        kwargs = {"model_name": self.model_name, "old_name": self.old_name}
        return self.__class__.__name__, [], {**kwargs, "new_name": self.new_name}

    def state_forwards(self, app_label, state):
        self._rename_state(app_label, state, self.old_name, self.new_name)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._rename(app_label, schema_editor, to_state, self.old_name, self.new_name)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._rename(app_label, schema_editor, to_state, self.new_name, self.old_name)

    def describe(self):
        return f"Rename check constraint {self.old_name} of {self.model_name} to {self.new_name}"

    def _rename_state(self, app_label, state, old, new):
        constraints = state.models[app_label, self.model_name].options["constraints"]
        constraint = next(c for c in constraints if c.name == old).clone()
        constraint.name = new
        state.remove_constraint(app_label, self.model_name, old)
        state.add_constraint(app_label, self.model_name, constraint)

    def _rename(self, app_label, schema_editor, to_state, old, new):
        model = to_state.apps.get_model(app_label, self.model_name)
        if schema_editor.connection.vendor == "postgresql":
            table, old_q, new_q = map(schema_editor.quote_name, (model._meta.db_table, old, new))
            schema_editor.execute(f"ALTER TABLE {table} RENAME CONSTRAINT {old_q} TO {new_q}")
            return
        renamed = next(c for c in model._meta.constraints if c.name == new)
        gone = renamed.clone()
        gone.name = old
        schema_editor.remove_constraint(model, gone)
        schema_editor.add_constraint(model, renamed)


class Migration(migrations.Migration):
    dependencies = [
        ("study", "0003_verbose_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel("Presentation", "Showing"),
        migrations.RenameIndex(
            model_name="showing", new_name="study_showing_open", old_name="study_presentation_open"
        ),
        RenameCheckConstraint(
            model_name="showing",
            old_name="study_presentation_mode_valid",
            new_name="study_showing_mode_valid",
        ),
        migrations.AlterField(
            model_name="showing",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="showings",
                to=settings.AUTH_USER_MODEL,
                verbose_name="learner",
            ),
        ),
        migrations.RenameField(model_name="attempt", old_name="presentation", new_name="showing"),
    ]
