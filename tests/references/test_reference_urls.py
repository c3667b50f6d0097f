"""A reference's URL is a web address, however it is saved: a ``javascript:`` URL set
through the shell or an import never becomes a live link on the public page."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from references.models import Reference
from tests.references.factories import ReferenceFactory

REFUSED_URLS = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://files.example.org/label.pdf",
    "vbscript:msgbox(1)",
]
MESSAGE = "Enter a web address starting with http:// or https://"


@pytest.mark.django_db
@pytest.mark.parametrize("url", REFUSED_URLS)
def test_saving_a_non_web_url_from_code_is_refused(url):
    with pytest.raises(ValidationError) as caught:
        ReferenceFactory(citation_key="label", url=url)

    assert any(MESSAGE in text for text in caught.value.message_dict["url"])
    assert not Reference.objects.filter(citation_key="label").exists()


@pytest.mark.django_db
def test_changing_an_existing_reference_to_a_non_web_url_is_refused():
    reference = ReferenceFactory(url="https://example.org/label.pdf")
    reference.url = "javascript:alert(1)"

    with pytest.raises(ValidationError):
        reference.save()

    reference.refresh_from_db()
    assert reference.url == "https://example.org/label.pdf"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["https://example.org/a.pdf", "http://example.org/"])
def test_web_addresses_are_kept(url):
    assert ReferenceFactory(url=url).url == url


@pytest.mark.django_db
def test_the_admin_form_names_the_problem(admin_client):
    response = admin_client.post(
        "/admin/references/reference/add/",
        {
            "kind": Reference.Kind.OTHER,
            "title": "Drug label",
            "url": "ftp://files.example.org/label.pdf",
        },
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert any(MESSAGE in text for text in errors["url"]), errors
    assert not Reference.objects.filter(title="Drug label").exists()


@pytest.mark.django_db
def test_an_old_non_web_url_is_no_live_link_on_the_page(client, html):
    """Rows saved before the check (or frozen in an approved version) keep it."""
    from tests.articles.factories import ArticleFactory, SectionFactory

    reference = ReferenceFactory(citation_key="label", url="https://example.org/")
    Reference.objects.filter(pk=reference.pk).update(url="javascript:alert(1)")
    article = ArticleFactory()
    SectionFactory(article=article, body="Read the label [@label].")

    page = html(client.get(article.get_absolute_url()).content)

    hrefs = [link.attrs.get("href", "") for link in page.find_all("a")]
    assert not [href for href in hrefs if "javascript" in href.lower()]


@pytest.mark.django_db
def test_the_migration_clears_existing_non_web_urls(capsys):
    migration = importlib.import_module(
        "references.migrations.0003_reference_url_web_address_only"
    )
    unsafe = ReferenceFactory(citation_key="unsafe", url="https://example.org/")
    kept = ReferenceFactory(citation_key="kept", url="https://example.org/kept")
    Reference.objects.filter(pk=unsafe.pk).update(url="javascript:alert(1)")

    migration.clear_non_web_urls(apps, None)

    unsafe.refresh_from_db()
    kept.refresh_from_db()
    assert unsafe.url == ""
    assert kept.url == "https://example.org/kept"
    assert f"Reference {unsafe.pk}: removed the URL 'javascript:alert(1)'" in (
        capsys.readouterr().out
    )
