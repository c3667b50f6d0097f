"""A shared helper for the apps' human-readable unique identifiers."""

from django.db import models
from django.utils.text import slugify


def unique_slug(
    instance: models.Model, field_name: str, text: str, fallback: str
) -> str:
    """A slug of ``text`` unique in ``field_name``, with ``-2``, ``-3``… on clashes."""
    max_length = instance._meta.get_field(field_name).max_length - 10
    base = slugify(text)[:max_length].strip("-") or fallback
    others = type(instance)._default_manager.exclude(pk=instance.pk)
    slug, suffix = base, 1
    while others.filter(**{field_name: slug}).exists():
        suffix += 1
        slug = f"{base}-{suffix}"
    return slug
