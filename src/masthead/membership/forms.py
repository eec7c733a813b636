from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings

from masthead.core.idempotency import new_key
from masthead.membership.models import Interval
from masthead.membership.money import format_money


class DonationForm(forms.Form):
    """The /support/ form: how often, and a suggested or a custom amount (no JavaScript)."""

    interval = forms.ChoiceField(
        choices=[(Interval.ONCE, "Once"), (Interval.MONTH, "Monthly"), (Interval.YEAR, "Yearly")],
        widget=forms.RadioSelect,
        initial=Interval.MONTH,
    )
    amount = forms.ChoiceField(widget=forms.RadioSelect, required=False)
    other_amount = forms.CharField(required=False, max_length=12, label="Other amount")
    # A double-clicked "Continue" opens one checkout, not two (core.idempotency).
    idempotency_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        suggested = settings.DONATION_SUGGESTED_MINOR
        currency = settings.SUPPORT_CURRENCY
        self.fields["amount"].choices = [(str(a), format_money(a, currency)) for a in suggested] + [
            ("other", "Other amount")
        ]
        self.fields["amount"].initial = str(suggested[1] if len(suggested) > 1 else suggested[0])
        self.fields["idempotency_key"].initial = new_key()

    def clean(self):
        data = super().clean()
        choice, other = data.get("amount"), (data.get("other_amount") or "").strip()
        if other or choice == "other":
            try:
                value = Decimal(other.replace(",", "").lstrip("£$€"))
                # Infinity, sNaN and 1e999999 pass Decimal() but not quantize() (was a 500).
                whole_pence = value.is_finite() and value == value.quantize(Decimal("0.01"))
            except InvalidOperation:
                self.add_error("other_amount", "Write an amount such as 12 or 12.50.")
                return data
            if not whole_pence or value <= 0:
                self.add_error("other_amount", "Write an amount such as 12 or 12.50.")
                return data
            data["amount_minor"] = int(value * 100)
        elif choice:
            data["amount_minor"] = int(choice)
        else:
            self.add_error("amount", "Choose an amount.")
        return data


class MembershipForm(forms.Form):
    interval = forms.ChoiceField(choices=[(Interval.MONTH, "Monthly"), (Interval.YEAR, "Yearly")])
    idempotency_key = forms.CharField(required=False, max_length=64)


class BadgeForm(forms.Form):
    show_badge = forms.BooleanField(
        required=False, label="Show a Supporter badge beside my name in the comments"
    )


class BookmarkForm(forms.Form):
    action = forms.ChoiceField(choices=[("save", "save"), ("remove", "remove")])
    next = forms.CharField(required=False, max_length=500)
