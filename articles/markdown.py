"""Markdown for section bodies: rendering, citation markers and sanitising.

Editors write CommonMark. A citation marker is ``[@key]`` where ``key`` is a reference's
citation key; several sources go in one marker separated by semicolons:
``[@planchard2018; @kris2014]``. Raw HTML typed by an editor is shown as text, links may
only use http(s) or mailto, and whatever the renderer produces is passed through nh3 so
no script, event handler or ``javascript:`` URL survives.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import unescape

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

# Anything in square brackets that starts with "@" is a marker. Keys are split on ";"
# or ","; a mistyped key ("pmid:30768456", "wu 2020", "wu2020.") is still a key, so
# validation names it instead of readers seeing the marker as raw text.
MARKER_PATTERN = re.compile(r"\[\s*(@[^\[\]\n]*)\]")
KEY_SEPARATOR = re.compile(r"[;,]")

# Headings inside a section start at h3: the page has h1 (title) and h2 (sections), so
# "#", "##" and "###" all become h3 and deeper levels follow ("####" is h4).
FIRST_BODY_HEADING_LEVEL = 3

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "sup",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "id", "title", "class", "aria-label"},
    "sup": {"class"},
    "ol": {"start"},
    "th": {"class"},
    "td": {"class"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"
# A citation marker in prepared HTML: ``<sup class="citations cite-slot-N"></sup>``.
# Editors' raw HTML is shown as text, so only the renderer can write one.
CITATION_SLOT_CLASS = "cite-slot-"
CITATION_SLOT = re.compile(r'<sup class="citations cite-slot-(\d+)"></sup>')


@dataclass
class CitationContext:
    """What the renderer needs to turn markers into numbered links.

    ``numbers`` maps each citation key of the section to its number in the article.
    ``occurrences`` counts citations of each number so far, giving every marker a
    unique anchor for the reference list's “back to text” links.
    """

    numbers: Mapping[str, int]
    occurrences: dict[int, int] = field(default_factory=dict)

    def anchor_for(self, number: int) -> str:
        count = self.occurrences.get(number, 0) + 1
        self.occurrences[number] = count
        return f"cite-{number}-{count}"


def _citation_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "[":
        return False
    match = MARKER_PATTERN.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"keys": _marker_keys(match.group(1))}
        token.content = match.group(0)
    state.pos = match.end()
    return True


def _marker_keys(marker: str) -> list[str]:
    """The keys of a marker's inside: "@a; @b" gives ["a", "b"]."""
    parts = KEY_SEPARATOR.split(marker)
    keys = (part.strip().removeprefix("@").strip() for part in parts)
    return [key for key in keys if key]


def _render_citation(self, tokens, idx, options, env) -> str:
    """A numbered slot for the marker; ``fill_citations`` puts the numbers in."""
    markers: list[tuple[str, ...]] = env["markers"]
    markers.append(tuple(tokens[idx].meta["keys"]))
    return f'<sup class="citations {CITATION_SLOT_CLASS}{len(markers) - 1}"></sup>'


def _citation_links(keys: tuple[str, ...], context: CitationContext) -> str:
    # Written as the sanitiser writes links, so the filled page is as sanitised as
    # the rest (a property test holds us to it).
    links = []
    for key in keys:
        number = context.numbers.get(key)
        if number is None:
            links.append(
                '<a class="citation-missing" title="Source unavailable" '
                f'rel="{LINK_REL}">?</a>'
            )
            continue
        anchor = context.anchor_for(number)
        links.append(
            f'<a href="#ref-{number}" id="{anchor}" class="citation" '
            f'aria-label="Reference {number}" rel="{LINK_REL}">{number}</a>'
        )
    return '<sup class="citations">' + ", ".join(links) + "</sup>"


def _render_heading_open(self, tokens, idx, options, env) -> str:
    return f"<h{_body_heading_level(tokens[idx].tag, env)}>"


def _render_heading_close(self, tokens, idx, options, env) -> str:
    return f"</h{_body_heading_level(tokens[idx].tag, env)}>\n"


def _body_heading_level(tag: str, env) -> int:
    shift = env.get("heading_shift")
    if shift is not None:
        return min(int(tag[1]) + shift, 6)
    return max(int(tag[1]), FIRST_BODY_HEADING_LEVEL)


