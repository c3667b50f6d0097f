"""Create the Editors and Reviewers groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = [
    ("articles", "article", ["add", "change", "view"]),
    ("articles", "section", ["add", "change", "delete", "view"]),
    ("articles", "citation", ["view"]),
    ("articles", "approvedversion", ["view"]),
    ("references", "reference", ["add", "change", "view"]),
    ("reviewers", "advisoryboardmember", ["add", "change", "view"]),
    ("editorial", "editorialpolicy", ["add", "change", "view"]),
    ("editorial", "reviewassignment", ["add", "change", "view"]),
    ("editorial", "reviewerconflict", ["add", "change", "delete", "view"]),
    ("editorial", "reminder", ["view"]),
    ("editorial", "outboundemail", ["view"]),
]
EDITOR_EXTRA = [
    ("articles", "start_review"),
    ("articles", "reopen_article"),
    ("articles", "restore_article_version"),
]
REVIEWER_EXTRA = [("articles", "review_article")]


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permission(app_label, codename):
        return Permission.objects.get(
            content_type__app_label=app_label, codename=codename
        )

    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.set(
        [
            permission(app_label, f"{action}_{model}")
            for app_label, model, actions in EDITOR_PERMISSIONS
            for action in actions
        ]
        + [permission(app_label, codename) for app_label, codename in EDITOR_EXTRA]
    )
    reviewers, _ = Group.objects.get_or_create(name="Reviewers")
    reviewers.permissions.set(
        [permission(app_label, codename) for app_label, codename in REVIEWER_EXTRA]
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Editors", "Reviewers"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0001_initial"),
        ("articles", "0001_initial"),
        ("references", "0001_initial"),
        ("reviewers", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
