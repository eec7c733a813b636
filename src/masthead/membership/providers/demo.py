"""The demo provider: a local, clearly marked test-mode checkout that takes no money.

It keeps Stripe-shaped objects (checkout sessions, customers, subscriptions, invoices,
payment intents, charges) in its own table and, when the reader "pays" on its local page,
writes the same events Stripe would send and hands them to the same code that receives
Stripe's webhooks (``services.webhook_event_receive``). So the demo newsroom works offline
end to end, and everything after the checkout page is the code Stripe's events run.
"""

import calendar
import logging
import secrets
import time
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from masthead.membership.models import DemoObject
from masthead.membership.providers.base import (
    CheckoutLink,
    CheckoutRequest,
    PaymentProvider,
    PlanSpec,
    ProviderError,
    WebhookSignatureError,
)

API_VERSION = "demo"
log = logging.getLogger(__name__)


def _id(prefix: str) -> str:
    return f"{prefix}_demo_{secrets.token_urlsafe(18).replace('-', 'x').replace('_', 'y')}"


def _now() -> int:
    return int(time.time())


def _save(obj: dict) -> dict:
    DemoObject.objects.update_or_create(id=obj["id"], defaults={"type": obj["object"], "data": obj})
    return obj


def _load(object_id: str, object_type: str) -> dict:
    row = DemoObject.objects.filter(id=object_id, type=object_type).first()
    if row is None:
        raise ProviderError(f"No such {object_type}: {object_id}")
    return row.data


def _period_end(start: int, interval: str) -> int:
    """A month or a year after ``start``, on the same day where the month has one."""
    begin = datetime.fromtimestamp(start, UTC)
    months = begin.month - 1 + (1 if interval == "month" else 12)
    year, month = begin.year + months // 12, months % 12 + 1
    day = min(begin.day, calendar.monthrange(year, month)[1])
    return int(begin.replace(year=year, month=month, day=day).timestamp())


def _event(event_type: str, obj: dict, previous: dict | None = None) -> dict:
    data = {"object": obj}
    if previous is not None:
        data["previous_attributes"] = previous
    return {
        "id": _id("evt"),
        "object": "event",
        "api_version": API_VERSION,
        "created": _now(),
        "type": event_type,
        "data": data,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
    }


def _deliver(events: list[dict]) -> None:
    """Hand events to the webhook-receiving code, as Stripe's deliveries would."""
    from masthead.membership.services import webhook_event_process, webhook_event_receive

    for event in events:
        webhook_event_receive(provider=DemoProvider.name, event=event)
    # The receiving code queued each event for the task worker; a local demo often runs
    # without one (`make run`), so process them now as well. Whichever comes second finds
    # the event processed and does nothing.
    for event in events:
        transaction.on_commit(lambda event_id=event["id"]: _process_quietly(webhook_event_process, event_id))


def _process_quietly(process, event_id: str) -> None:
    try:
        process(event_id=event_id)
    except Exception:  # recorded on the event; the worker retries it
        log.exception("demo: processing %s failed", event_id)


