"""Requests per second of the public pages under gunicorn, against a static file.

Builds, in a throwaway PostgreSQL database (``test_<name>`` beside the one
``DATABASE_URL`` names), an approved article of 40 sections / 100 references, a
working copy of the same size never approved, and a few small articles for the home
list. Then it starts gunicorn with the production settings (debug off, 2 workers)
twice: once without a cache (every request renders: the "cold" figures) and once with
the Redis cache of ``DJANGO_CACHE_URL`` (default ``redis://127.0.0.1:6379/0``, emptied
of this run's keys by their own prefix). wrk drives each page, and in the same run the
approved page's very HTML, written into ``staticfiles/``, is served as a static file
by the same gunicorn and WhiteNoise. Prints req/s, p50 / p99 latency and errors per
page and the ratio to the static file.

Run from the project's root, with wrk installed (Debian package ``wrk``)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/medreview \\
        .venv/bin/python bench/throughput.py [--duration 10] [--connections 16]
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(PROJECT_DIR / "bench"))

RUN_ID = uuid.uuid4().hex[:8]
PRODUCTION_ENVIRONMENT = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "benchmark-only-" + "k" * 50,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_LOG_LEVEL": "WARNING",
    "DJANGO_CACHE_KEY_PREFIX": f"bench-{RUN_ID}",
    # No broker: the few emails the load run causes are sent in-process, nowhere.
    "MEDREVIEW_EMBEDDED_SERVICES": "1",
    "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
}
STATIC_COPY = "bench-article-page.html"


@dataclass(frozen=True)
class Figures:
    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    # CPU time per request of the gunicorn workers and of PostgreSQL's backends:
    # unlike req/s, it hardly depends on what else the machine is doing.
    app_cpu_ms: float = 0.0
    database_cpu_ms: float = 0.0


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of these processes so far (Linux's /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def child_pids(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(child) for child in (task / "children").read_text().split()]
    return children


def fail(message: str) -> None:
    raise SystemExit(f"bench/throughput.py: {message}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> bytes:
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(url)
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - checked
        return response.read()


def milliseconds(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(
    url: str,
    *,
    duration: int,
    connections: int,
    threads: int,
    timeout: int = 10,
    cookie: str = "",
) -> Figures:
    """wrk's figures; ``errors`` counts socket errors and non-2xx/3xx answers."""
    output = subprocess.run(  # noqa: S603 - fixed command, local URL
        [
            shutil.which("wrk"),
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            f"--timeout={timeout}s",
            *(["--header", f"Cookie: {cookie}"] if cookie else []),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    if "Requests/sec" not in output or len(latency) < 2:
        fail(f"could not read wrk's output for {url}:\n{output}")
    errors = sum(
        int(count)
        for count in re.findall(
            r"(?:connect|read|write|timeout) (\d+)", output.split("Requests/sec")[0]
        )
    )
    non_success = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Figures(
        requests=int(re.search(r"(\d+) requests in", output)[1]),
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        p50_ms=milliseconds(latency["50"]),
        p99_ms=milliseconds(latency["99"]),
        errors=errors + (int(non_success[1]) if non_success else 0),
    )


def set_up_production_django() -> str:
    """Check what the run needs, then set Django up with the production settings
    (the cache off in this process); returns the cache URL gunicorn is to use."""
    if not os.environ.get("DATABASE_URL", "").startswith(
        ("postgres://", "postgresql://")
    ):
        fail("set DATABASE_URL to a PostgreSQL database (its test_ copy is used)")
    if shutil.which("wrk") is None:
        fail("wrk is not installed: apt-get install wrk")
    cache_url = os.environ.get("DJANGO_CACHE_URL", "redis://127.0.0.1:6379/0")
    os.environ.update(PRODUCTION_ENVIRONMENT)
    os.environ.pop("DJANGO_CACHE_URL", None)
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"

    import django

    django.setup()
    return cache_url


def create_throwaway_database() -> tuple[str, str]:
    """Collect the static files and create the ``test_`` database; returns the old
    database name (to destroy the copy with) and the copy's URL for gunicorn."""
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    print("Collecting static files…", flush=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    setup_test_environment()
    print("Creating a throwaway PostgreSQL test database…", flush=True)
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False
    )
    test_database_url = urlunsplit(
        urlsplit(os.environ["DATABASE_URL"])._replace(
            path=f"/{connection.settings_dict['NAME']}"
        )
    )
    return old_name, test_database_url


class Gunicorn:
    """gunicorn with the production settings on a free port, stopped on exit."""

    def __init__(self, environment: dict[str, str], workers: int):
        self.port = free_port()
        self.environment = environment
        self.workers = workers

    def __enter__(self) -> "Gunicorn":
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.wsgi",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={self.workers}",
                "--log-level=warning",
            ],
            cwd=PROJECT_DIR,
            env=self.environment,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                fetch(self.url("/"))
                return self
            except OSError:
                if self.process.poll() is not None:
                    fail("gunicorn exited at start; its log is above")
                time.sleep(0.2)
        self.__exit__()
        fail("gunicorn did not answer within 30 s")

    def __exit__(self, *exc_info) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def worker_pids(self) -> list[int]:
        return child_pids(self.process.pid)


def database_backend_pids(database_name: str) -> list[int]:
    """PostgreSQL's server processes for this database (gunicorn's connections)."""
    import psycopg

    server_url = urlunsplit(
        urlsplit(os.environ["DATABASE_URL"])._replace(path="/postgres")
    )
    with psycopg.connect(server_url, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", [database_name]
        ).fetchall()
    return [pid for (pid,) in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    arguments = parser.parse_args()

    cache_url = set_up_production_django()

    from article_page import ArticleSize, build_article
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import teardown_test_environment
    from django.utils import timezone

    from articles.models import Article
    from articles.services import approved_version_create

    old_name, test_database_url = create_throwaway_database()
    test_database_name = connection.settings_dict["NAME"]
    static_copy = Path(settings.STATIC_ROOT) / STATIC_COPY
    results: list[tuple[str, str, Figures]] = []
    try:
        print("Building the articles (40 sections / 100 references)…", flush=True)
        author = get_user_model().objects.create_user("bench-editor")
        approved = build_article(ArticleSize(40, 100), author)
        approved_version_create(
            article=approved, approvers=[], approved_at=timezone.now()
        )
        working = build_article(ArticleSize(40, 100), author, variant=1)
        for number in range(20):
            Article.objects.create(
                title=f"Short question {number}", author=author, published=True
            )
        connection.close()

        base_environment = os.environ | {"DATABASE_URL": test_database_url}
        pages = {
            "approved page": approved.get_absolute_url(),
            "working copy": working.get_absolute_url(),
            "home list": "/",
            "API detail": f"/api/articles/{approved.slug}/",
        }

        def measure(
            server: Gunicorn, label: str, cache: str, url: str, cookie: str = ""
        ) -> None:
            print(f"  wrk {arguments.duration}s: {label} ({cache})…", flush=True)
            workers = server.worker_pids()
            backends = database_backend_pids(test_database_name)
            app_before, database_before = cpu_seconds(workers), cpu_seconds(backends)
            figures = run_wrk(
                url,
                duration=arguments.duration,
                connections=arguments.connections,
                threads=arguments.threads,
                cookie=cookie,
            )
            # Connections are kept (CONN_MAX_AGE), so the backends are the same ones.
            backends = sorted(
                set(backends) | set(database_backend_pids(test_database_name))
            )
            requests = max(figures.requests, 1)
            figures = replace(
                figures,
                app_cpu_ms=(cpu_seconds(workers) - app_before) * 1000 / requests,
                database_cpu_ms=(cpu_seconds(backends) - database_before)
                * 1000
                / requests,
            )
            results.append((label, cache, figures))

        static_copy.write_bytes(Client().get(pages["approved page"]).content)
        # A signed-in reader is never served the shared page: the working copy then
        # shows what a page costs without the page cache (its body is still cached).
        reader = Client()
        reader.force_login(author)
        session_cookie = f"sessionid={reader.cookies['sessionid'].value}"
        connection.close()
        print("Starting gunicorn without a cache…", flush=True)
        with Gunicorn(base_environment, arguments.workers) as server:
            measure(
                server,
                "static file",
                "WhiteNoise",
                server.url(f"/static/{STATIC_COPY}"),
            )
            for label, path in pages.items():
                measure(server, label, "no cache", server.url(path))
        print(f"Starting gunicorn with the cache at {cache_url}…", flush=True)
        with Gunicorn(
            base_environment | {"DJANGO_CACHE_URL": cache_url}, arguments.workers
        ) as server:
            for label, path in pages.items():
                fetch(server.url(path))  # render once
                # Every worker has read the page once before the timed run.
                run_wrk(
                    server.url(path),
                    duration=2,
                    connections=arguments.connections,
                    threads=arguments.threads,
                )
                measure(server, label, "warm cache", server.url(path))
            measure(
                server,
                "working copy",
                "signed in",
                server.url(pages["working copy"]),
                cookie=session_cookie,
            )
    finally:
        static_copy.unlink(missing_ok=True)
        delete_run_keys(cache_url, RUN_ID)
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()

    static_rate = results[0][2].requests_per_second
    print()
    print(
        f"gunicorn --workers {arguments.workers}, production settings, PostgreSQL; "
        f"wrk -t{arguments.threads} -c{arguments.connections} "
        f"-d{arguments.duration}s; {os.cpu_count()} CPUs"
    )
    header = (
        f"{'page':<16}{'cache':<13}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'errors':>8}{'× static':>10}{'app CPU ms':>12}{'db CPU ms':>11}"
    )
    print(header)
    print("-" * len(header))
    for label, cache, figures in results:
        print(
            f"{label:<16}{cache:<13}{figures.requests_per_second:>9.0f}"
            f"{figures.p50_ms:>9.2f}{figures.p99_ms:>9.2f}{figures.errors:>8}"
            f"{figures.requests_per_second / static_rate:>10.2f}"
            f"{figures.app_cpu_ms:>12.2f}{figures.database_cpu_ms:>11.2f}"
        )
    print(
        "CPU ms: CPU time per request of the gunicorn workers and of PostgreSQL, "
        "which unlike req/s hardly depends on other work on the machine."
    )


def delete_run_keys(cache_url: str, run_id: str) -> None:
    """Remove this run's pages from Redis (their keys start with the run's prefix)."""
    import redis

    client = redis.Redis.from_url(cache_url)
    try:
        for key in client.scan_iter(match=f"bench-{run_id}:*"):
            client.delete(key)
    except redis.RedisError as error:
        print(f"Could not remove this run's keys from {cache_url}: {error}")


if __name__ == "__main__":
    main()
