"""The apps depend on each other in one direction only (docs/architecture.md)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("articles", "references", "reviewers", "editorial")
# Which of our apps each app may import.
ALLOWED = {
    "references": {"config"},
    "reviewers": {"config"},
    "articles": {"config", "references"},
    "editorial": {"config", "articles", "references", "reviewers"},
}


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & (set(APPS) | {"config"})


@pytest.mark.parametrize("app", APPS)
def test_app_imports_only_what_it_may(app):
    offenders = {}
    for path in (ROOT / app).rglob("*.py"):
        forbidden = _imported_apps(path) - ALLOWED[app] - {app}
        if forbidden:
            offenders[str(path.relative_to(ROOT))] = sorted(forbidden)
    assert offenders == {}


def test_checker_sees_a_forbidden_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from editorial.services import review_start\nimport articles\n")
    assert _imported_apps(sample) == {"editorial", "articles"}
