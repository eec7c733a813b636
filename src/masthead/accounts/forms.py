from allauth.account import forms as allauth_forms
from django import forms

from masthead.accounts.models import Reader


class LoginForm(allauth_forms.LoginForm):
    """allauth's sign-in form, labelled in this site's words (settings.ACCOUNT_FORMS)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Username or email"
        self.fields["login"].widget.attrs.update({"autocomplete": "username", "placeholder": ""})
        self.fields["password"].widget.attrs["placeholder"] = ""
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me signed in on this device"


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        max_length=Reader._meta.get_field("display_name").max_length,
        required=False,
        help_text="Shown beside your comments. Leave it empty to use your username.",
    )
    bio = forms.CharField(
        max_length=Reader._meta.get_field("bio").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A line or two about you, on your public profile (280 characters at most).",
    )


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        max_length=60,
        label="Token name",
        help_text="What it is for, so you can recognise it later: “Newsletter script”, “My laptop”.",
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
