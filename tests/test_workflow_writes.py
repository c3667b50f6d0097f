"""Only the editorial services write workflow state (docs/architecture.md).

Workflow state is an article's ``status`` and ``review_round`` and an assignment's
``state``. The models declare the transitions that change them in memory; only
``editorial/services/`` calls those transitions, and nothing anywhere writes the
fields by hand. ``ast`` reads the code without running it.
"""

import ast
from pathlib import Path

import pytest

from articles.models import Article
from editorial.models import ReviewAssignment

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("articles", "references", "reviewers", "editorial", "config")
SERVICES = ROOT / "editorial" / "services"
WORKFLOW_FIELDS = {"status", "state", "review_round"}
# Other models whose own ``status`` is not workflow state: an outbox email's and a
# reminder's delivery status.
DELIVERY_STATUS_MODULES = {"editorial/emails.py", "editorial/sweeps.py"}
DELIVERY_STATUS_MODULES |= {"editorial/reminders.py"}


def transition_names() -> set[str]:
    names = set()
    for model, field in ((Article, "status"), (ReviewAssignment, "state")):
        transitions = getattr(model, f"get_all_{field}_transitions")(model())
        names |= {transition.name for transition in transitions}
    return names


def _is_transition(function: ast.AST) -> bool:
    return isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) and any(
        isinstance(decorator, ast.Call)
        and getattr(decorator.func, "id", getattr(decorator.func, "attr", ""))
        == "transition"
        for decorator in function.decorator_list
    )


def workflow_writes(path: Path, transitions: set[str]) -> list[str]:
    """Each place in the file that calls a transition or writes a workflow field,
    outside the transitions' own bodies."""
    tree = ast.parse(path.read_text(), filename=str(path))
    inside_transitions = {
        id(node)
        for function in ast.walk(tree)
        if _is_transition(function)
        for node in ast.walk(function)
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in inside_transitions:
            continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in transitions:
                found.append(f"{node.lineno}: calls {node.func.attr}()")
            if node.func.attr == "update" and any(
                keyword.arg in WORKFLOW_FIELDS for keyword in node.keywords
            ):
                found.append(f"{node.lineno}: update() of a workflow field")
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr in WORKFLOW_FIELDS:
                found.append(f"{node.lineno}: assigns .{target.attr}")
            if (
                isinstance(target, ast.Subscript)
                and isinstance(target.value, ast.Attribute)
                and target.value.attr == "__dict__"
            ):
                found.append(f"{node.lineno}: writes __dict__")
    return found


def test_only_the_editorial_services_write_workflow_state():
    transitions = transition_names()
    offenders = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "migrations" in path.parts or path.is_relative_to(SERVICES):
                continue
            writes = workflow_writes(path, transitions)
            if relative in DELIVERY_STATUS_MODULES:
                writes = [write for write in writes if "calls" in write]
            if writes:
                offenders[relative] = writes
    assert offenders == {}


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("article.revise()\n", ["1: calls revise()"]),
        ("article.__dict__['status'] = 'approved'\n", ["1: writes __dict__"]),
        ("Article.objects.update(status='x')\n", ["1: update() of a workflow field"]),
        ("article.review_round += 1\n", ["1: assigns .review_round"]),
        (
            "@transition(field=status)\n"
            "def approve(self):\n"
            "    self.review_round += 1\n",
            [],
        ),
    ],
)
def test_the_check_sees_each_kind_of_write(tmp_path, code, expected):
    sample = tmp_path / "sample.py"
    sample.write_text(code)
    assert workflow_writes(sample, transition_names()) == expected
