"""The Teachers group: may create classrooms, assign decks and build decks of their own.

Permissions are normally created after all migrations run; create them now for the two apps
involved, so the group can hold them on a fresh database as well as an existing one.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TEACHERS_GROUP = "Teachers"
PERMISSIONS = {
    "classrooms": [
        "add_classroom",
        "change_classroom",
        "view_classroom",
        "add_assignment",
        "change_assignment",
        "delete_assignment",
        "view_assignment",
        "delete_membership",
        "view_membership",
    ],
    "cards": ["add_deck", "change_deck", "view_deck"],
}


def create_teachers_group(apps, schema_editor):
    for label in PERMISSIONS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=TEACHERS_GROUP)
    for label, codenames in PERMISSIONS.items():
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=label, codename__in=codenames)
        )


def remove_teachers_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=TEACHERS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("classrooms", "0001_initial"),
        ("cards", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_teachers_group, remove_teachers_group)]
