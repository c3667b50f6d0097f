"""Whatever an editor types, the public page carries no live script."""

import re

import pytest

from tests.articles.factories import ArticleFactory, SectionFactory
from tests.references.factories import ReferenceFactory

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">click</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1)">'
    "x</a>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](jav&#x09;ascript:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click](vbscript:msgbox(1))",
    "[click][evil]\n\n[evil]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<data:text/html,<script>alert(1)</script>>",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![x" onerror="alert(1)](https://example.org/a.png)',
    '![x](https://example.org/a.png" onerror="alert(1))',
    "![x](javascript:alert(1))",
    '[click](https://example.org "t\\" onmouseover=\\"alert(1)")',
    '<https://example.org/" onmouseover="alert(1)>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p onclick="alert(1)">click</p>',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<!--<script>alert(1)</script>-->",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "| head |\n|---|\n| <img src=x onerror=alert(1)> |",
    "- item\n  - <svg onload=alert(1)>\n  - [x](javascript:alert(1))",
    "### <script>alert(1)</script> heading",
    "**<img src=x onerror=alert(1)>** [@safe-source]",
]

DANGEROUS_TAGS = {
    "script",
    "iframe",
    "frame",
    "object",
    "embed",
    "style",
    "svg",
    "math",
    "img",
    "form",
    "input",
    "button",
    "base",
    "meta",
    "link",
    "details",
    "video",
    "audio",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster"}
SAFE_SCHEMES = {"http", "https", "mailto"}


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see: it drops tabs and newlines and edge controls."""
    cleaned = re.sub(r"[\t\n\r]", "", url).strip("\x00- ")
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", cleaned)
    return match.group(1).lower() if match else None


def live_markup(root) -> list[str]:
    """What in a parsed document could run script, as readable findings."""
    findings = []
    for element in root.iter():
        for name, value in element.attrs.items():
            if name.startswith("on"):
                findings.append(f"<{element.tag} {name}>")
            if name in URL_ATTRIBUTES and url_scheme(value) not in {
                None,
                *SAFE_SCHEMES,
            }:
                findings.append(f"<{element.tag} {name}={value!r}>")
            if name == "style" and re.search(r"url\(|expression", value, re.I):
                findings.append(f"<{element.tag} style={value!r}>")
        if element.tag == "script":
            findings.append("<script>")
    return findings


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>x()</script>",
        '<img src="a.png" onerror="x()">',
        '<a href="javascript:x()">a</a>',
        '<a href=" jav&#x09;ascript:x()">a</a>',
        '<a href="DATA:text/html,x">a</a>',
        '<iframe src="vbscript:x"></iframe>',
        '<p style="background:url(x)">a</p>',
    ],
)
def test_the_live_markup_check_spots_what_it_looks_for(html, snippet):
    assert live_markup(html(snippet))


@pytest.fixture
def safe_source(db):
    return ReferenceFactory(citation_key="safe-source")


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_nothing_an_editor_types_in_a_section_runs_as_script(
    client, html, safe_source, payload
):
    article = ArticleFactory()
    SectionFactory(article=article, heading="Typed by an editor", body=payload)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    page = html(response.content)

    assert live_markup(page) == []
    section = page.find("section", class_="article-section")
    assert section.find("h2").text == "Typed by an editor"
    tags = {element.tag for element in section.iter()}
    assert not tags & DANGEROUS_TAGS


def test_at_least_twenty_payloads_are_tried():
    assert len(set(XSS_PAYLOADS)) >= 20


def test_raw_html_is_shown_to_readers_as_text(client, html, db):
    article = ArticleFactory()
    SectionFactory(article=article, body="Use <b>bold</b> sparingly.")
    page = html(client.get(article.get_absolute_url()).content)
    paragraph = page.find("section", class_="article-section").find("p")
    assert paragraph.text == "Use <b>bold</b> sparingly."
    assert not paragraph.find_all("b")


def test_safe_links_keep_working_and_open_no_window_handle(client, html, db):
    article = ArticleFactory()
    SectionFactory(article=article, body="See [the label](https://example.org/label).")
    page = html(client.get(article.get_absolute_url()).content)
    link = page.find("section", class_="article-section").find("a")
    assert link.attrs["href"] == "https://example.org/label"
    assert "noopener" in link.attrs["rel"].split()


HOSTILE_TEXT = '<script>alert("x")</script><img src=x onerror=alert(1)> & co'


def test_titles_headings_and_summaries_are_escaped(client, html, db):
    article = ArticleFactory(title=HOSTILE_TEXT, summary=HOSTILE_TEXT)
    SectionFactory(article=article, heading=HOSTILE_TEXT, body="Plain.")
    ReferenceFactory(citation_key="hostile", title=HOSTILE_TEXT, authors=HOSTILE_TEXT)
    SectionFactory(article=article, body="Cited [@hostile].")
    response = client.get(article.get_absolute_url())
    page = html(response.content)

    assert live_markup(page) == []
    assert not page.find_all("img")
    assert page.find("h1").text == HOSTILE_TEXT
    assert page.find("title").text.startswith(HOSTILE_TEXT)
    assert page.find("section", class_="summary").find("p").text == HOSTILE_TEXT
    assert page.find("section", class_="article-section").find("h2").text == (
        HOSTILE_TEXT
    )
    assert HOSTILE_TEXT in page.find("p", class_="reference-text").text


def test_the_article_list_escapes_titles(client, html, db):
    ArticleFactory(title=HOSTILE_TEXT)
    page = html(client.get("/").content)
    assert live_markup(page) == []
    assert page.find("ul", class_="article-list").find("a").text == HOSTILE_TEXT
