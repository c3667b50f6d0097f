"""Factories for the Medical Advisory Board."""

import factory

from reviewers.models import AdvisoryBoardMember, Writer


class AdvisoryBoardMemberFactory(factory.django.DjangoModelFactory):
    """An active member without an account; ``with_account=True`` gives one."""

    class Meta:
        model = AdvisoryBoardMember

    class Params:
        with_account = factory.Trait(
            user=factory.SubFactory("tests.articles.factories.UserFactory")
        )

    display_name = factory.Sequence(lambda n: f"Dr Member {n}")
    credentials = "MD"
    specialty = "Oncology"
    institution = "City Hospital"
    bio = "Treats patients with lung cancer."
    conflict_of_interest = "None declared."
    is_active = True
    time_zone = "Europe/Paris"
    user = None


class WriterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Writer

    display_name = factory.Sequence(lambda n: f"Writer {n}")
    credentials = "MD"
    conflict_of_interest = "None declared."