def _align_cells_by_class(state) -> None:
    """A table column's alignment as a class, not a style attribute: the
    Content-Security-Policy refuses inline styles."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open") and token.attrGet("style"):
            alignment = str(token.attrGet("style")).removeprefix("text-align:")
            del token.attrs["style"]
            token.attrSet("class", f"align-{alignment}")


def _build_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False})
    parser.enable(["table", "strikethrough"])
    parser.inline.ruler.before("link", "citation", _citation_rule)
    parser.add_render_rule("citation", _render_citation)
    parser.add_render_rule("heading_open", _render_heading_open)
    parser.add_render_rule("heading_close", _render_heading_close)
    parser.core.ruler.push("align_cells_by_class", _align_cells_by_class)
    return parser


_parser = _build_parser()
# The same rules without markdown-it's nesting limit, to see what the limit would cut.
_unlimited_parser = _build_parser()
_unlimited_parser.options["maxNesting"] = 10_000
NESTING_OPENERS = {"bullet_list_open", "ordered_list_open", "blockquote_open"}
NESTING_CLOSERS = {"bullet_list_close", "ordered_list_close", "blockquote_close"}


def nesting_cut_depth(body: str) -> int | None:
    """How deep the body nests lists and quotes, when that is deeper than the
    renderer shows (markdown-it drops what lies past its nesting limit); else None."""
    unlimited = _unlimited_parser.parse(body)
    if len(_parser.parse(body)) == len(unlimited):
        return None
    depth = deepest = 0
    for token in unlimited:
        if token.type in NESTING_OPENERS:
            depth += 1
            deepest = max(deepest, depth)
        elif token.type in NESTING_CLOSERS:
            depth -= 1
    return deepest


HARD_BREAK = "  "


def normalise_text(text: str) -> str:
    """The text as readers see it, so a save that changes nothing compares equal.

    Browsers post line endings as CRLF; trailing spaces and blank lines at the end are
    invisible. Both are removed, except two trailing spaces, which are Markdown's hard
    line break and kept as exactly two.
    """
    lines = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = line.rstrip()
        if line.endswith(HARD_BREAK) and stripped:
            stripped += HARD_BREAK
        lines.append(stripped)
    return "\n".join(lines).strip("\n").rstrip()


def citation_keys(body: str) -> list[str]:
    """The citation keys of ``body`` in order of first appearance, without repeats."""
    keys: list[str] = []
    for block in _parser.parse(body or ""):
        for token in block.children or ():
            if token.type == "citation":
                for key in token.meta["keys"]:
                    if key not in keys:
                        keys.append(key)
    return keys


def sanitise(html: str, *, extra_tags: frozenset[str] = frozenset()) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS | extra_tags,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
    )


@dataclass(frozen=True)
class PreparedText:
    """A text's Markdown rendered and sanitised, its citation markers left as
    numbered slots: the costly part of rendering, which depends on the text alone and
    can be kept (``articles.rendering``). ``markers`` holds each slot's keys."""

    html: str
    markers: tuple[tuple[str, ...], ...]


def prepare(body: str) -> PreparedText:
    env: dict = {"markers": []}
    html = sanitise(_parser.render(body or "", env))
    return PreparedText(html=html, markers=tuple(env["markers"]))


def fill_citations(prepared: PreparedText, context: CitationContext) -> str:
    """The prepared HTML with each marker's numbered links, in reading order."""
    return CITATION_SLOT.sub(
        lambda slot: _citation_links(prepared.markers[int(slot[1])], context),
        prepared.html,
    )


def render(body: str, context: CitationContext | None = None) -> str:
    """Render a section body to sanitised HTML; ``context`` numbers the markers."""
    return fill_citations(prepare(body), context or CitationContext(numbers={}))


# Where a reader sees a break in the rendered page, the plain text has one too.
_BLOCK_END = re.compile(r"</(p|li|h[3-6]|blockquote|pre|tr|table)>|<br\s*/?>|<hr\s*/?>")
_TABLE_CELL_END = re.compile(r"</t[hd]>")


def render_text(body: str, context: CitationContext | None = None) -> str:
    """What a reader reads of ``body``, as plain text: the rendered, sanitised page
    without its markup, citation numbers in brackets, one line per block.

    Comparisons of versions are made on this text, so a reviewer sees the words that
    changed on the page rather than Markdown syntax, and no markup can get through.
    """
    html = render(body, context).replace("\n", " ")
    html = html.replace('<sup class="citations">', " [").replace("</sup>", "]")
    html = html.replace("<li>", "<li>• ")
    html = _TABLE_CELL_END.sub(" | ", html)
    html = _BLOCK_END.sub("\n", html)
    text = unescape(nh3.clean(html, tags=set()))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def render_page(body: str, *, top_heading_level: int = 2) -> str:
    """Render a document that is a page's whole content under its h1 (the editorial
    policy): its highest heading becomes ``top_heading_level`` and the others keep
    their depth below it, so the outline skips no level."""
    tokens = _parser.parse(body or "")
    levels = [int(token.tag[1]) for token in tokens if token.type == "heading_open"]
    env = {
        "markers": [],
        "heading_shift": top_heading_level - min(levels, default=top_heading_level),
    }
    html = _parser.renderer.render(tokens, _parser.options, env)
    prepared = PreparedText(
        html=sanitise(html, extra_tags=frozenset({"h2"})), markers=tuple(env["markers"])
    )
    return fill_citations(prepared, CitationContext(numbers={}))
