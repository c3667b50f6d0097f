"""Link the approved versions frozen so far to their reviewers' board records, read
from the approvers each version recorded, so board member pages list them."""

from django.db import migrations


def link_reviewers(apps, schema_editor):
    ApprovedVersion = apps.get_model("articles", "ApprovedVersion")
    AdvisoryBoardMember = apps.get_model("reviewers", "AdvisoryBoardMember")
    existing = set(AdvisoryBoardMember.objects.values_list("pk", flat=True))
    for version in ApprovedVersion.objects.all():
        member_ids = [
            approver.get("member_id")
            for approver in version.approvers
            if approver.get("member_id") in existing
        ]
        version.reviewers.set(member_ids)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_article_writer_approvedversion_reviewers"),
        ("reviewers", "0002_writer"),
    ]

    operations = [
        migrations.RunPython(link_reviewers, migrations.RunPython.noop),
    ]
