"""Every public page, measured in Chromium: axe-core (WCAG 2.2 A and AA) finds no
violation in light or dark colours, and the Nu HTML Checker finds no error in the
markup the server sends. Screenshots at phone and desktop widths, light and dark,
land in ``artifacts/pages/`` for people to look at.

The checkers come from the npm registry (``package.json``: axe-core, vnu-jar) and the
Nu checker runs on the JDK; ``.ci/run`` installs both.
"""

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(settings.BASE_DIR)
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SCREENSHOTS_DIR = ROOT / "artifacts" / "pages"
AXE_SOURCE = AXE_SCRIPT.read_text() if AXE_SCRIPT.exists() else ""
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
WIDTHS = {"phone": 375, "desktop": 1280}
SCHEMES = ("light", "dark")

NSCLC = "/articles/personalized-medicine-in-non-small-cell-lung-cancer/"
APPROVED = "/articles/doac-or-warfarin-in-atrial-fibrillation/"
PAGES = {
    "home": "/",
    "article-professional": NSCLC + "?audience=clinician",
    "article-patient": NSCLC + "?audience=patient",
    "article-approved": APPROVED + "?audience=clinician",
    "search-results": "/?q=warfarin",
    "specialty": "/specialties/cardiology/",
    "question-form": APPROVED + "ask/",
    "board": "/advisory-board/",
    "member": "/advisory-board/eleanor-whitfield/",
    "policy": "/editorial-policy/",
    "sign-in": "/accounts/login/",
    "not-found": "/no-such-page/",
}


def checkers_missing() -> str | None:
    if not AXE_SCRIPT.exists() or not VNU_JAR.exists():
        return "the npm checkers are not installed: run `npm ci` in the project"
    if shutil.which("java") is None:
        return "java is missing: install default-jre-headless"
    return None


@pytest.fixture
def demo_site():
    """The demo content, committed for the live server (before the browser starts)."""
    call_command("load_demo", force=True, stdout=io.StringIO())


def axe_violations(page) -> list[str]:
    # Evaluated through the browser's debugging protocol rather than added as a
    # <script>, which the site's Content-Security-Policy rightly refuses; the policy
    # stays on, so a page breaking it shows as a console error.
    page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    return [
        f"{violation['id']}: {node['target']} ({violation['help']})"
        for violation in result["violations"]
        for node in violation["nodes"]
    ]


def markup_errors(files: list[Path]) -> list[str]:
    """The Nu HTML Checker's errors, one line each, with file and line."""
    run = subprocess.run(  # noqa: S603 - our own jar and files
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]
        + [str(path) for path in files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stderr or '{"messages": []}')["messages"]
    return [
        f"{Path(message.get('url', '')).name}:{message.get('lastLine')}: "
        f"{message['message']}"
        for message in messages
    ]


def test_every_public_page_passes_axe_and_the_html_checker(
    demo_site, chromium, live_server, tmp_path
):
    missing = checkers_missing()
    if missing:
        pytest.skip(missing)
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    violations: dict[str, list[str]] = {}
    html_files = []
    console_errors = []

    def keep_errors(message):
        if message.type == "error":
            console_errors.append(f"{message.text} ({message.location['url']})")

    for scheme in SCHEMES:
        context = chromium.new_context(
            base_url=live_server.url,
            color_scheme=scheme,
            viewport={"width": WIDTHS["desktop"], "height": 900},
        )
        page = context.new_page()
        page.on("console", keep_errors)
        for name, address in PAGES.items():
            response = page.goto(address)
            expected = 404 if name == "not-found" else 200
            assert response.status == expected, (name, response.status)
            if scheme == "light":
                html_file = tmp_path / f"{name}.html"
                html_file.write_bytes(response.body())
                html_files.append(html_file)
            found = axe_violations(page)
            if found:
                violations[f"{name} ({scheme})"] = found
            for width_name, width in WIDTHS.items():
                page.set_viewport_size({"width": width, "height": 900})
                page.screenshot(
                    path=str(SCREENSHOTS_DIR / f"{name}-{width_name}-{scheme}.png"),
                    full_page=True,
                )
            page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
        context.close()
    # The not-found page's own status is expected; any other console error is not.
    unexpected = [text for text in console_errors if "/no-such-page/" not in text]
    problems = {
        "console errors": unexpected,
        "axe-core violations": violations,
        "Nu HTML Checker errors": markup_errors(html_files),
    }
    assert problems == {
        "console errors": [],
        "axe-core violations": {},
        "Nu HTML Checker errors": [],
    }
