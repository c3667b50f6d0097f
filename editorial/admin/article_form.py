"""The article's change form: the content fields, plus what a save to a reviewed
article needs: the review state the editor saw, and the reason confirming an edit
that ends a round."""

from django import forms
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from editorial import services
from editorial.models import REASON_MAX_LENGTH


class ArticleAdminForm(forms.ModelForm):
    # The review state the form was opened in, so an edit racing a decision is
    # refused with a message instead of undoing the decision unseen.
    seen_state = forms.CharField(widget=forms.HiddenInput, required=False)
    revision_reason = forms.CharField(
        label=_("Reason for this edit"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text=_(
            "Needed when the edit ends a review round: shown on the timeline, in the "
            "email to the reviewers and on their desk."
        ),
    )

    # A save the services refused; set by the admin to show the form again with the
    # message and everything the editor typed.
    refusal: services.WorkflowError | None = None

    class Meta:
        model = Article
        fields = (
            *Article.CONTENT_FIELDS,
            "slug",
            "author",
            "required_approvals",
            "published",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        current = _state_text(services.SeenState.of(self.instance))
        self.fields["seen_state"].initial = current
        warning = services.revision_warning(article=self.instance)
        if warning:
            self.fields["revision_reason"].help_text = warning
        if self.refusal is not None and self.is_bound:
            # Saving again applies the edit to the state the editor now sees.
            self.data = self.data.copy()
            self.data[self.add_prefix("seen_state")] = current

    def clean(self):
        cleaned = super().clean()
        if isinstance(self.refusal, services.ReasonRequiredError):
            self.add_error("revision_reason", self.refusal.message)
        elif self.refusal is not None:
            raise forms.ValidationError(self.refusal.message)
        return cleaned

    @property
    def seen(self) -> services.SeenState | None:
        status, _separator, review_round = self.cleaned_data.get(
            "seen_state", ""
        ).partition(":")
        if not review_round.isdigit():
            return None
        return services.SeenState(status=status, review_round=int(review_round))


def _state_text(state: services.SeenState) -> str:
    return f"{state.status}:{state.review_round}"
