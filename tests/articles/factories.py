"""Factories for articles, their sections and the accounts that write them."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from articles.models import Article, ArticleStatus, Section
from editorial import services
from tests.reviewers.factories import AdvisoryBoardMemberFactory

DEFAULT_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A person who signs in: an editor or a reviewer."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Writer{n}")
    password = factory.django.Password(DEFAULT_PASSWORD)


class EditorFactory(UserFactory):
    """A staff member in the Editors group (the role the migrations create)."""

    is_staff = True

    @factory.post_generation
    def editors_group(user, create, extracted, **kwargs):
        if create:
            user.groups.add(Group.objects.get(name="Editors"))


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article in the ``submitted`` state.

    ``ArticleFactory(review="approved")`` takes it through the editorial workflow to
    that state (see ``take_through_review``); pass ``published=False`` for a draft.
    """

    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(
        lambda n: f"What is the first-line treatment for case {n}?"
    )
    summary = "Test the tumour first, then match the treatment to the driver found."
    specialty = "Oncology"
    keywords = "lung cancer, EGFR"
    author = factory.SubFactory(UserFactory, is_staff=True)
    published = True

    @factory.post_generation
    def review(article, create, extracted, **kwargs):
        if create and extracted not in (None, ArticleStatus.SUBMITTED):
            take_through_review(article, to=extracted)


def take_through_review(article: Article, *, to: str) -> Article:
    """Move ``article`` to ``under_review`` or ``approved`` the way the site does.

    An editor invites one board member, who accepts; the editor starts the review
    and, for ``approved``, the reviewer approves. The status field cannot be set
    directly, and approval also freezes the version readers see.
    """
    sender = EditorFactory()
    member = AdvisoryBoardMemberFactory(with_account=True)
    member.user.groups.add(Group.objects.get(name="Reviewers"))
    assignment = services.assignment_create(
        article=article, reviewer=member, invited_by=sender
    )
    services.assignment_accept(assignment=assignment, user=member.user)
    services.review_start(article=article, user=sender)
    if to == ArticleStatus.APPROVED:
        services.review_decide(
            assignment=assignment, user=member.user, recommendation="approve"
        )
    article.refresh_from_db()
    assert article.status == to, article.status
    return article


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    article = factory.SubFactory(ArticleFactory)
    order = factory.Sequence(lambda n: n)
    kind = Section.Kind.RESEARCH
    heading = ""
    body = "Molecular testing guides the choice of treatment."
