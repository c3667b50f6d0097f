"""Writes to the reference library beyond a form's save."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from references.models import Reference

DRAFT_FIELDS = Reference.CONTENT_FIELDS


def references_import(
    *, drafts: list[dict], user: AbstractBaseUser | None = None
) -> list[Reference]:
    """Save confirmed drafts, all or none: each is validated like a form's save.

    Raises ``ValidationError`` naming the reference refused, for example because the
    same identifier was added since the preview.
    """
    created = []
    with transaction.atomic():
        for draft in drafts:
            reference = Reference(**_fitted(draft))
            try:
                reference.full_clean()
            except ValidationError as error:
                raise ValidationError(
                    _("“%(title)s”: %(errors)s")
                    % {"title": reference.title, "errors": " ".join(error.messages)}
                ) from error
            if user is not None:
                reference._history_user = user
            reference.save()
            created.append(reference)
    return created


def _fitted(draft: dict) -> dict:
    """The draft's values, blanks for missing text, each cut to its field's length:
    a service's over-long volume or journal name must not refuse the whole import."""
    values = {}
    for name in DRAFT_FIELDS:
        field = Reference._meta.get_field(name)
        value = draft.get(name)
        if name == "year":
            values[name] = value
            continue
        value = "" if value is None else str(value)
        if field.max_length and name not in ("doi", "pmid", "pmcid", "nct_number"):
            value = value[: field.max_length]
        values[name] = value
    return values
