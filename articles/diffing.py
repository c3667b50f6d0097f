"""What changed between two versions of an article, section by section and reference
by reference, for editors and reviewers.

Each change carries a line diff and a word-level diff. Sections are compared as the
reader reads them (``markdown.render_text``), not as Markdown source. The word diff is
Python's own ``difflib.SequenceMatcher`` over word tokens: no dependency to keep up,
exact on the few thousand words of a section, and every piece of text is escaped
before it is wrapped in ``<ins>``/``<del>``.
"""

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from articles import markdown
from articles.models import Section
from articles.selectors import REFERENCE_FIELDS

ARTICLE_FIELDS = (
    "title",
    "summary",
    "specialty",
    "keywords",
    "literature_reviewed_through",
)


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
    words: SafeString = field(default_factory=SafeString)

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
        """The changed items by kind; a kind with no change is left out."""
        groups = [
            (_("Article fields"), self.fields),
            (_("Sections"), self.sections),
            (_("References"), self.references),
        ]
        return [
            (label, changed)
            for label, changes in groups
            if (changed := [change for change in changes if change.is_changed])
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


# Words, runs of white space and single punctuation marks: the units a reader
# notices changing.
_WORD_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


def word_diff(old: str, new: str) -> SafeString:
    """``new`` as HTML with the words removed since ``old`` in ``<del>`` and the
    words added in ``<ins>``; all text escaped."""
    old_tokens, new_tokens = _WORD_TOKEN.findall(old), _WORD_TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    # (same, removed, added) runs; a run of white space alone between two changes
    # joins them, so a changed phrase reads as one change rather than word by word.
    runs: list[list[str]] = []
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        removed = "".join(old_tokens[old_start:old_end])
        added = "".join(new_tokens[new_start:new_end])
        if operation == "equal":
            runs.append([added, "", ""])
        elif runs and not runs[-1][0]:
            runs[-1][1] += removed
            runs[-1][2] += added
        else:
            runs.append(["", removed, added])
    merged: list[list[str]] = []
    for index, run in enumerate(runs):
        between_changes = 0 < index < len(runs) - 1 and merged and not merged[-1][0]
        if run[0] and run[0].isspace() and between_changes:
            merged[-1][1] += run[0]
            merged[-1][2] += run[0]
        elif not run[0] and merged and not merged[-1][0]:
            merged[-1][1] += run[1]
            merged[-1][2] += run[2]
        else:
            merged.append(run)
    parts = []
    for same, removed, added in merged:
        if same:
            parts.append(escape(same))
            continue
        if removed:
            parts.append(f'<del class="diff-words__removed">{escape(removed)}</del>')
        if added:
            parts.append(f'<ins class="diff-words__added">{escape(added)}</ins>')
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped above


def _change(
    label: str,
    old: str | None,
    new: str | None,
    old_read: str | None = None,
    new_read: str | None = None,
) -> Change:
    """Lines compare the stored text; words compare what readers read (``*_read``,
    the stored text when not given)."""
    old_read = old if old_read is None else old_read
    new_read = new if new_read is None else new_read
    if old is None:
        return Change(label, "added", _lines("", new or ""), word_diff("", new_read))
    if new is None:
        return Change(label, "removed", _lines(old, ""), word_diff(old_read, ""))
    status = "unchanged" if old == new else "changed"
    return Change(label, status, _lines(old, new), word_diff(old_read, new_read))


def _section_label(section: dict[str, Any]) -> str:
    """The heading readers see: the section's own, or its kind's label."""
    kinds = dict(Section.Kind.choices)
    return section["heading"] or str(kinds.get(section["kind"], section["kind"]))


def _section_text(section: dict[str, Any]) -> str:
    text = f"[{section['kind']}] {section['heading']}\n{section['body']}"
    # Versions frozen before patient versions existed have no such key.
    patient_text = section.get("patient_body", "")
    if patient_text:
        text += "\n" + _("[Patient version]") + "\n" + patient_text
    return text


def _section_reading(section: dict[str, Any] | None) -> str | None:
    """The section as readers see it: its heading and rendered text."""
    if section is None:
        return None
    context = markdown.CitationContext(numbers=section["numbers"])
    text = markdown.render_text(section["body"], context)
    # Reviewers approve the patient version too, so they see its changes.
    patient_text = section.get("patient_body", "")
    if patient_text:
        patient_context = markdown.CitationContext(numbers=section["numbers"])
        text += "\n" + _("Patient version:") + "\n"
        text += markdown.render_text(patient_text, patient_context)
    return f"{section['heading']}\n{text}" if section["heading"] else text


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
    # Versions frozen before a field existed lack its key: compared as empty.
    fields = [
        _change(
            name.replace("_", " ").capitalize(),
            str(old.get(name) or ""),
            str(new.get(name) or ""),
        )
        for name in ARTICLE_FIELDS
    ]

    old_sections = {section["id"]: section for section in old["sections"]}
    sections = []
    for section in new["sections"]:
        before = old_sections.pop(section["id"], None)
        sections.append(
            _change(
                _section_label(section),
                _section_text(before) if before else None,
                _section_text(section),
                _section_reading(before),
                _section_reading(section),
            )
        )
    for removed in old_sections.values():
        sections.append(
            _change(
                _section_label(removed),
                _section_text(removed),
                None,
                _section_reading(removed),
            )
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
