"""Form pieces shared by the admin pages that edit content."""

from django import forms

from articles import markdown
from articles.models import Section


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
