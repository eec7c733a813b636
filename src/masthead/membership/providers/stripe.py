"""Stripe, through its official SDK. The only module in Masthead that imports ``stripe``.

Every call goes through a ``StripeClient`` built from settings (key, API base), so tests
and stripe-mock can point it at another address without touching global state.
"""

import json

import stripe
from django.conf import settings

from masthead.membership.providers.base import (
    CheckoutLink,
    CheckoutRequest,
    PaymentProvider,
    PlanSpec,
    ProviderError,
    WebhookSignatureError,
)


def _plain(obj) -> dict:
    return obj.to_dict(for_json=True)


class StripeProvider(PaymentProvider):
    name = "stripe"
    takes_real_money = True

    def __init__(self) -> None:
        self.client = stripe.StripeClient(
            settings.STRIPE_SECRET_KEY or "sk_missing",
            base_addresses={"api": settings.STRIPE_API_BASE},
            max_network_retries=2,
        )

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except stripe.StripeError as exc:
            raise ProviderError(exc.user_message or str(exc)) from exc

    def checkout_session_create(self, request: CheckoutRequest) -> CheckoutLink:
        if request.price_id:
            item = {"price": request.price_id, "quantity": 1}
        else:
            price_data = {
                "currency": request.currency.lower(),
                "unit_amount": request.amount_minor,
                "product_data": {"name": request.product_name},
            }
            if request.interval:
                price_data["recurring"] = {"interval": request.interval}
            item = {"price_data": price_data, "quantity": 1}
        params: dict = {
            "mode": request.mode,
            "line_items": [item],
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "metadata": request.metadata,
        }
        if request.client_reference_id:
            params["client_reference_id"] = request.client_reference_id
        if request.customer_id:
            params["customer"] = request.customer_id
        elif request.customer_email:
            params["customer_email"] = request.customer_email
        if request.mode == "payment":
            params["submit_type"] = "donate"
            params["payment_intent_data"] = {"metadata": request.metadata}
            if not request.customer_id:
                params["customer_creation"] = "always"  # so the donor can manage gifts later
        else:
            params["subscription_data"] = {"metadata": request.metadata}
        # The SDK retries network failures with an idempotency key of its own.
        session = self._call(self.client.v1.checkout.sessions.create, params=params)
        return CheckoutLink(id=session.id, url=session.url)

    def portal_session_create(self, *, customer_id: str, return_url: str) -> str:
        params = {"customer": customer_id, "return_url": return_url}
        return self._call(self.client.v1.billing_portal.sessions.create, params=params).url

    def subscription_retrieve(self, subscription_id: str) -> dict:
        return _plain(self._call(self.client.v1.subscriptions.retrieve, subscription_id))

    def subscription_cancel(self, subscription_id: str) -> dict:
        return _plain(self._call(self.client.v1.subscriptions.cancel, subscription_id))

    def invoice_payment_intent(self, invoice_id: str) -> str | None:
        # Since API version 2025-03-31 an invoice no longer names its PaymentIntent; its
        # invoice payments do, newest first.
        params = {"invoice": invoice_id, "status": "paid", "limit": 1}
        page = self._call(self.client.v1.invoice_payments.list, params=params)
        for payment in page.data:
            intent = payment.payment.payment_intent
            return intent if isinstance(intent, str) or intent is None else intent.id
        return None

    def webhook_event_verify(self, *, payload: bytes, signature: str) -> dict:
        try:
            stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
        except (stripe.SignatureVerificationError, ValueError) as exc:
            raise WebhookSignatureError(str(exc)) from exc
        return json.loads(payload)

    def prices_sync(self, plans: list[PlanSpec]) -> list[tuple[PlanSpec, str, bool]]:
        results = []
        for plan in plans:
            lookup_key = f"masthead_premium_{plan.plan}_{plan.currency.lower()}_{plan.amount_minor}"
            found = self._call(
                self.client.v1.prices.list, params={"lookup_keys": [lookup_key], "active": True, "limit": 1}
            )
            if found.data:
                results.append((plan, found.data[0].id, False))
                continue
            price = self._call(
                self.client.v1.prices.create,
                params={
                    "currency": plan.currency.lower(),
                    "unit_amount": plan.amount_minor,
                    "recurring": {"interval": plan.interval},
                    "product_data": {"name": plan.product_name},
                    "lookup_key": lookup_key,
                    "transfer_lookup_key": True,
                },
            )
            results.append((plan, price.id, True))
        return results
