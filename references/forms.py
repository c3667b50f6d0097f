from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class IdentifierLookupForm(forms.Form):
    identifier = forms.CharField(
        label=_("DOI, PMID, PMCID or NCT number"),
        max_length=500,
        help_text=_(
            "Or a doi.org, PubMed, PMC or ClinicalTrials.gov link. The form below is "
            "filled for you to check before saving."
        ),
    )


class ImportForm(forms.Form):
    identifiers = forms.CharField(
        label=_("Identifiers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
        help_text=_(
            "DOIs, PMIDs, PMCIDs, NCT numbers or their links, one per line (or "
            "separated by spaces or commas). Up to 100."
        ),
    )
    file = forms.FileField(
        label=_("Or a file"),
        required=False,
        help_text=_("RIS (.ris), BibTeX (.bib) or PubMed (.nbib) export, up to 2 MB."),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 2 MB. Split it and import each part.")
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        nothing_given = not cleaned.get("identifiers", "").strip() and not (
            cleaned.get("file")
        )
        if nothing_given and not self.errors:
            raise forms.ValidationError(
                _("Paste some identifiers or choose a file to import.")
            )
        return cleaned
