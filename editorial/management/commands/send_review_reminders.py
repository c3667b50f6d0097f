"""Run the reminder sweep by hand: ``manage.py send_review_reminders [--dry-run]``."""

from django.core.management.base import BaseCommand

from editorial.sweeps import reminders_sweep


class Command(BaseCommand):
    help = (
        "Send the review reminders that are due now (what Celery beat runs every 15 "
        "minutes). With --dry-run, only print what would be sent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what would be sent or skipped; change and send nothing.",
        )

    def handle(self, *args, dry_run: bool, **options):
        report = reminders_sweep(dry_run=dry_run)
        prefix = "would be " if dry_run else ""
        for line in report.sent:
            self.stdout.write(f"{prefix}sent: {line}")
        for line in report.skipped:
            self.stdout.write(f"{prefix}skipped: {line}")
        for line in report.deferred:
            self.stdout.write(f"deferred: {line}")
        summary = (
            f"{len(report.sent)} reminder(s) {prefix}sent, {len(report.skipped)} "
            f"{prefix}skipped, {len(report.deferred)} deferred."
        )
        if not (report.sent or report.skipped or report.deferred):
            summary = "No reminder is due."
        self.stdout.write(self.style.SUCCESS(summary))
