"""Factories for the reference library."""

import factory

from references.models import Reference


class ReferenceFactory(factory.django.DjangoModelFactory):
    """A research article with a unique DOI, PMID and citation key."""

    class Meta:
        model = Reference

    kind = Reference.Kind.RESEARCH
    citation_key = factory.Sequence(lambda n: f"source{n}")
    title = factory.Sequence(lambda n: f"Outcomes of targeted therapy, cohort {n}")
    authors = "Lee JH, Park S, Gomez M"
    source = "J Thorac Oncol"
    year = 2021
    volume = "16"
    issue = "3"
    pages = "101-9"
    doi = factory.Sequence(lambda n: f"10.5555/medreview.{n}")
    pmid = factory.Sequence(lambda n: str(31000000 + n))
