"""The article page is rendered once per version and served from the cache, with
validators (ETag, Last-Modified) and a Cache-Control a CDN can follow."""

import datetime
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Section, UnreplacedGeneration
from articles.services import approved_version_create
from articles.tasks import replace_unreplaced_generations
from editorial import services
from editorial.models import EditorialPolicy
from tests.articles.factories import ArticleFactory, EditorFactory, SectionFactory
from tests.reviewers.factories import AdvisoryBoardMemberFactory

REDIS_SERVER = shutil.which("redis-server")
FIRST_TEXT = "Osimertinib is the first choice for EGFR-mutated disease."
CORRECTED_TEXT = "Osimertinib, with or without chemotherapy, comes first."


def edit(section: Section, body: str) -> None:
    """Change a section the way the admin does, through the editorial service."""
    section.body = body
    services.section_save(section=section, user=EditorFactory())


def approve(article: Article) -> None:
    approved_version_create(article=article, approvers=[], approved_at=timezone.now())


@pytest.fixture
def approved_article(db):
    article = ArticleFactory(title="Which drug first for EGFR-mutated NSCLC?")
    SectionFactory(article=article, body=FIRST_TEXT)
    approve(article)
    return article


def test_a_warm_approved_page_is_served_without_any_database_query(
    client, approved_article
):
    url = approved_article.get_absolute_url()
    first = client.get(url)

    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)

    assert second.status_code == 200
    assert len(queries) == 0
    assert second.content == first.content
    assert FIRST_TEXT in second.content.decode()


def test_a_new_approved_version_replaces_the_cached_page_at_once(
    client, approved_article
):
    url = approved_article.get_absolute_url()
    assert FIRST_TEXT in client.get(url).content.decode()

    section = approved_article.sections.get()
    edit(section, CORRECTED_TEXT)
    # The edit waits for approval: readers still see the approved text.
    assert FIRST_TEXT in client.get(url).content.decode()

    approve(approved_article)
    page = client.get(url).content.decode()
    assert CORRECTED_TEXT in page
    assert FIRST_TEXT not in page


def test_an_edit_of_a_working_copy_shows_on_the_next_request(client, db):
    section = SectionFactory(body=FIRST_TEXT)
    url = section.article.get_absolute_url()
    assert FIRST_TEXT in client.get(url).content.decode()

    edit(section, CORRECTED_TEXT)

    assert CORRECTED_TEXT in client.get(url).content.decode()


def test_a_signed_in_reader_sees_each_edit_and_approval_at_once(client, db):
    """Signed-in readers never get the shared page, but the rendered body is shared
    (per version, per working copy's last update): it must follow every change."""
    section = SectionFactory(body=FIRST_TEXT)
    article = section.article
    client.force_login(EditorFactory())
    assert FIRST_TEXT in client.get(article.get_absolute_url()).content.decode()

    edit(section, CORRECTED_TEXT)
    assert CORRECTED_TEXT in client.get(article.get_absolute_url()).content.decode()

    approve(article)
    edit(section, "A later edit, still under review.")
    page = client.get(article.get_absolute_url()).content.decode()
    assert CORRECTED_TEXT in page
    assert "still under review" not in page


def test_each_audience_gets_its_own_cached_page(client, approved_article):
    url = approved_article.get_absolute_url()
    client.get(url)  # the professionals' page is now cached
    patient = client.get(url, {"audience": "patient"}).content.decode()
    remembered = client.get(url).content.decode()  # the cookie chooses, twice
    remembered_again = client.get(url).content.decode()
    client.cookies.clear()
    plain = client.get(url).content.decode()

    assert 'value="patient" checked' in patient
    assert 'value="patient" checked' in remembered
    assert remembered_again == remembered
    assert 'value="patient" checked' not in plain


