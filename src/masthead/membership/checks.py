"""System checks for reader revenue (`masthead check`)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from masthead.membership.providers import PROVIDERS


@register(Tags.compatibility)
def payment_provider_configured(app_configs=None, **kwargs):
    problems = []
    if settings.PAYMENT_PROVIDER not in PROVIDERS:
        problems.append(
            Error(
                f"PAYMENT_PROVIDER is {settings.PAYMENT_PROVIDER!r}.",
                hint=f"Use one of: {', '.join(PROVIDERS)}.",
                id="membership.E001",
            )
        )
    if settings.PAYMENT_PROVIDER == "stripe" and not settings.STRIPE_WEBHOOK_SECRET:
        problems.append(
            Warning(
                "Stripe is configured without STRIPE_WEBHOOK_SECRET: every webhook will be refused, "
                "so no payment or membership will ever be recorded.",
                hint="Set it to the signing secret of the /webhooks/stripe endpoint (docs/operations.md).",
                id="membership.W001",
            )
        )
    return problems
