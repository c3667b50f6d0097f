"""Shared fixtures and the service markers (``postgres``, ``broker``, ``browser``).

A marked test is skipped when its service is missing, so the suite runs on a laptop
with nothing installed. CI sets ``MEDREVIEW_REQUIRE_SERVICES=1``: there a marked test
that skips, for whatever reason, is reported as failed, so a green run proves the
PostgreSQL, broker and browser tests really ran.
"""

import functools
import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connection, connections

CHROMIUM_PATH = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
]
BROKER_TIMEOUT_SECONDS = 3

SERVICE_NAMES = {
    "postgres": "PostgreSQL",
    "broker": "a Celery broker",
    "browser": "Chromium with Playwright",
}


# --- Service markers -------------------------------------------------------------


def services_required() -> bool:
    return os.environ.get("MEDREVIEW_REQUIRE_SERVICES") == "1"


def postgres_missing() -> str | None:
    if connection.vendor != "postgresql":
        return (
            f"the default database is {connection.vendor}; set DATABASE_URL to a "
            "PostgreSQL database"
        )
    return None


@functools.cache
def broker_missing() -> str | None:
    """Why the broker cannot be used, or None; asked once per run."""
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url:
        return "CELERY_BROKER_URL is not set"
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=BROKER_TIMEOUT_SECONDS) as broker:
            broker.ensure_connection(
                max_retries=1,
                interval_start=0,
                interval_step=0,
                timeout=BROKER_TIMEOUT_SECONDS,
            )
    except Exception as error:  # any failure means "not usable here"
        return f"the broker at CELERY_BROKER_URL does not answer: {error}"
    return None


def browser_missing() -> str | None:
    if not CHROMIUM_PATH.exists():
        return f"{CHROMIUM_PATH} is not installed"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        return f"Playwright does not import: {error}"
    return None


SERVICE_CHECKS = {
    "postgres": postgres_missing,
    "broker": broker_missing,
    "browser": browser_missing,
}


def required_services(item: pytest.Item) -> list[str]:
    return [name for name in SERVICE_CHECKS if item.get_closest_marker(name)]


def pytest_runtest_setup(item: pytest.Item) -> None:
    for name in required_services(item):
        reason = SERVICE_CHECKS[name]()
        if reason:
            pytest.skip(f"needs {SERVICE_NAMES[name]}: {reason}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if not (report.skipped and services_required()) or hasattr(report, "wasxfail"):
        return
    services = required_services(item)
    if not services:
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
    names = " and ".join(SERVICE_NAMES[name] for name in services)
    report.outcome = "failed"
    report.longrepr = (
        f"MEDREVIEW_REQUIRE_SERVICES=1 but this test needs {names} and was skipped "
        f"({reason})"
    )
    report.missing_service = names


@pytest.hookimpl(tryfirst=True)
def pytest_report_teststatus(report: pytest.TestReport):
    # A skip in set-up would otherwise show as "ERROR"; it is a failed test.
    if getattr(report, "missing_service", None) and report.when == "setup":
        return "failed", "F", "FAILED"
    return None


# --- Users and board members ----------------------------------------------------


# Factories (and Faker behind them) are imported inside fixtures so that a pytest run
# which needs none of them, such as the service-marker check, starts quickly.


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: no page rendered by another test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor_user(db):
    """A staff member in the Editors group (not a superuser)."""
    from tests.articles.factories import EditorFactory

    return EditorFactory(username="editor")


@pytest.fixture
def editor_client(client, editor_user):
    client.force_login(editor_user)
    return client


@pytest.fixture
def board_member(db):
    """An active member of the board with an account to sign in and review."""
    from tests.reviewers.factories import AdvisoryBoardMemberFactory

    member = AdvisoryBoardMemberFactory(
        with_account=True,
        display_name="Ana Ruiz",
        credentials="MD, PhD",
        specialty="Thoracic oncology",
    )
    member.user.groups.add(Group.objects.get(name="Reviewers"))
    return member


@pytest.fixture
def reviewer_user(board_member):
    return board_member.user


# --- Browser ---------------------------------------------------------------------


@pytest.fixture
def chromium():
    """Debian's Chromium driven by Playwright.

    Playwright's synchronous API runs an event loop in this thread while it is open,
    which Django takes for an async context: its async-safety check is lifted, and
    database calls made meanwhile go through separate connections, closed here before
    the loop stops. One browser per test keeps the test database's set-up and flush
    (serialized rollback included) outside that loop.
    """
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM_PATH), args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
        connections.close_all()


