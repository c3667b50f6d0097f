"""Let the Editors group see and answer readers' follow-up questions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["view_followupquestion", "change_followupquestion"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("editorial")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="editorial", codename__in=CODENAMES
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for editors in Group.objects.filter(name="Editors"):
        editors.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="editorial", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0008_follow_up_questions"),
        ("editorial", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
