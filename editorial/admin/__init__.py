"""The editors' workspace in the admin, one module per concern.

Importing the package registers every model admin of the app.
"""

from editorial.admin import (  # noqa: F401 - registers the model admins
    articles,
    assignments,
    board,
    evidence,
    outbox,
    policy,
    questions,
    references,
)
