"""State diagrams drawn from the django-fsm-2 transitions themselves, so the
documentation cannot drift from the code (``manage.py workflow_diagram``)."""

from django.db import models
from django_fsm import FSMFieldMixin


def mermaid_state_diagram(model: type[models.Model], field_name: str) -> str:
    field = model._meta.get_field(field_name)
    assert isinstance(field, FSMFieldMixin)
    labels = dict(field.choices)
    lines = ["stateDiagram-v2"]
    initial = field.get_default()
    lines.append(f"    [*] --> {initial}")
    for value, label in labels.items():
        lines.append(f"    {value}: {label}")
    edges = sorted(
        (
            (str(transition.source), str(transition.target), transition)
            for transition in field.get_all_transitions(model)
        ),
        key=lambda edge: (edge[0], edge[1], edge[2].name),
    )
    for source, target, transition in edges:
        text = str(transition.custom.get("label", transition.name))
        actor = transition.custom.get("actor")
        if actor:
            text += f" ({actor})"
        lines.append(f"    {source} --> {target}: {transition.name} — {text}")
    return "\n".join(lines)
