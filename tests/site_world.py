"""A small site with one person in each role, for tests that visit every page.

Reviewer A and reviewer B both review the article under review, each with their own
assignment, and B has an unanswered invitation to review a second article; a third
board member reviews nothing. Everything is made through the
factories and ``editorial.services``, as the site makes it.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from articles.models import Article, Section
from editorial import services
from editorial.models import (
    EditorialPolicy,
    OutboundEmail,
    ReviewAssignment,
    ReviewerConflict,
)
from references.models import LinkCheck, Reference, ReferenceNotice
from reviewers.models import AdvisoryBoardMember, Writer
from tests.articles.factories import ArticleFactory, SectionFactory, UserFactory
from tests.editorial.conftest import Workflow, make_editor, make_reviewer
from tests.references.factories import ReferenceFactory


@dataclass
class SiteWorld:
    editor: AbstractBaseUser
    superuser: AbstractBaseUser
    reviewer_a: AdvisoryBoardMember
    reviewer_b: AdvisoryBoardMember
    idle_member: AdvisoryBoardMember
    reference: Reference
    article: Article
    approved_article: Article
    assignment_a: ReviewAssignment
    assignment_b: ReviewAssignment
    invitation_b: ReviewAssignment
    # Rows only the admin shows (``with_admin_records=True``).
    admin_records: dict[str, object] = field(default_factory=dict)

    def users(self) -> dict[str, AbstractBaseUser | None]:
        """Each role's user, anonymous as None."""
        return {
            "anonymous": None,
            "reviewer_a": self.reviewer_a.user,
            "reviewer_b": self.reviewer_b.user,
            "idle_member": self.idle_member.user,
            "editor": self.editor,
            "superuser": self.superuser,
        }


def build_site_world(*, with_admin_records: bool = False) -> SiteWorld:
    editor = make_editor()
    superuser = UserFactory(username="chief", is_staff=True, is_superuser=True)
    reviewer_a = make_reviewer("Ana Ruiz", "MD, PhD")
    reviewer_b = make_reviewer("Kenji Sato", "MD")
    idle_member = make_reviewer("Lena Berg", "PharmD")
    reference = ReferenceFactory(citation_key="guide2024")
    article = ArticleFactory(title="Which lung tumours should be tested?")
    SectionFactory(
        article=article,
        order=1,
        kind=Section.Kind.GUIDELINES,
        body=(
            "Test every advanced tumour [@guide2024].\n\n- **EGFR** first\n\n"
            "| Driver | Share |\n|:--|--:|\n| EGFR | 15% |\n"
        ),
    )
    workflow = Workflow(editor=editor)
    assignment_a, assignment_b = workflow.send_to_review(
        article, reviewer_a, reviewer_b
    )
    invitation_b = workflow.invite(
        ArticleFactory(title="When is a liquid biopsy enough?"), reviewer_b
    )[0]
    approved_article = ArticleFactory(
        title="Is osimertinib first-line?", review="approved"
    )
    article.refresh_from_db()
    world = SiteWorld(
        editor=editor,
        superuser=superuser,
        reviewer_a=reviewer_a,
        reviewer_b=reviewer_b,
        idle_member=idle_member,
        reference=reference,
        article=article,
        approved_article=approved_article,
        assignment_a=assignment_a,
        assignment_b=assignment_b,
        invitation_b=invitation_b,
    )
    if with_admin_records:
        world.admin_records = admin_records(world)
    return world


def admin_records(world: SiteWorld) -> dict[str, object]:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    access = {
        "username": world.reviewer_b.user.username,
        "ip_address": "192.0.2.10",
        "user_agent": "Browser",
        "http_accept": "text/html",
        "path_info": "/accounts/login/",
    }
    return {
        "access_attempt": AccessAttempt.objects.create(
            get_data="", post_data="", failures_since_start=2, **access
        ),
        "access_log": AccessLog.objects.create(**access),
        "access_failure_log": AccessFailureLog.objects.create(**access),
        "conflict": ReviewerConflict.objects.create(
            article=world.article,
            member=world.idle_member,
            note="Co-author of the guideline",
            recorded_by=world.editor,
        ),
        "outbound_email": OutboundEmail.objects.order_by("pk").first(),
        "policy": EditorialPolicy.objects.create(body="We review every answer."),
        "reference_notice": ReferenceNotice.objects.create(
            reference=world.reference,
            kind=ReferenceNotice.Kind.CORRECTION,
            notice_identifier="doi:10.5555/correction",
            found_in="Crossref",
        ),
        "link_check": LinkCheck.objects.create(
            reference=world.reference,
            url="https://doi.org/10.5555/medreview",
            outcome=LinkCheck.Outcome.OK,
            status_code=200,
            checked=timezone.now(),
        ),
        "writer": Writer.objects.create(display_name="Maria Ortega", credentials="MD"),
        "follow_up_question": services.question_ask(
            asked_on=world.article,
            question="Should the tumour be tested again at progression?",
            email="",
            consent=True,
            client_address="192.0.2.20",
        ),
    }
