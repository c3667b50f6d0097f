"""Print the review workflows as Mermaid state diagrams, generated from the code."""

from django.core.management.base import BaseCommand

from articles.models import Article
from editorial.diagrams import mermaid_state_diagram
from editorial.models import ReviewAssignment


class Command(BaseCommand):
    help = (
        "Print the article and assignment state machines as Mermaid diagrams "
        "(docs/workflow.md embeds this output)."
    )

    def handle(self, *args, **options):
        self.stdout.write("```mermaid")
        self.stdout.write(mermaid_state_diagram(Article, "status"))
        self.stdout.write("```\n")
        self.stdout.write("```mermaid")
        self.stdout.write(mermaid_state_diagram(ReviewAssignment, "state"))
        self.stdout.write("```")
