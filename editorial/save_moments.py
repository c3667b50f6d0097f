"""One moment per save: every history row an editor's save writes shares its date.

An admin save of an article and five sections wrote six history rows microseconds
apart, which the timeline showed as six edits and six restore points. The content
services run inside ``one_moment()``; the receiver below dates each history row
written meanwhile (article, sections, citations, closed assignments) with that
moment, so the timeline can group them and a restore point is a whole save.
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_moment: ContextVar[datetime.datetime | None] = ContextVar("save_moment", default=None)


@contextmanager
def one_moment() -> Iterator[datetime.datetime]:
    """The moment of the save in progress (an enclosing one's, when nested)."""
    current = _moment.get()
    if current is not None:
        yield current
        return
    token = _moment.set(timezone.now())
    try:
        yield _moment.get()
    finally:
        _moment.reset(token)


def stamp_history_row(sender, history_instance, **kwargs) -> None:
    """``pre_create_historical_record`` receiver, connected in ``EditorialConfig``."""
    moment = _moment.get()
    if moment is not None:
        history_instance.history_date = moment
