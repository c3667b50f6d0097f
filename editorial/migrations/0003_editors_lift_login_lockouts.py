"""Let editors see failed sign-ins and lift a lock-out (django-axes' admin)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

LOCKOUT_PERMISSIONS = [
    ("accessattempt", ["view", "delete"]),
    ("accesslog", ["view"]),
    ("accessfailurelog", ["view"]),
]


def grant_lockout_permissions(apps, schema_editor):
    axes_config = apps.get_app_config("axes")
    axes_config.models_module = True
    create_permissions(axes_config, apps=apps, verbosity=0)
    axes_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="axes",
            codename__in=[
                f"{action}_{model}"
                for model, actions in LOCKOUT_PERMISSIONS
                for action in actions
            ],
        )
    )


def revoke_lockout_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.remove(
            *editors.permissions.filter(content_type__app_label="axes")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0002_roles"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [
        migrations.RunPython(grant_lockout_permissions, revoke_lockout_permissions)
    ]
