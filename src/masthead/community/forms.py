from django import forms

from masthead.community.kinds import Channel, Kind


class NotificationSettingsForm(forms.Form):
    """One choice of channel per kind of notification."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label, choices=Channel.choices, widget=forms.RadioSelect
            )


class CommunityOptionsForm(forms.Form):
    accepts_followers = forms.BooleanField(
        label="Let other readers follow me",
        required=False,
        help_text="Turning this off also removes the readers who follow you now.",
    )
    followers_private = forms.BooleanField(
        label="Keep my list of followers to myself",
        required=False,
        help_text="Others still see how many readers follow you, not who.",
    )
