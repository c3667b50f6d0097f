"""``python manage.py prune_prepared_texts``: delete the kept renderings of texts no
page shows any more."""

from django.core.management.base import BaseCommand

from articles.rendering import PRUNE_BATCH_SIZE, prune_prepared_texts


class Command(BaseCommand):
    help = (
        "Delete the kept section renderings (articles.PreparedText) of texts that no "
        "section and no approved version holds any more: earlier drafts, and "
        "renderings by an earlier release. Safe on a live site: a rendering a reader "
        "still needs is only rendered again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=PRUNE_BATCH_SIZE,
            help="Renderings deleted per statement (default: %(default)s).",
        )

    def handle(self, *args, batch_size: int, **options):
        self.stdout.write("Reading the texts in use…")

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"{done} of {total} unused renderings deleted")

        deleted = prune_prepared_texts(batch_size=max(batch_size, 1), progress=progress)
        self.stdout.write(self.style.SUCCESS(f"{deleted} unused renderings deleted."))