def test_a_signed_in_reader_never_gets_or_leaves_a_shared_page(
    client, approved_article
):
    url = approved_article.get_absolute_url()
    editor = EditorFactory()
    client.get(url)  # the anonymous page is now cached
    client.force_login(editor)

    signed_in = client.get(url)

    assert "Sign out" in signed_in.content.decode()
    cache_control = signed_in["Cache-Control"]
    assert "private" in cache_control
    assert "no-store" in cache_control
    assert "public" not in cache_control
    client.logout()
    client.cookies.clear()
    anonymous = client.get(url)
    assert "Sign out" not in anonymous.content.decode()
    assert "csrfmiddlewaretoken" not in anonymous.content.decode()


def test_an_approved_page_may_be_kept_briefly_by_a_cdn(client, approved_article):
    for _ in range(2):  # the rendered page, then the cached one
        response = client.get(approved_article.get_absolute_url())
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert directives == {
            "public",
            "max-age=60",
            "stale-while-revalidate=600",
        }
        assert "Cookie" in response["Vary"]


def test_a_working_copy_must_be_revalidated_by_a_cdn(client, db):
    article = ArticleFactory()
    response = client.get(article.get_absolute_url())
    assert response["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("cached", [False, True])
def test_a_conditional_request_for_an_unchanged_page_answers_304(
    client, approved_article, cached
):
    url = approved_article.get_absolute_url()
    first = client.get(url)
    if cached:
        client.get(url)
    assert first["ETag"]
    assert first["Last-Modified"]

    by_etag = client.get(url, headers={"if-none-match": first["ETag"]})
    by_date = client.get(url, headers={"if-modified-since": first["Last-Modified"]})

    assert by_etag.status_code == 304
    assert by_date.status_code == 304
    assert by_etag.content == b""


def test_a_conditional_request_after_a_new_version_gets_the_new_page(
    client, approved_article, time_machine
):
    url = approved_article.get_absolute_url()
    first = client.get(url)
    section = approved_article.sections.get()
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=2))
    edit(section, CORRECTED_TEXT)
    approve(approved_article)

    response = client.get(
        url,
        headers={
            "if-none-match": first["ETag"],
            "if-modified-since": first["Last-Modified"],
        },
    )

    assert response.status_code == 200
    assert response["ETag"] != first["ETag"]
    assert CORRECTED_TEXT in response.content.decode()


@pytest.mark.parametrize("url", ["/", "/advisory-board/", "/editorial-policy/"])
def test_other_public_pages_answer_conditional_requests(client, db, url):
    EditorialPolicy.objects.create(body="We check every claim against its source.")
    first = client.get(url)
    assert first.status_code == 200
    assert first["Cache-Control"] == "no-cache"
    assert first["Last-Modified"]

    by_etag = client.get(url, headers={"if-none-match": first["ETag"]})
    by_date = client.get(url, headers={"if-modified-since": first["Last-Modified"]})

    assert by_etag.status_code == 304
    assert by_date.status_code == 304


@pytest.mark.parametrize(
    ("url", "change"),
    [
        ("/", lambda: ArticleFactory(title="A question asked today?")),
        ("/", lambda: Article.objects.get().delete()),
        ("/advisory-board/", lambda: AdvisoryBoardMemberFactory()),
    ],
    ids=["article added", "article deleted", "member added"],
)
def test_a_list_changed_since_the_readers_copy_is_sent_again(
    client, db, time_machine, url, change
):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC))
    ArticleFactory(title="Which test finds EGFR mutations?")
    AdvisoryBoardMemberFactory()
    first = client.get(url)

    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC))
    change()
    again = client.get(url, headers={"if-modified-since": first["Last-Modified"]})

    assert again.status_code == 200


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    """A redis-server of the test's own on a spare port, stopped and started at will
    (the shared one is never touched). No persistence, like a cache's Redis."""

    def __init__(self):
        self.port = unused_port()
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - fixed command
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def cache_settings(self) -> dict:
        return {
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{self.port}/0",
                "OPTIONS": {
                    "IGNORE_EXCEPTIONS": True,
                    "SOCKET_CONNECT_TIMEOUT": 0.5,
                    "SOCKET_TIMEOUT": 0.5,
                },
            }
        }


