"""Form pieces shared by the admin pages that edit content."""

from django import forms

from articles import markdown


class ReaderTextField(forms.CharField):
    """Text cleaned as readers see it, so a form posted back unchanged (browsers send
    CRLF line endings) does not count as a change."""

    def to_python(self, value):
        return markdown.normalise_text(super().to_python(value))
