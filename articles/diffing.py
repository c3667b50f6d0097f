"""What changed between two versions of an article, section by section and reference
by reference, for editors and reviewers."""

import difflib
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from articles.selectors import REFERENCE_FIELDS

ARTICLE_FIELDS = ("title", "summary", "specialty", "keywords")


@dataclass(frozen=True)
class LineChange:
    kind: str  # "same", "added" or "removed"
    text: str


@dataclass(frozen=True)
class Change:
    """One compared item: a field, a section or a reference."""

    label: str
    status: str  # "added", "removed", "changed" or "unchanged"
    lines: list[LineChange]

    @property
    def is_changed(self) -> bool:
        return self.status != "unchanged"


@dataclass(frozen=True)
class Comparison:
    fields: list[Change]
    sections: list[Change]
    references: list[Change]

    @property
    def groups(self) -> list[tuple[str, list[Change]]]:
        return [
            (_("Article fields"), self.fields),
            (_("Sections"), self.sections),
            (_("References"), self.references),
        ]

    @property
    def has_changes(self) -> bool:
        return any(
            change.is_changed
            for change in (*self.fields, *self.sections, *self.references)
        )


def _lines(old: str, new: str) -> list[LineChange]:
    result = []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        code, text = line[:2], line[2:]
        if code == "  ":
            result.append(LineChange("same", text))
        elif code == "- ":
            result.append(LineChange("removed", text))
        elif code == "+ ":
            result.append(LineChange("added", text))
    return result


def _change(label: str, old: str | None, new: str | None) -> Change:
    if old is None:
        return Change(label, "added", _lines("", new or ""))
    if new is None:
        return Change(label, "removed", _lines(old, ""))
    status = "unchanged" if old == new else "changed"
    return Change(label, status, _lines(old, new))


def _section_text(section: dict[str, Any]) -> str:
    return f"[{section['kind']}] {section['heading']}\n{section['body']}"


def _reference_text(reference: dict[str, Any]) -> str:
    return "\n".join(
        f"{name}: {reference[name]}"
        for name in REFERENCE_FIELDS
        if reference.get(name) not in (None, "")
    )


def compare(old: dict[str, Any], new: dict[str, Any]) -> Comparison:
    """Compare two content dictionaries (see ``articles.selectors.article_content``).

    Sections are matched by their identity (a section keeps its id across edits);
    references by their library id, listed in the newer numbering.
    """
    fields = [
        _change(name.replace("_", " ").capitalize(), str(old[name]), str(new[name]))
        for name in ARTICLE_FIELDS
    ]

    old_sections = {section["id"]: section for section in old["sections"]}
    sections = []
    for section in new["sections"]:
        before = old_sections.pop(section["id"], None)
        sections.append(
            _change(
                section["heading"] or section["kind"],
                _section_text(before) if before else None,
                _section_text(section),
            )
        )
    for removed in old_sections.values():
        sections.append(
            _change(removed["heading"] or removed["kind"], _section_text(removed), None)
        )

    old_references = {reference["id"]: reference for reference in old["references"]}
    references = []
    for reference in new["references"]:
        before = old_references.pop(reference["id"], None)
        references.append(
            _change(
                f"{reference['number']}. {reference['title']}",
                _reference_text(before) if before else None,
                _reference_text(reference),
            )
        )
    for removed in old_references.values():
        references.append(_change(removed["title"], _reference_text(removed), None))
    return Comparison(fields=fields, sections=sections, references=references)
