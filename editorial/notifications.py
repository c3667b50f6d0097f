"""Who is told what when the workflow moves. Filled in by the notifications work:
each function queues Celery tasks after the transaction commits."""

from editorial.models import ReviewAssignment


def assignment_created(assignment: ReviewAssignment) -> None:
    pass


def assignment_answered(assignment: ReviewAssignment) -> None:
    pass


def assignment_closed(assignment: ReviewAssignment) -> None:
    pass


def review_started(article) -> None:
    pass


def changes_requested(assignment: ReviewAssignment) -> None:
    pass


def reviewer_approved(assignment: ReviewAssignment) -> None:
    pass


def article_approved(article) -> None:
    pass
