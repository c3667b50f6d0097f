"""The reference library's admin, with saves that reach the articles citing it.

``references`` knows nothing of articles; the editorial app registers the admin
again so that an edit of a cited reference goes through ``editorial.services``.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from editorial import services
from editorial.admin.authoring import CitationPickerMixin
from editorial.admin.workflow import WorkflowActionsMixin
from references.admin import ReferenceAdmin
from references.models import Reference


class ReferenceCorrectionForm(forms.ModelForm):
    correction = forms.CharField(
        label=_("Editorial correction note"),
        required=False,
        max_length=300,
        help_text=_(
            "Only for a fix that does not change what the source says (%(fields)s): "
            "readers see it with today's date and the citing articles are not "
            "reviewed again. Leave blank for any other change."
        )
        % {"fields": ", ".join(Reference.CORRECTABLE_FIELDS)},
    )

    class Meta:
        model = Reference
        fields = ("title",)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("correction", "").strip():
            return cleaned
        changed = [
            name for name in self.changed_data if name in Reference.CONTENT_FIELDS
        ]
        others = [name for name in changed if name not in Reference.CORRECTABLE_FIELDS]
        if not changed:
            self.add_error("correction", _("Nothing was changed to correct."))
        elif others:
            self.add_error(
                "correction",
                _(
                    "A correction may change only %(allowed)s; %(others)s changed. "
                    "Clear this note to save the change through review."
                )
                % {
                    "allowed": ", ".join(Reference.CORRECTABLE_FIELDS),
                    "others": ", ".join(others),
                },
            )
        return cleaned


class EditorialReferenceAdmin(
    CitationPickerMixin, WorkflowActionsMixin, ReferenceAdmin
):
    form = ReferenceCorrectionForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        count = services.approved_articles_citing(obj)
        description = ngettext(
            "%(count)s approved article cites this reference: saving a change sends "
            "it back to review, unless the change is an editorial correction.",
            "%(count)s approved articles cite this reference: saving a change sends "
            "them back to review, unless the change is an editorial correction.",
            count,
        ) % {"count": count}
        return (
            *fieldsets,
            (
                _("Review of the citing articles"),
                {"fields": ("correction",), "description": description},
            ),
        )

    def save_model(self, request, obj, form, change):
        self.run_service(
            request,
            lambda: services.reference_save(
                reference=obj,
                user=request.user,
                correction=form.cleaned_data.get("correction", ""),
            ),
        )


admin.site.unregister(Reference)
admin.site.register(Reference, EditorialReferenceAdmin)
