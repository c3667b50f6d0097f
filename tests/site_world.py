"""A small site with one person in each role, for tests that visit every page.

Reviewer A and reviewer B both review the article under review, each with their own
assignment; a third board member reviews nothing. Everything is made through the
factories and ``editorial.services``, as the site makes it.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from articles.models import Article, Section
from editorial.models import ReviewAssignment
from references.models import Reference
from reviewers.models import AdvisoryBoardMember
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


def build_site_world() -> SiteWorld:
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
    approved_article = ArticleFactory(
        title="Is osimertinib first-line?", review="approved"
    )
    article.refresh_from_db()
    return SiteWorld(
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
    )
