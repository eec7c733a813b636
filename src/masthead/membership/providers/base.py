"""The payment provider interface: everything reader revenue asks of Stripe, and no more.

Objects cross this boundary as plain dicts shaped exactly like Stripe's API objects (the
demo provider builds the same shapes), so the webhook-processing code does not know which
provider it is talking to.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass, field


class ProviderError(Exception):
    """The provider could not be reached or refused the call."""


class WebhookSignatureError(Exception):
    """A webhook's signature or timestamp did not check out."""


@dataclass(frozen=True)
class CheckoutRequest:
    """A hosted checkout for one line item.

    ``mode`` is "payment" (a one-off gift) or "subscription" (a membership or recurring
    gift, renewing every ``interval``). Either ``price_id`` names a configured price, or
    ``amount_minor``/``currency``/``product_name`` describe one inline.
    """

    mode: str
    amount_minor: int
    currency: str
    product_name: str
    success_url: str
    cancel_url: str
    interval: str | None = None
    price_id: str | None = None
    customer_id: str | None = None
    customer_email: str | None = None
    client_reference_id: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckoutLink:
    id: str
    url: str


@dataclass(frozen=True)
class PlanSpec:
    plan: str  # "monthly" | "yearly"
    interval: str  # "month" | "year"
    amount_minor: int
    currency: str
    product_name: str


class PaymentProvider(ABC):
    name: str = ""
    takes_real_money: bool = False

    @abstractmethod
    def checkout_session_create(self, request: CheckoutRequest) -> CheckoutLink: ...

    @abstractmethod
    def portal_session_create(self, *, customer_id: str, return_url: str) -> str:
        """The address of the provider's page where the customer manages what they pay."""

    @abstractmethod
    def subscription_retrieve(self, subscription_id: str) -> dict:
        """The subscription as it is now (a Stripe ``subscription`` object)."""

    @abstractmethod
    def subscription_cancel(self, subscription_id: str) -> dict:
        """End the subscription now; the provider then sends customer.subscription.deleted."""

    @abstractmethod
    def invoice_payment_intent(self, invoice_id: str) -> str | None:
        """The id of the PaymentIntent that paid an invoice, if any."""

    @abstractmethod
    def webhook_event_verify(self, *, payload: bytes, signature: str) -> dict:
        """Check the signature and timestamp of a webhook delivery and return the event.

        Raises WebhookSignatureError when they do not check out."""

    @abstractmethod
    def prices_sync(self, plans: list[PlanSpec]) -> list[tuple[PlanSpec, str, bool]]:
        """Make sure a recurring price exists for each plan; (plan, price id, created?)."""