@pytest.fixture
def browser_page(chromium, live_server):
    """A fresh tab on the test server; relative addresses go to the live server."""
    context = chromium.new_context(base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


# --- Content ---------------------------------------------------------------------


@pytest.fixture
def reference_library(db):
    """Sources of each kind the reference article cites, by citation key."""
    from references.models import Reference
    from tests.references.factories import ReferenceFactory

    references = {
        "esmo2023": ReferenceFactory(
            citation_key="esmo2023",
            kind=Reference.Kind.GUIDELINE,
            title="Oncogene-addicted metastatic NSCLC: practice guideline",
        ),
        "osimertinib-label": ReferenceFactory(
            citation_key="osimertinib-label",
            kind=Reference.Kind.DRUG_LABEL,
            title="Osimertinib tablets: prescribing information",
            authors="US Food and Drug Administration",
            pmid="",
            doi="",
            url="https://example.org/label.pdf",
        ),
    }
    for key in ("wu2020", "chen2019", "lin2022", "mosele2020", "tan2021"):
        references[key] = ReferenceFactory(citation_key=key)
    return references


@pytest.fixture
def reference_page_article(reference_library):
    """An article shaped like the reference page: guideline, drug label, research.

    Sections are created out of order: numbering follows ``order``, not ids.
    """
    from articles.models import Section
    from tests.articles.factories import ArticleFactory, SectionFactory

    article = ArticleFactory(
        title="How is treatment personalised in non-small cell lung cancer?"
    )
    SectionFactory(
        article=article,
        order=3,
        kind=Section.Kind.RESEARCH,
        body=(
            "- EGFR inhibitors help [@wu2020; @chen2019].\n"
            "- ALK inhibitors too [@lin2022; @chen2019].\n"
            "- Profiling comes first [@wu2020; @mosele2020; @tan2021].\n\n"
            "### Clinical Outcomes\n\n"
            "- Survival differs by driver [@lin2022].\n"
        ),
    )
    SectionFactory(
        article=article,
        order=1,
        kind=Section.Kind.GUIDELINES,
        body="Test every tumour [@esmo2023]. Treat by the driver found [@esmo2023].",
    )
    SectionFactory(
        article=article,
        order=2,
        kind=Section.Kind.DRUG_LABEL,
        body=(
            "Select patients with an approved test [@osimertinib-label].\n\n"
            "- Key considerations:\n"
            "  - **Genetic testing** comes first.\n"
            "  - The test must be *approved*.\n"
        ),
    )
    return article


# --- Reading HTML -----------------------------------------------------------------

VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list["Element | str"] = field(default_factory=list)
    parent: "Element | None" = None

    def iter(self):
        """This element and all its descendants, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list["Element"]:
        return [
            element
            for element in self.iter()
            if (tag is None or element.tag == tag)
            and all(element.has(name, value) for name, value in attrs.items())
        ]

    def find(self, tag: str | None = None, **attrs: str) -> "Element":
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag or '*'}> with {attrs} in the page"
        return found[0]

    def has(self, name: str, value: str) -> bool:
        name = name.rstrip("_").replace("_", "-")
        if name == "class":
            return value in self.attrs.get("class", "").split()
        return self.attrs.get(name) == value

    @property
    def text(self) -> str:
        parts = []
        for child in self.children:
            parts.append(child.text if isinstance(child, Element) else child)
        return "".join(parts)

    @property
    def normalised_text(self) -> str:
        return re.sub(r"\s+", " ", self.text).strip()


class TreeBuilder(HTMLParser):
    """A small, forgiving HTML tree builder over the standard library's parser."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(
            tag, {name: value or "" for name, value in attrs}, parent=self.current
        )
        self.current.children.append(element)
        if tag not in VOID_ELEMENTS:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(
            Element(
                tag, {name: value or "" for name, value in attrs}, parent=self.current
            )
        )

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse_html(html: str | bytes) -> Element:
    if isinstance(html, bytes):
        html = html.decode()
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


@pytest.fixture
def html():
    """Parse a page: ``html(response.content).find("h1").text``."""
    return parse_html


# --- Bibliographic services ---------------------------------------------------------


@pytest.fixture
def recorded_services(settings):
    """Crossref, NCBI and ClinicalTrials.gov answering from recordings on a local
    port (tests/references/recordings/); the link resolvers point at it too."""
    from django.core.cache import cache

    from tests.references.recorded_server import RecordedServer

    server = RecordedServer().start()
    for name, value in server.service_settings().items():
        setattr(settings, name, value)
    settings.MEDREVIEW_LINK_RESOLVERS = server.link_resolvers()
    settings.MEDREVIEW_LOOKUP_TIMEOUT = 1.0
    cache.clear()
    yield server
    server.stop()
    cache.clear()
