"""People, an article and a way to walk it through the review workflow.

Everyone gets their rights the way production does: editors through the "Editors"
group the data migration creates, reviewers through "Reviewers" and a board profile.
The workflow is moved only through ``editorial.services``, as the admin and the desk
move it.
"""

from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from articles.models import ApprovedVersion, Article, Section
from editorial import services
from editorial.models import Recommendation, ReviewAssignment
from references.models import Reference
from reviewers.models import AdvisoryBoardMember
from tests.articles.factories import ArticleFactory, SectionFactory, UserFactory
from tests.editorial.smtp_sink import smtp_sink  # noqa: F401 - a fixture
from tests.references.factories import ReferenceFactory
from tests.reviewers.factories import AdvisoryBoardMemberFactory

ORIGINAL_GUIDELINE_TEXT = (
    "Test every advanced tumour for driver mutations [@guide2024]."
)
ORIGINAL_RESEARCH_TEXT = (
    "Targeted therapy lengthened survival [@trial2021; @guide2024]."
)


def role(name: str) -> Group:
    """A group made by the data migration ``editorial.0002_roles``."""
    group = Group.objects.filter(name=name).first()
    assert group is not None, (
        f"the {name} group is missing: a transactional test flushed the database "
        "before this one; mark it django_db(transaction=True, serialized_rollback=True)"
    )
    return group


def make_editor(username: str = "editor"):
    user = UserFactory(username=username, first_name="Eda", is_staff=True)
    user.groups.add(role("Editors"))
    return user


def make_reviewer(
    display_name: str, credentials: str = "MD", **member_fields
) -> AdvisoryBoardMember:
    """A board member with an account in the Reviewers group."""
    user = UserFactory(username=display_name.split()[-1].lower())
    user.groups.add(role("Reviewers"))
    return AdvisoryBoardMemberFactory(
        user=user, display_name=display_name, credentials=credentials, **member_fields
    )


@pytest.fixture
def editor(db):
    return make_editor()


@pytest.fixture
def superuser(db):
    return UserFactory(username="chief", is_staff=True, is_superuser=True)


@pytest.fixture
def reviewer_one(db) -> AdvisoryBoardMember:
    return make_reviewer("Ana Ruiz", "MD, PhD", time_zone="America/New_York")


@pytest.fixture
def reviewer_two(db) -> AdvisoryBoardMember:
    return make_reviewer("Kenji Sato", "MD", time_zone="Asia/Tokyo")


@pytest.fixture
def reviewer_three(db) -> AdvisoryBoardMember:
    return make_reviewer("Lena Berg", "PharmD", time_zone="Europe/Berlin")


@pytest.fixture
def author_member(db) -> AdvisoryBoardMember:
    """A board member who writes articles as well as reviewing others'."""
    return make_reviewer("Omar Haddad", "MD")


@pytest.fixture
def references(db) -> dict[str, Reference]:
    return {
        "guide2024": ReferenceFactory(
            citation_key="guide2024",
            kind=Reference.Kind.GUIDELINE,
            title="Molecular testing in advanced lung cancer: guideline",
        ),
        "trial2021": ReferenceFactory(
            citation_key="trial2021", title="Targeted therapy after profiling: a trial"
        ),
    }


@pytest.fixture
def article(author_member, references) -> Article:
    """A published, submitted article with two sections citing two references."""
    article = ArticleFactory(
        title="Which lung tumours should be tested for driver mutations?",
        author=author_member.user,
    )
    SectionFactory(
        article=article,
        order=1,
        kind=Section.Kind.GUIDELINES,
        body=ORIGINAL_GUIDELINE_TEXT,
    )
    SectionFactory(
        article=article,
        order=2,
        kind=Section.Kind.RESEARCH,
        body=ORIGINAL_RESEARCH_TEXT,
    )
    article.refresh_from_db()
    return article


