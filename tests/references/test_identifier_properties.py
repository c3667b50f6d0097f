"""Property-based tests (hypothesis) of the identifier validators: whatever is typed
or imported, checking raises only a validation error, and an accepted value never
becomes live markup on the public page."""

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.selectors import NumberedReference
from references import identifiers
from references.models import Reference
from tests.markup import live_markup

IDENTIFIER_FIELDS = ("doi", "pmid", "pmcid", "nct_number", "url")
REFERENCE_LIST_TAGS = {"section", "h2", "ol", "li", "span", "p", "a"}

# Near misses of each format beside arbitrary text: the validators' edges.
identifier_texts = st.one_of(
    st.text(max_size=40),
    st.from_regex(identifiers.DOI_PATTERN, fullmatch=True),
    st.from_regex(r"\s*(https?://(dx\.)?doi\.org/|doi:)10\.\d{4}/[^\s]{1,20}\s*"),
    st.from_regex(r"\s*[0-9]{1,9}\s*", fullmatch=True),
    st.from_regex(r"\s*(PMC|pmc)[0-9]{0,9}\s*", fullmatch=True),
    st.from_regex(r"\s*(NCT|nct)[0-9]{6,10}\s*", fullmatch=True),
    st.from_regex(r"(https?|javascript|data|ftp):[^\s]{0,30}", fullmatch=True),
)


@settings(max_examples=300, deadline=None)
@given(
    validator=st.sampled_from(
        [
            identifiers.validate_doi,
            identifiers.validate_pmid,
            identifiers.validate_pmcid,
            identifiers.validate_nct_number,
            identifiers.validate_web_url,
        ]
    ),
    value=identifier_texts,
)
def test_a_validator_raises_at_most_a_validation_error(validator, value):
    try:
        validator(identifiers.normalise_doi(value))
        validator(value)
    except ValidationError as error:
        assert error.messages


@pytest.mark.django_db
@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(field=st.sampled_from(IDENTIFIER_FIELDS), value=identifier_texts)
def test_an_accepted_identifier_is_never_live_markup_on_the_page(field, value):
    reference = Reference(
        kind=Reference.Kind.RESEARCH, title="A trial", **{field: value}
    )
    try:
        reference.clean_fields(
            exclude={f.name for f in Reference._meta.fields} - {field}
        )
    except ValidationError as error:
        assert error.message_dict[field]
        return

    html = render_to_string(
        "articles/includes/reference_list.html",
        {
            "references": [
                NumberedReference(number=1, reference=reference, citation_count=1)
            ]
        },
    )

    assert live_markup(html, REFERENCE_LIST_TAGS) == [], html
