"""docs/workflow.md shows the state diagrams the code actually has."""

import re
from pathlib import Path

from django.core.management import call_command

from articles.models import Article
from editorial.diagrams import mermaid_state_diagram
from editorial.models import ReviewAssignment

WORKFLOW_DOC = Path(__file__).resolve().parents[2] / "docs" / "workflow.md"


def _generated_block(name: str) -> str:
    text = WORKFLOW_DOC.read_text()
    match = re.search(
        rf"<!-- BEGIN GENERATED: {name} -->\n```mermaid\n(.*?)\n```\n"
        rf"<!-- END GENERATED: {name} -->",
        text,
        re.DOTALL,
    )
    assert match, f"docs/workflow.md lacks the generated {name} diagram"
    return match.group(1)


def test_article_diagram_in_docs_matches_the_transitions():
    assert _generated_block("article") == mermaid_state_diagram(Article, "status")


def test_assignment_diagram_in_docs_matches_the_transitions():
    assert _generated_block("assignment") == mermaid_state_diagram(
        ReviewAssignment, "state"
    )


def test_diagram_names_every_transition_and_state():
    diagram = mermaid_state_diagram(Article, "status")
    for name in ("start_review", "request_changes", "approve", "reopen", "revise"):
        assert f": {name} — " in diagram
    for label in ("Submitted", "Under Review", "Approved"):
        assert label in diagram


def test_command_prints_both_diagrams(capsys):
    call_command("workflow_diagram")
    output = capsys.readouterr().out
    assert mermaid_state_diagram(Article, "status") in output
    assert mermaid_state_diagram(ReviewAssignment, "state") in output
