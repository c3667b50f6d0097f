"""Let editors manage the writers named in bylines and the correction notes."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

NEW_EDITOR_PERMISSIONS = [
    ("articles", "correction", ["add", "change", "delete", "view"]),
    ("reviewers", "writer", ["add", "change", "view"]),
]


def _permissions(apps):
    # Permissions are normally created after all migrations; make sure they exist.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(
            content_type__app_label=app_label, codename=f"{action}_{model}"
        )
        for app_label, model, actions in NEW_EDITOR_PERMISSIONS
        for action in actions
    ]


def grant(apps, schema_editor):
    editors = apps.get_model("auth", "Group").objects.filter(name="Editors").first()
    if editors is not None:
        editors.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    editors = apps.get_model("auth", "Group").objects.filter(name="Editors").first()
    if editors is not None:
        editors.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0006_editors_decide_reference_notices"),
        ("articles", "0006_correction"),
        ("reviewers", "0002_writer"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
