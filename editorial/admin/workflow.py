"""What every editorial admin page shares: running a workflow action."""

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages

from editorial import services

T = TypeVar("T")


class WorkflowActionsMixin:
    def run_service(
        self, request, action: Callable[[], T], *, prefix: str = ""
    ) -> T | None:
        """Run one workflow action and return its result, or None when refused.

        The one place the admin turns ``WorkflowError`` into the message the editor
        reads (a refused content save is shown again in its form instead, see
        ``ArticleAdmin.changeform_view``).
        """
        try:
            return action()
        except services.WorkflowError as refusal:
            self.message_user(request, f"{prefix}{refusal.message}", messages.ERROR)
            return None
