from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from references import checks


class Command(BaseCommand):
    help = _(
        "Check every cited reference: retractions, expressions of concern and "
        "corrections (Crossref, PubMed), then its links. What is found is listed for "
        "editors in the admin; nothing is changed on any article."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-links", action="store_true", help=_("Only the integrity check.")
        )
        parser.add_argument(
            "--skip-integrity", action="store_true", help=_("Only the link check.")
        )

    def handle(self, *args, skip_links=False, skip_integrity=False, **options):
        if not skip_integrity:
            self.stdout.write(_("Integrity (Crossref, PubMed):"))
            report = checks.references_integrity_check(progress=self.stdout.write)
            self.stdout.write(
                _(
                    "%(checked)s references checked, %(new)s new notices, %(failed)s "
                    "could not be checked (tried again on the next run)."
                )
                % {
                    "checked": report.checked,
                    "new": len(report.new_notices),
                    "failed": len(report.failures),
                }
            )
        if not skip_links:
            self.stdout.write(_("Links:"))
            report = checks.references_links_check(progress=self.stdout.write)
            self.stdout.write(
                _(
                    "%(checked)s references checked, %(broken)s links not working; "
                    "see “Link checks” in the admin."
                )
                % {"checked": report.checked, "broken": len(report.broken_links)}
            )
