"""Let editors see and decide the notices the daily reference checks record."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [
    ("references", "referencenotice", ["change", "view"]),
    ("references", "linkcheck", ["view"]),
]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *[
            Permission.objects.get(
                content_type__app_label=app_label, codename=f"{action}_{model}"
            )
            for app_label, model, actions in PERMISSIONS
            for action in actions
        ]
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors = Group.objects.filter(name="Editors").first()
    if editors is None:
        return
    editors.permissions.remove(
        *Permission.objects.filter(
            content_type__app_label="references",
            content_type__model__in=["referencenotice", "linkcheck"],
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0005_outbox_claims_and_retries"),
        ("references", "0004_notices_and_link_checks"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
