"""The desk's forms: the settings page, a sanction, the queue's filters.

They only parse what the browser sent; validation that matters (ranges, word-list syntax,
who may do what) is the services', so the page and the API refuse the same things.
"""

from datetime import timedelta

from django import forms
from django.utils import timezone

from masthead.moderation import services
from masthead.moderation.models import LinkPolicy, Mode, ModerationSettings
from masthead.newsroom.models import Section

INHERIT_CHOICE = (services.INHERIT, "Follow the site")
_LIST = forms.Textarea(attrs={"rows": 8, "spellcheck": "false"})
LISTS = ("banned_words", "suspect_words", "allowed_words", "link_allowlist")


def _help(name: str) -> str:
    return str(ModerationSettings._meta.get_field(name).help_text)


class SettingsForm(forms.Form):
    mode = forms.ChoiceField(label="The site's mode", choices=Mode.choices, help_text=_help("mode"))
    banned_words = forms.CharField(label="Banned words", widget=_LIST, required=False)
    suspect_words = forms.CharField(label="Suspect words", widget=_LIST, required=False)
    allowed_words = forms.CharField(label="Allowed mild swearing", widget=_LIST, required=False)
    link_policy = forms.ChoiceField(label="Links", choices=LinkPolicy.choices)
    link_allowlist = forms.CharField(label="Link allow-list", widget=_LIST, required=False)
    toxicity_threshold = forms.FloatField(label="Toxicity threshold", min_value=0.01, max_value=1.0)
    new_reader_count = forms.IntegerField(
        label="New readers' pre-moderated comments", min_value=0, max_value=100
    )
    new_reader_probation_days = forms.IntegerField(
        label="Probation after a rejection (days)", min_value=0, max_value=365
    )
    rejection_rate_threshold = forms.FloatField(
        label="Rejection rate that holds", min_value=0.01, max_value=1.0
    )
    rejection_rate_min_comments = forms.IntegerField(
        label="…counted once a reader has this many decided comments", min_value=1, max_value=1000
    )
    report_threshold = forms.IntegerField(label="Reports that queue a comment", min_value=1, max_value=100)
    article = forms.SlugField(label="Article (slug)", required=False, max_length=140)
    article_mode = forms.ChoiceField(
        label="Its mode",
        required=False,
        choices=[("", "—"), (services.INHERIT, "Follow its section"), *Mode.choices],
    )

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in (*LISTS, "link_policy", *services.NUMBER_FIELDS):
            self.fields[name].help_text = _help(name)
        self.fields["report_threshold"].widget.attrs["step"] = 1
        for name in ("toxicity_threshold", "rejection_rate_threshold"):
            self.fields[name].widget.attrs["step"] = 0.01
        self.section_fields = []
        for section in sections:
            name = f"section_{section.slug}"
            self.fields[name] = forms.ChoiceField(
                label=section.name, choices=[INHERIT_CHOICE, *Mode.choices], required=False
            )
            self.section_fields.append(self[name])

    @classmethod
    def initial_from(cls, values: dict) -> dict:
        initial = {name: values[name] for name in values if name not in LISTS}
        for name in LISTS:
            initial[name] = "\n".join(values[name])
        for slug, mode in values["section_modes"].items():
            initial[f"section_{slug}"] = mode
        return initial

    def changes(self) -> dict:
        data = self.cleaned_data
        changes = {name: data[name] for name in ("mode", "link_policy", *services.NUMBER_FIELDS)}
        for name in LISTS:
            changes[name] = data[name].splitlines()
        return changes

    def section_modes(self) -> dict[str, str]:
        prefix = "section_"
        return {
            name.removeprefix(prefix): self.cleaned_data[name] or services.INHERIT
            for name in self.fields
            if name.startswith(prefix)
        }

    def article_modes(self) -> dict[str, str] | None:
        slug, mode = self.cleaned_data.get("article"), self.cleaned_data.get("article_mode")
        if slug and mode:
            return {slug: mode}
        if slug or mode:
            self.add_error("article_mode" if slug else "article", "Give both the article and its mode.")
        return None


def sections() -> list[Section]:
    return list(Section.objects.order_by("position", "name"))


DURATIONS = (
    ("24", "24 hours"),
    ("72", "3 days"),
    ("168", "7 days"),
    ("720", "30 days"),
)


class SanctionForm(forms.Form):
    message = forms.CharField(
        max_length=services.MESSAGE_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    hours = forms.ChoiceField(choices=DURATIONS, required=False)
    until = forms.DateTimeField(
        required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    comment = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def until_value(self):
        """The chosen end of a suspension: an exact moment, else now + the chosen duration."""
        if self.cleaned_data.get("until"):
            return self.cleaned_data["until"]
        if self.cleaned_data.get("hours"):
            return timezone.now() + timedelta(hours=int(self.cleaned_data["hours"]))
        return None