class DemoProvider(PaymentProvider):
    name = "demo"
    takes_real_money = False

    # --- The provider interface.

    def checkout_session_create(self, request: CheckoutRequest) -> CheckoutLink:
        session_id = _id("cs")
        url = settings.SITE_URL + reverse("membership:demo-checkout", args=[session_id])
        price = {
            "id": request.price_id or _id("price"),
            "object": "price",
            "currency": request.currency.lower(),
            "unit_amount": request.amount_minor,
            "recurring": {"interval": request.interval, "interval_count": 1} if request.interval else None,
            "type": "recurring" if request.interval else "one_time",
            "product": _id("prod"),
            "nickname": request.product_name,
        }
        _save(
            {
                "id": session_id,
                "object": "checkout.session",
                "mode": request.mode,
                "status": "open",
                "payment_status": "unpaid",
                "amount_total": request.amount_minor,
                "currency": request.currency.lower(),
                "customer": request.customer_id,
                "customer_email": request.customer_email,
                "customer_details": None,
                "client_reference_id": request.client_reference_id,
                "metadata": dict(request.metadata),
                "payment_intent": None,
                "subscription": None,
                "invoice": None,
                "success_url": request.success_url,
                "cancel_url": request.cancel_url,
                "created": _now(),
                "livemode": False,
                "url": url,
                "line_items": {
                    "object": "list",
                    "data": [{"price": price, "quantity": 1}],
                    "has_more": False,
                },
            }
        )
        return CheckoutLink(id=session_id, url=url)

    def portal_session_create(self, *, customer_id: str, return_url: str) -> str:
        _load(customer_id, "customer")
        session = _save(
            {
                "id": _id("bps"),
                "object": "billing_portal.session",
                "customer": customer_id,
                "return_url": return_url,
                "created": _now(),
                "livemode": False,
            }
        )
        return settings.SITE_URL + reverse("membership:demo-portal", args=[session["id"]])

    def subscription_retrieve(self, subscription_id: str) -> dict:
        return _load(subscription_id, "subscription")

    def subscription_cancel(self, subscription_id: str) -> dict:
        with transaction.atomic():
            subscription = self.subscription_retrieve(subscription_id)
            self._end(subscription, reason="cancellation_requested")
        return subscription

    def invoice_payment_intent(self, invoice_id: str) -> str | None:
        row = DemoObject.objects.filter(type="invoice_payment", data__invoice=invoice_id).first()
        return row.data["payment"]["payment_intent"] if row else None

    def webhook_event_verify(self, *, payload: bytes, signature: str) -> dict:
        raise WebhookSignatureError("The demo provider delivers its events itself, never over HTTP.")

    def prices_sync(self, plans: list[PlanSpec]) -> list[tuple[PlanSpec, str, bool]]:
        return [(plan, f"price_demo_premium_{plan.plan}_{plan.currency.lower()}", False) for plan in plans]

    # --- The local checkout and portal pages (views.demo_checkout, views.demo_portal).

    def checkout_session(self, session_id: str) -> dict:
        return _load(session_id, "checkout.session")

    def portal_session(self, session_id: str) -> dict:
        return _load(session_id, "billing_portal.session")

    def customer_subscriptions(self, customer_id: str) -> list[dict]:
        rows = DemoObject.objects.filter(type="subscription", data__customer=customer_id).order_by(
            "-created_at"
        )
        return [row.data for row in rows]

    def checkout_complete(self, session_id: str, *, email: str) -> dict:
        """The reader pressed "Pay" on the simulated checkout: create what Stripe would and
        deliver the events it would send, in the order it usually sends them."""
        with transaction.atomic():
            session = DemoObject.objects.select_for_update().get(id=session_id, type="checkout.session").data
            if session["status"] != "open":
                return session
            now = _now()
            email = session["customer_email"] or email
            customer_id = (
                session["customer"]
                or _save(
                    {
                        "id": _id("cus"),
                        "object": "customer",
                        "email": email,
                        "created": now,
                        "livemode": False,
                    }
                )["id"]
            )
            price = session["line_items"]["data"][0]["price"]
            events = []
            session.update(
                status="complete",
                payment_status="paid",
                customer=customer_id,
                customer_details={"email": email, "name": None},
            )
            if session["mode"] == "payment":
                intent, charge = self._payment(session["amount_total"], session["currency"], customer_id, now)
                intent["metadata"] = dict(session["metadata"])
                _save(intent)
                session["payment_intent"] = intent["id"]
                events.append(_event("charge.succeeded", charge))
            else:
                subscription = {
                    "id": _id("sub"),
                    "object": "subscription",
                    "status": "active",
                    "customer": customer_id,
                    "currency": session["currency"],
                    "metadata": dict(session["metadata"]),
                    "cancel_at_period_end": False,
                    "cancel_at": None,
                    "canceled_at": None,
                    "ended_at": None,
                    "cancellation_details": {"comment": None, "feedback": None, "reason": None},
                    "created": now,
                    "start_date": now,
                    "latest_invoice": None,
                    "livemode": False,
                    "items": {
                        "object": "list",
                        "data": [
                            {
                                "id": _id("si"),
                                "object": "subscription_item",
                                "current_period_start": now,
                                "current_period_end": _period_end(now, price["recurring"]["interval"]),
                                "price": price,
                                "quantity": 1,
                            }
                        ],
                        "has_more": False,
                    },
                }
                invoice = self._invoice(subscription, email=email, reason="subscription_create", paid=True)
                session.update(subscription=subscription["id"], invoice=invoice["id"])
                _save(subscription)
                events += [
                    _event("customer.subscription.created", subscription),
                    _event("invoice.paid", invoice),
                ]
            _save(session)
            events.append(_event("checkout.session.completed", session))
            _deliver(events)
        return session

    def subscription_act(self, subscription_id: str, action: str) -> dict:
        """What a reader can do in the demo portal, and the renewals a real provider would
        make happen over time: each changes the subscription and sends Stripe's events."""
        with transaction.atomic():
            DemoObject.objects.select_for_update().filter(id=subscription_id).first()
            subscription = self.subscription_retrieve(subscription_id)
            if subscription["status"] in ("canceled", "incomplete_expired"):
                raise ProviderError("That subscription has ended.")
            item = subscription["items"]["data"][0]
            previous = {
                "status": subscription["status"],
                "cancel_at_period_end": subscription["cancel_at_period_end"],
            }
            events = []
            if action == "cancel":
                subscription.update(
                    cancel_at_period_end=True, cancel_at=item["current_period_end"], canceled_at=_now()
                )
                subscription["cancellation_details"]["reason"] = "cancellation_requested"
            elif action == "resume":
                subscription.update(cancel_at_period_end=False, cancel_at=None, canceled_at=None)
                subscription["cancellation_details"]["reason"] = None
            elif action in ("renew", "fail_renewal"):
                start = item["current_period_end"]
                item.update(
                    current_period_start=start,
                    current_period_end=_period_end(start, item["price"]["recurring"]["interval"]),
                )
                paid = action == "renew"
                customer = _load(subscription["customer"], "customer")
                invoice = self._invoice(
                    subscription, email=customer.get("email"), reason="subscription_cycle", paid=paid
                )
                subscription["status"] = "active" if paid else "past_due"
                events.append(_event("invoice.paid" if paid else "invoice.payment_failed", invoice))
            elif action == "end":
                return self._end(subscription, reason="cancellation_requested")
            else:
                raise ProviderError(f"Unknown action {action!r}.")
            _save(subscription)
            events.insert(0, _event("customer.subscription.updated", subscription, previous))
            _deliver(events)
        return subscription

    # --- Building Stripe's objects.

    def _end(self, subscription: dict, *, reason: str) -> dict:
        subscription.update(
            status="canceled", ended_at=_now(), canceled_at=subscription["canceled_at"] or _now()
        )
        subscription["cancellation_details"]["reason"] = reason
        _save(subscription)
        _deliver([_event("customer.subscription.deleted", subscription)])
        return subscription

    def _payment(self, amount: int, currency: str, customer_id: str, now: int) -> tuple[dict, dict]:
        intent_id, charge_id = _id("pi"), _id("ch")
        charge = _save(
            {
                "id": charge_id,
                "object": "charge",
                "amount": amount,
                "amount_captured": amount,
                "amount_refunded": 0,
                "refunded": False,
                "currency": currency,
                "customer": customer_id,
                "payment_intent": intent_id,
                "status": "succeeded",
                "paid": True,
                "created": now,
                "livemode": False,
                "metadata": {},
            }
        )
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_received": amount,
            "currency": currency,
            "customer": customer_id,
            "latest_charge": charge_id,
            "status": "succeeded",
            "created": now,
            "livemode": False,
            "metadata": {},
        }
        return _save(intent), charge

    def _invoice(self, subscription: dict, *, email: str | None, reason: str, paid: bool) -> dict:
        now = _now()
        item = subscription["items"]["data"][0]
        amount = item["price"]["unit_amount"]
        invoice = {
            "id": _id("in"),
            "object": "invoice",
            "status": "paid" if paid else "open",
            "billing_reason": reason,
            "amount_due": amount,
            "amount_paid": amount if paid else 0,
            "amount_remaining": 0 if paid else amount,
            "attempt_count": 1,
            "currency": subscription["currency"],
            "customer": subscription["customer"],
            "customer_email": email,
            "created": now,
            "period_start": item["current_period_start"],
            "period_end": item["current_period_end"],
            "parent": {
                "type": "subscription_details",
                "quote_details": None,
                "subscription_details": {
                    "subscription": subscription["id"],
                    "metadata": dict(subscription["metadata"]),
                },
            },
            "status_transitions": {"finalized_at": now, "paid_at": now if paid else None, "voided_at": None},
            "livemode": False,
        }
        subscription["latest_invoice"] = invoice["id"]
        if paid:
            intent, _charge = self._payment(amount, subscription["currency"], subscription["customer"], now)
            _save(
                {
                    "id": _id("inpay"),
                    "object": "invoice_payment",
                    "invoice": invoice["id"],
                    "amount_paid": amount,
                    "amount_requested": amount,
                    "currency": subscription["currency"],
                    "is_default": True,
                    "payment": {"type": "payment_intent", "payment_intent": intent["id"]},
                    "status": "paid",
                    "created": now,
                    "livemode": False,
                }
            )
        return _save(invoice)


def demo_checkout_query(session: dict) -> str:
    """The success address with Stripe's {CHECKOUT_SESSION_ID} placeholder filled in."""
    return session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])
