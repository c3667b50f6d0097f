"""A base for models whose state field is a protected django-fsm field."""

from django_fsm import ConcurrentTransitionMixin, FSMFieldMixin


class WorkflowModelMixin(ConcurrentTransitionMixin):
    """State changes only through transitions, and never over a concurrent change.

    ``full_clean`` would assign every field back to itself, which a protected state
    field refuses; the state is never user input, so it is left out of field cleaning.
    """

    def clean_fields(self, exclude=None):
        protected = {
            field.name
            for field in self._meta.concrete_fields
            if isinstance(field, FSMFieldMixin) and field.protected
        }
        super().clean_fields(exclude=set(exclude or ()) | protected)
