"""Property-based tests (hypothesis) of the Markdown and citation renderer: whatever
an editor types, rendering raises nothing, checking raises only a validation error,
and no live markup comes out."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import markdown
from articles.models import Section
from tests.markup import live_markup

# Pieces that have broken Markdown sanitisers before, mixed with arbitrary text.
FRAGMENTS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<style>*{}</style>",
    '<p style="x">',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "![i](https://example.org/i.png)",
    "[ref]: javascript:alert(1)\n",
    "[ref]",
    "<https://example.org>",
    "<javascript:alert(1)>",
    "[@",
    "[@key]",
    "[@key1; @key2]",
    "[@wu2020, @bad key]",
    "@",
    "]",
    "[",
    "(",
    ")",
    "| a | b |\n|:-:|--:|\n| 1 | 2 |\n",
    "\n",
    "\n\n",
    "# ",
    "#### ",
    "- ",
    "1. ",
    "> ",
    "```\n",
    "`",
    "*",
    "_",
    "~~",
    "\\",
    "&",
    "&lt;",
    '"',
    "'",
    "<",
    ">",
    "\x00",
    # What the renderer itself writes for a marker before numbering it: typed by an
    # editor it must stay text, never become a citation.
    '<sup class="citations cite-slot-0"></sup>',
    "cite-slot-1",
]
bodies = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=25
).map("".join)


@settings(max_examples=300, deadline=None)
@given(body=bodies, numbered=st.integers(min_value=0, max_value=3))
def test_rendering_any_body_raises_nothing_and_leaves_no_live_markup(body, numbered):
    keys = markdown.citation_keys(body)
    # Some markers numbered (known references), the rest not.
    context = markdown.CitationContext(
        numbers={key: number for number, key in enumerate(keys[:numbered], start=1)}
    )

    html = markdown.render(body, context)

    assert live_markup(html, markdown.ALLOWED_TAGS) == [], html


@pytest.mark.django_db
@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(body=bodies)
def test_checking_any_body_raises_at_most_a_validation_error(body):
    section = Section(body=body, kind=Section.Kind.RESEARCH, order=1)

    try:
        section.clean()
    except ValidationError as error:
        assert error.message_dict["body"]


@settings(max_examples=300, deadline=None)
@given(body=bodies, numbered=st.integers(min_value=0, max_value=3))
def test_numbering_markers_after_sanitising_adds_nothing_the_sanitiser_would_change(
    body, numbered
):
    """Markers are numbered in HTML already sanitised (so the costly part can be
    kept per text): the links put in must be exactly what the sanitiser would let
    through, and a slot typed by an editor must stay text."""
    keys = markdown.citation_keys(body)
    context = markdown.CitationContext(
        numbers={key: number for number, key in enumerate(keys[:numbered], start=1)}
    )

    html = markdown.render(body, context)

    assert markdown.sanitise(html) == html
    # Every slot the renderer wrote was filled; what is left was typed.
    assert html.count("cite-slot-") <= body.count("cite-slot-")
