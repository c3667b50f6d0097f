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
    "articles": {"config", "references", "reviewers"},
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


def _forward_relations(model) -> list:
    return [
        field
        for field in model._meta.get_fields()
        if (field.is_relation and field.concrete)
        or (field.many_to_many and not field.auto_created)
    ]


def _relation_offenders(models, allowed: dict[str, set[str]]) -> dict[str, str]:
    offenders = {}
    for model in models:
        app = model._meta.app_label
        for field in _forward_relations(model):
            target = field.related_model._meta.app_label
            if target in allowed and target != app and target not in allowed[app]:
                offenders[f"{model._meta.label}.{field.name}"] = target
    return offenders


@pytest.mark.parametrize("app", APPS)
def test_models_relate_only_to_apps_they_may_import(app):
    """Rule 2: a forward relation points into the app, an app it may import, or
    Django / a third-party package (history models included)."""
    from django.apps import apps

    models = apps.get_app_config(app).get_models()
    assert _relation_offenders(models, ALLOWED) == {}


def test_relation_checker_sees_a_relation_upwards():
    from editorial.models import ReviewAssignment
    from references.models import Reference

    assert _relation_offenders([ReviewAssignment], {**ALLOWED, "editorial": set()})
    assert _relation_offenders([Reference], ALLOWED) == {}
