"""``python manage.py load_demo``: fill a development site with demo content."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from editorial.demo.article_content import NSCLC
from editorial.demo.content import DEMO_PASSWORD
from editorial.demo.loader import demo_content_load


class Command(BaseCommand):
    help = (
        "Load demo articles, references, board members, the editorial policy and the "
        "accounts editor, reviewer1 and reviewer2. Safe to run again: demo rows are "
        "updated, never duplicated. Development only (refuses to run with DEBUG off "
        "unless --force is given)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEMO_PASSWORD,
            help="Password for the demo accounts (default: %(default)s).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off. The password is printed.",
        )

    def handle(self, *args, password: str, force: bool, **options):
        # The accounts get a password that is printed and published in the README:
        # on a production site that would be an open door.
        if not settings.DEBUG and not force:
            raise CommandError(
                _(
                    "load_demo creates accounts with a known password, so it runs "
                    "only in development. Set DJANGO_DEBUG=1 in the environment, or "
                    "pass --force if you really want the demo accounts on this site."
                )
            )
        verbosity = options.get("verbosity", 1)

        def progress(line: str) -> None:
            if verbosity >= 1:
                self.stdout.write(line)

        try:
            result = demo_content_load(password=password, report=progress)
        except ValidationError as error:
            raise CommandError(
                _("The demo was not loaded; nothing was changed. %(problems)s")
                % {"problems": " ".join(error.messages)}
            ) from error

        counts = result.counts
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Demo loaded: %(created)s created, %(updated)s updated, "
                    "%(unchanged)s unchanged, %(removed)s removed."
                )
                % counts
            )
        )
        for note in result.status_notes:
            self.stdout.write(self.style.WARNING(note))
        for article in result.articles:
            visibility = _("public") if article.published else _("draft, not public")
            self.stdout.write(
                _("  %(status)s (%(visibility)s): %(url)s")
                % {
                    "status": article.get_status_display(),
                    "visibility": visibility,
                    "url": article.get_absolute_url(),
                }
            )
        featured = next(a for a in result.articles if a.slug == NSCLC.slug)
        if not featured.is_approved:
            self.stdout.write(
                _(
                    "“%(title)s” is %(status)s: its page shows the pending-review "
                    "banner."
                )
                % {"title": featured.title, "status": featured.get_status_display()}
            )
        self.stdout.write(
            _(
                "Sign in as %(users)s: editors at /admin/, reviewers at the reviewer "
                "desk /review/"
            )
            % {"users": ", ".join(result.usernames)}
        )
        self.stdout.write(_("Password: %(password)s") % {"password": result.password})