@dataclass
class Workflow:
    """Moves an article through review with the same services the site uses."""

    editor: object

    def invite(self, article: Article, *members) -> list[ReviewAssignment]:
        return [
            services.assignment_create(
                article=article, reviewer=member, invited_by=self.editor
            )
            for member in members
        ]

    def accept(self, *assignments: ReviewAssignment) -> list[ReviewAssignment]:
        return [
            services.assignment_accept(
                assignment=assignment, user=assignment.reviewer.user
            )
            for assignment in assignments
        ]

    def start(self, article: Article) -> Article:
        return services.review_start(article=article, user=self.editor)

    def send_to_review(self, article: Article, *members) -> list[ReviewAssignment]:
        """Invite the members, have them accept, start the review."""
        assignments = self.accept(*self.invite(article, *members))
        self.start(article)
        return assignments

    def approve(self, assignment: ReviewAssignment) -> ReviewAssignment:
        return services.review_decide(
            assignment=assignment,
            user=assignment.reviewer.user,
            recommendation=Recommendation.APPROVE,
        )

    def request_changes(
        self, assignment: ReviewAssignment, comments: str
    ) -> ReviewAssignment:
        return services.review_decide(
            assignment=assignment,
            user=assignment.reviewer.user,
            recommendation=Recommendation.REQUEST_CHANGES,
            comments=comments,
        )

    def approve_with(self, article: Article, *members) -> list[ReviewAssignment]:
        """Send to review and have every member approve: the article is approved."""
        assignments = self.send_to_review(article, *members)
        for assignment in assignments:
            self.approve(assignment)
        article.refresh_from_db()
        return assignments


@pytest.fixture
def workflow(editor) -> Workflow:
    return Workflow(editor=editor)


def workflow_state(article: Article) -> dict:
    """Everything a refused action must leave as it was."""
    article = Article.objects.get(pk=article.pk)
    return {
        "status": article.status,
        "round": article.review_round,
        "last_updated": article.last_updated,
        "assignments": sorted(
            ReviewAssignment.objects.filter(article=article).values_list(
                "pk", "state", "recommendation", "comments"
            )
        ),
        "approved_versions": ApprovedVersion.objects.filter(article=article).count(),
        "article_history": article.history.count(),
        "assignment_history": ReviewAssignment.history.filter(
            article_id=article.pk
        ).count(),
    }


@pytest.fixture
def anonymous():
    return AnonymousUser()


# --- The admin's change form ------------------------------------------------------

SKIPPED_INPUT_TYPES = {"submit", "button", "image", "file", "reset"}


class FormReader(HTMLParser):
    """Collects what a browser would send for one form as rendered."""

    def __init__(self, form_id: str | None, action: str | None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.action = action
        self.inside = False
        self.found = False
        self.data: dict[str, list[str]] = {}
        self.textarea: str | None = None
        self.select: dict | None = None
        self.option: dict | None = None

    def add(self, name: str, value: str) -> None:
        if name and "__prefix__" not in name:
            self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form" and (
            (self.form_id and attrs.get("id") == self.form_id)
            or (self.action and attrs.get("action") == self.action)
        ):
            self.inside = self.found = True
        if not self.inside:
            return
        name = attrs.get("name", "")
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in SKIPPED_INPUT_TYPES:
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.add(name, attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "textarea":
            self.textarea, self.text = name, ""
        elif tag == "select":
            self.select = {"name": name, "multiple": "multiple" in attrs, "options": []}
        elif tag == "option" and self.select is not None:
            self.option = {"value": attrs.get("value"), "selected": "selected" in attrs}
            self.option["text"] = ""
            self.select["options"].append(self.option)

    def handle_data(self, data):
        if self.textarea is not None:
            self.text += data
        elif self.option is not None:
            self.option["text"] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            text = self.text[1:] if self.text.startswith("\n") else self.text
            self.add(self.textarea, text)
            self.textarea = None
        elif tag == "option":
            self.option = None
        elif tag == "select" and self.select is not None:
            options = self.select["options"]
            chosen = [option for option in options if option["selected"]]
            if not chosen and options and not self.select["multiple"]:
                chosen = options[:1]
            for option in chosen:
                value = option["value"]
                self.add(
                    self.select["name"], option["text"] if value is None else value
                )
            self.select = None


def form_data(
    response, form_id: str | None = "article_form", action: str | None = None
) -> dict[str, list[str]]:
    """The data a browser would send for the form as rendered (no button pressed),
    the form found by its id or its action."""
    reader = FormReader(None if action else form_id, action)
    reader.feed(response.content.decode())
    reader.close()
    assert reader.found, f"no form {action or form_id!r} in the page"
    return reader.data


def change_url(article: Article) -> str:
    return f"/admin/articles/article/{article.pk}/change/"


def change_form_data(client, article: Article) -> dict[str, list[str]]:
    """The article's change form as the signed-in client sees it."""
    response = client.get(change_url(article))
    assert response.status_code == 200
    return form_data(response)


def section_field(data: dict[str, list[str]], body_starts: str) -> str:
    """The name of the body field of the section whose body starts so."""
    for name, values in data.items():
        if name.endswith("-body") and values[0].startswith(body_starts):
            return name
    raise AssertionError(f"no section body starting {body_starts!r} in the form")
