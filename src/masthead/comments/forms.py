"""The page's forms. They only carry what the reader typed: the services validate it (one
set of rules for the page and the API), and their errors are put back on the form."""

from django import forms
from django.conf import settings

from masthead.comments.models import Report
from masthead.core.errors import MastheadError
from masthead.core.idempotency import new_key


def _body_field() -> forms.CharField:
    return forms.CharField(
        label="Your comment",
        required=False,  # "write something" comes from the service, like the API's
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "data-comment-body": "", "autocomplete": "off"}),
    )


class CommentForm(forms.Form):
    body = _body_field()
    parent_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    idempotency_key = forms.CharField(required=False, max_length=255, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("idempotency_key", new_key())
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs["data-max-length"] = settings.COMMENT_MAX_LENGTH

    def add_service_error(self, error: MastheadError) -> None:
        """Show a service's refusal on the form: beside the field it names, or on top."""
        placed = False
        for name, messages in (error.fields or {}).items():
            field = {"parent_id": None}.get(name, name)
            if field in self.fields:
                for message in messages:
                    self.add_error(field, message)
                placed = True
        if not placed:
            self.add_error(None, error.message)


class EditForm(CommentForm):
    pass


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong with this comment?",
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Anything the moderators should know? (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
