"""PostgreSQL unreachable: the site answers a styled 503 and recovers by itself."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.articles.factories import ArticleFactory
from tests.config.tcp_proxy import TcpProxy

PROJECT_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 30

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - local
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture
def proxy():
    database = connection.settings_dict
    tcp_proxy = TcpProxy(
        (database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432))
    )
    tcp_proxy.start()
    yield tcp_proxy
    tcp_proxy.stop()


@pytest.fixture
def site(proxy):
    """gunicorn with the suite's settings (production ones, static files served from
    the source folders), reaching the test database through the proxy."""
    database = connection.settings_dict
    port = free_port()
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PYTEST_", "DJANGO_", "DATABASE_URL"))
    } | {
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": (
            f"postgres://{database['USER']}{password}@127.0.0.1:{proxy.port}/"
            f"{database['NAME']}"
        ),
    }
    process = subprocess.Popen(  # noqa: S603 - our own gunicorn
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            f"--bind=127.0.0.1:{port}",
            "--workers=1",
            "--log-level=warning",
        ],
        cwd=PROJECT_ROOT,
        env=environment,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while True:
        try:
            get(base_url + "/")
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise AssertionError("gunicorn did not start") from None
            time.sleep(0.2)
    yield base_url
    process.terminate()
    process.wait(timeout=10)


def test_pages_answer_a_styled_503_while_the_database_is_away_then_recover(proxy, site):
    article = ArticleFactory(title="Which test finds EGFR mutations?")
    assert get(site + article.get_absolute_url())[0] == 200
    assert get(site + "/")[0] == 200

    proxy.stop()
    # The article page and the list a reader already opened are still served from
    # the cache.
    status, _, body = get(site + article.get_absolute_url())
    assert status == 200
    assert "Which test finds EGFR mutations?" in body
    status, _, body = get(site + "/")
    assert status == 200
    assert "Medreview is temporarily unavailable" not in body
    for path in ("/?status=approved", "/advisory-board/", "/articles/never-opened/"):
        status, headers, body = get(site + path)
        assert status == 503, path
        assert headers["Retry-After"] == "30"
        assert "no-store" in headers["Cache-Control"]
        assert "Medreview is temporarily unavailable" in body
        assert "/static/css/site.css" in body

    proxy.start()
    # A list not stored before (this gunicorn keeps its cache in its own memory, so
    # the factory's save could not replace what it stored at start).
    status, _, body = get(site + "/?status=submitted")
    assert status == 200
    assert "Which test finds EGFR mutations?" in body
