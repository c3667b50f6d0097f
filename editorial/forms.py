import datetime

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from editorial.models import (
    REASON_MAX_LENGTH,
    FollowUpQuestion,
    Recommendation,
    ReviewAssignment,
)


class ReopenForm(forms.Form):
    """The reason asked for when an editor reopens an approved article."""

    reason = forms.CharField(
        label=_("Why is the article reopened?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX_LENGTH,
    )


class RestoreForm(forms.Form):
    """The optional reason an editor gives for bringing back an earlier version;
    it is kept in history and given to the reviewers of a round the restore ends."""

    reason = forms.CharField(
        label=_("Reason for restoring (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        max_length=REASON_MAX_LENGTH,
        help_text=_(
            "Shown on the timeline, and to the reviewers when the restore ends "
            "their round."
        ),
    )


class AssignmentInlineForm(forms.ModelForm):
    """Adds a reviewer to the article's current round; the model's rules (not the
    author, no recorded conflict, has an account) are shown as form errors."""

    class Meta:
        model = ReviewAssignment
        fields = ("reviewer",)

    def clean(self):
        cleaned = super().clean()
        reviewer = cleaned.get("reviewer")
        article = self.instance.article if self.instance.article_id else None
        if reviewer and article and not self.instance.pk:
            already = ReviewAssignment.objects.filter(
                article=article, reviewer=reviewer, round=article.review_round
            ).first()
            if already is not None:
                raise forms.ValidationError(
                    _("%(member)s was already invited to round %(round)s (%(state)s).")
                    % {
                        "member": reviewer,
                        "round": article.review_round,
                        "state": already.get_state_display().lower(),
                    }
                )
        return cleaned


class DecisionForm(forms.Form):
    recommendation = forms.ChoiceField(
        label=_("Your decision"),
        choices=Recommendation.choices,
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        label=_("Comments for the editors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Required when you request changes: say what must change."),
        max_length=10000,
    )
    # The version the reviewer read, to refuse a decision on a page gone stale.
    seen_last_updated = forms.CharField(widget=forms.HiddenInput)

    def clean_seen_last_updated(self):
        try:
            value = parse_datetime(self.cleaned_data["seen_last_updated"])
        except ValueError:
            value = None  # well formed, but no such date (2024-02-30, month 13)
        if value is None:
            raise forms.ValidationError(
                _(
                    "The page did not say which version of the article you read. "
                    "Reload the page and decide again."
                )
            )
        if timezone.is_naive(value):
            value = timezone.make_aware(value, datetime.UTC)
        return value


class DeclineForm(forms.Form):
    note = forms.CharField(
        label=_("Reason (optional, seen by the editors)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class FollowUpQuestionForm(forms.Form):
    """A reader's question. ``website`` is a honeypot: people never see it, so a
    value there means a bot, which is thanked and ignored."""

    question = forms.CharField(
        label=_("Your question"),
        min_length=10,
        max_length=FollowUpQuestion.QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What does the article leave open for you? Please leave out names and "
            "other details that identify a patient."
        ),
    )
    email = forms.EmailField(
        label=_("Your email (optional)"),
        required=False,
        help_text=_("We write once, when an approved article answers your question."),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the editors may use my question to write or improve an "
            "article and, if I left my email, write to me once about it."
        ),
        error_messages={"required": _("Please agree, or we cannot take the question.")},
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
