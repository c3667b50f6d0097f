"""``python manage.py rebuild_listings``: recompute the public lists' stored rows."""

from django.core.management.base import BaseCommand

from articles.listing import BATCH_SIZE, rebuild_listings


class Command(BaseCommand):
    help = (
        "Recompute what the public list, search and API list show for every "
        "published article (articles.ListedArticle), and drop the rows of articles "
        "no longer published. Every save keeps the rows true by itself; run this "
        "after writing articles outside Django (SQL, a restored dump) or a change to "
        "what is listed. Safe to run at any time, on a live site too: each batch is "
        "one short transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help="Articles recomputed per transaction (default: %(default)s).",
        )

    def handle(self, *args, batch_size: int, **options):
        def progress(done: int, total: int) -> None:
            self.stdout.write(f"{done} of {total} articles")

        total = rebuild_listings(batch_size=max(batch_size, 1), progress=progress)
        self.stdout.write(self.style.SUCCESS(f"{total} published articles listed."))
