"""Forms of the articles app: content fields for the admin pages that edit content,
and the public list's search and filter form (a GET form)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from articles import markdown
from articles.discovery import ArticleFilters, Specialty
from articles.models import ArticleStatus, Section

QUERY_MAX_LENGTH = 200


class ReaderTextField(forms.CharField):
    """Text cleaned as readers see it, so a form posted back unchanged (browsers send
    CRLF line endings) does not count as a change."""

    def to_python(self, value):
        return markdown.normalise_text(super().to_python(value))


class SectionPreviewForm(forms.ModelForm):
    """A section as typed in its editor, checked by the section's own rules (known
    citation keys, lengths) before it is previewed."""

    class Meta:
        model = Section
        fields = ("kind", "heading", "body")
        field_classes = {"body": ReaderTextField}


class ArticleSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=QUERY_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(
        label=_("Review status"),
        required=False,
        choices=[("", _("Any status")), *ArticleStatus.choices],
    )
    specialty = forms.ChoiceField(label=_("Specialty"), required=False)

    def __init__(self, *args, specialties: list[Specialty], **kwargs):
        super().__init__(*args, **kwargs)
        self.specialties = {specialty.slug: specialty for specialty in specialties}
        self.fields["specialty"].choices = [
            ("", _("All specialties")),
            *((specialty.slug, specialty.name) for specialty in specialties),
        ]

    def filters(self) -> ArticleFilters:
        """The valid part of what was asked; an invalid field filters nothing."""
        if not self.is_bound:
            return ArticleFilters()
        self.is_valid()  # cleaned_data then holds only the valid fields
        data = self.cleaned_data
        specialty = self.specialties.get(data.get("specialty") or "")
        return ArticleFilters(
            query=data.get("q", ""),
            status=data.get("status", ""),
            specialty=specialty.slug if specialty else "",
        )