@pytest.fixture
def own_redis():
    if REDIS_SERVER is None:
        message = "needs redis-server (apt-get install redis-server)"
        if os.environ.get("MEDREVIEW_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    redis = OwnRedis()
    redis.start()
    with override_settings(CACHES=redis.cache_settings()):
        yield redis
    if redis.process.poll() is None:
        redis.stop()


def test_with_the_cache_stopped_pages_still_serve_edits_save_and_it_recovers(
    client, approved_article, own_redis
):
    url = approved_article.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert FIRST_TEXT in client.get(url).content.decode()
    assert len(queries) == 0  # served from Redis

    own_redis.stop()
    assert FIRST_TEXT in client.get(url).content.decode()
    section = approved_article.sections.get()
    edit(section, CORRECTED_TEXT)
    approve(approved_article)
    assert CORRECTED_TEXT in client.get(url).content.decode()

    own_redis.start()
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert CORRECTED_TEXT in page
    assert len(queries) == 0  # cached again


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_page_rendered_while_an_approval_commits_is_not_served_afterwards(
    client,
):
    """A reader renders the page after an approval is saved but before it commits:
    it sees the old version, which must not outlive the commit."""
    article = ArticleFactory()
    SectionFactory(article=article, body=FIRST_TEXT)
    approve(article)
    url = article.get_absolute_url()
    saved = threading.Event()
    read = threading.Event()
    committed = threading.Event()

    def approve_correction():
        try:
            with transaction.atomic():
                section = Article.objects.get(pk=article.pk).sections.get()
                edit(section, CORRECTED_TEXT)
                approve(Article.objects.get(pk=article.pk))
                saved.set()
                read.wait(timeout=10)
        finally:
            connection.close()
            committed.set()

    editor = threading.Thread(target=approve_correction)
    editor.start()
    try:
        assert saved.wait(timeout=10)
        during = client.get(url).content.decode()
    finally:
        read.set()
        editor.join()

    assert FIRST_TEXT in during
    assert CORRECTED_TEXT in client.get(url).content.decode()


@override_settings(SECURE_SSL_REDIRECT=True)
def test_a_cached_page_still_redirects_plain_http_to_https(client, approved_article):
    url = approved_article.get_absolute_url()
    assert client.get(url, secure=True).status_code == 200
    assert client.get(url, secure=True).status_code == 200

    response = client.get(url)

    assert response.status_code == 301
    assert response["Location"].startswith("https://")


@override_settings(ALLOWED_HOSTS=["medreview.example.org"])
def test_a_cached_page_is_not_served_to_a_host_the_site_does_not_answer_to(
    client, approved_article
):
    url = approved_article.get_absolute_url()
    assert client.get(url, headers={"host": "medreview.example.org"}).status_code == 200

    assert client.get(url, headers={"host": "evil.example"}).status_code == 400


# --- The article lists ------------------------------------------------------------


def list_titles(client, path: str, **params) -> list[str]:
    response = client.get(path, params)
    assert response.status_code == 200
    return re.findall(
        r'<h2><a href="/articles/[^"]+/">([^<]+)</a>', response.content.decode()
    )


def test_a_warm_article_list_is_served_without_any_database_query(
    client, approved_article
):
    first = client.get("/", {"status": "approved"})

    with CaptureQueriesContext(connection) as queries:
        second = client.get("/", {"status": "approved"})

    assert second.status_code == 200
    assert len(queries) == 0
    assert second.content == first.content
    assert second["Last-Modified"] == first["Last-Modified"]


def test_a_list_shows_each_new_article_approval_and_withdrawal_at_once(
    client, approved_article
):
    assert list_titles(client, "/") == [approved_article.title]

    newer = ArticleFactory(title="Is re-biopsy needed at progression?")
    assert list_titles(client, "/") == [newer.title, approved_article.title]
    assert list_titles(client, "/", status="approved") == [approved_article.title]

    SectionFactory(article=newer, body="Yes, when a new driver is likely.")
    approve(newer)
    assert newer.title in list_titles(client, "/", status="approved")

    services.article_content_save(
        article=approved_article, user=EditorFactory(), values={"published": False}
    )
    assert list_titles(client, "/") == [newer.title]


def test_a_search_is_never_kept(client, approved_article):
    client.get("/", {"q": "EGFR"})

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/", {"q": "EGFR"})

    assert response.status_code == 200
    assert len(queries) > 0


@pytest.mark.parametrize(
    "params",
    [
        {"status": "<script>"},
        {"page": "1" * 50},
        {"specialty": "Not A Slug"},
        {"utm_source": "mail"},
        # Well formed, but no list the site links to: a made-up specialty, a page
        # past the last one. A script could otherwise store endless copies.
        {"specialty": "no-such-specialty-123"},
        {"page": "9999"},
        {"page": "01"},
    ],
)
def test_odd_list_addresses_are_answered_but_not_kept(client, approved_article, params):
    client.get("/", params)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/", params)

    assert response.status_code in (200, 404)
    assert len(queries) > 0


def test_a_signed_in_reader_gets_a_list_of_their_own(client, approved_article):
    client.get("/")  # the shared list is stored
    client.force_login(EditorFactory())

    page = client.get("/").content.decode()

    assert "Sign out" in page


# --- The API's article ------------------------------------------------------------


def test_the_apis_article_is_kept_like_its_page_and_follows_each_approval(
    client, approved_article
):
    url = f"/api/articles/{approved_article.slug}/"
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert len(queries) == 0
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    edit(approved_article.sections.get(), CORRECTED_TEXT)
    assert FIRST_TEXT in client.get(url).json()["sections"][0]["html"]
    approve(approved_article)

    assert CORRECTED_TEXT in client.get(url).json()["sections"][0]["html"]


def test_each_site_address_gets_pages_with_its_own_links(
    client, approved_article, settings
):
    settings.ALLOWED_HOSTS = ["medreview.example", "www.medreview.example"]
    url = f"/api/articles/{approved_article.slug}/"

    first = client.get(url, HTTP_HOST="medreview.example").json()
    other = client.get(url, HTTP_HOST="www.medreview.example").json()

    assert first["url"].startswith("http://medreview.example/")
    assert other["url"].startswith("http://www.medreview.example/")


def test_a_change_made_while_the_cache_is_paused_shows_once_the_sweep_ran(
    client, approved_article, own_redis
):
    """Redis answering again after a pause still holds the old generation and the
    pages stored under it (a restart without persistence would have emptied it)."""
    article_url = approved_article.get_absolute_url()
    for url in ("/", article_url):
        client.get(url)
    assert approved_article.title in client.get("/").content.decode()

    os.kill(own_redis.process.pid, signal.SIGSTOP)
    try:
        services.article_content_save(
            article=approved_article, user=EditorFactory(), values={"published": False}
        )
    finally:
        os.kill(own_redis.process.pid, signal.SIGCONT)
    assert UnreplacedGeneration.objects.exists()

    assert replace_unreplaced_generations.delay().get() == 0

    assert approved_article.title not in client.get("/").content.decode()
    assert client.get(article_url).status_code == 404
    assert not UnreplacedGeneration.objects.exists()


def test_the_sweep_keeps_what_the_cache_still_cannot_take(
    client, approved_article, own_redis
):
    own_redis.stop()
    edit(approved_article.sections.get(), CORRECTED_TEXT)

    assert replace_unreplaced_generations.delay().get() > 0
    assert UnreplacedGeneration.objects.exists()

    own_redis.start()
    assert replace_unreplaced_generations.delay().get() == 0
    assert not UnreplacedGeneration.objects.exists()
