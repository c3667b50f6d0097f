"""The editorial workflow's actions: the one place where review states change.

Admin views, the reviewer desk, Celery tasks and the shell all call these functions, so
each rule is checked once, on the server, whoever asks. Every action locks the article
row (``SELECT … FOR UPDATE``) before reading the state it depends on, so two decisions
arriving together are applied one after the other; it records the acting user and a
reason in history, and queues notifications only after the transaction commits.

The modules split the actions by concern; import them from here.
"""

from editorial.services.assignments import (
    assignment_accept,
    assignment_create,
    assignment_decline,
    assignment_expire,
    assignment_set_due_dates,
    assignment_withdraw,
    conflict_record,
    default_due_dates,
    reviewer_set_reminders_paused,
)
from editorial.services.common import WorkflowError
from editorial.services.decisions import review_decide
from editorial.services.evidence import reference_notice_decide
from editorial.services.questions import (
    question_article_create,
    question_ask,
    question_decline,
    question_link,
    questions_tell_readers,
)
from editorial.services.rereview import rereview_start, rereviews_start_due
from editorial.services.revisions import (
    ContentSave,
    ReasonRequiredError,
    SeenState,
    StaleEditError,
    approved_articles_citing,
    article_content_save,
    article_create,
    article_restore,
    record_content_change,
    reference_save,
    revision_warning,
    section_delete,
    section_save,
)
from editorial.services.rounds import add_months, approvals_needed, close_round
from editorial.services.transitions import (
    article_reopen,
    article_transition,
    review_start,
)

__all__ = [
    "ContentSave",
    "ReasonRequiredError",
    "SeenState",
    "StaleEditError",
    "WorkflowError",
    "add_months",
    "approvals_needed",
    "approved_articles_citing",
    "article_content_save",
    "article_create",
    "article_reopen",
    "article_restore",
    "article_transition",
    "assignment_accept",
    "assignment_create",
    "assignment_decline",
    "assignment_expire",
    "assignment_set_due_dates",
    "assignment_withdraw",
    "close_round",
    "conflict_record",
    "record_content_change",
    "reference_save",
    "default_due_dates",
    "reference_notice_decide",
    "question_article_create",
    "question_ask",
    "question_decline",
    "question_link",
    "questions_tell_readers",
    "review_decide",
    "review_start",
    "revision_warning",
    "rereview_start",
    "rereviews_start_due",
    "section_delete",
    "section_save",
    "reviewer_set_reminders_paused",
]
