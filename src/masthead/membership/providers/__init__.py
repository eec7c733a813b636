"""Payment providers: one interface (base.PaymentProvider), chosen by settings.PAYMENT_PROVIDER.

``stripe`` is the only module that imports Stripe's SDK; ``demo`` is the local test-mode
provider that needs no account and takes no money.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from masthead.membership.providers.base import PaymentProvider

PROVIDERS = {
    "stripe": "masthead.membership.providers.stripe.StripeProvider",
    "demo": "masthead.membership.providers.demo.DemoProvider",
}


def get_provider(name: str | None = None) -> PaymentProvider:
    """The configured provider, or the one named (an event is processed by the provider it
    came from, whatever is configured now)."""
    name = name or settings.PAYMENT_PROVIDER
    try:
        path = PROVIDERS[name]
    except KeyError:
        raise LookupError(
            f"No payment provider called {name!r}; choose one of {', '.join(PROVIDERS)}."
        ) from None
    return import_string(path)()
