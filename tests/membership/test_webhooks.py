"""POST /webhooks/stripe: signatures checked by the SDK, each event processed once, and the
outcome decided by the provider's current state, never by the order events arrive in."""

import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from masthead.accounts.models import Reader
from masthead.membership import selectors, services
from masthead.membership.models import Payment, Subscription, WebhookEvent
from tests import factories
from tests.membership.fake_stripe import event, signed_delivery
from tests.smtp import text_of

pytestmark = pytest.mark.django_db


def membership_meta(reader) -> dict:
    return {"masthead_kind": "membership", "masthead_interval": "month", "masthead_reader": str(reader.pk)}


def fresh(reader) -> Reader:
    return Reader.objects.get(pk=reader.pk)  # entitlements are remembered per object


def paid_donation_session(fake_stripe, *, amount=1000, email="donor@example.org", reader=None):
    return fake_stripe.checkout_session(
        mode="payment",
        amount_total=amount,
        currency="gbp",
        payment_intent="pi_test_gift1",
        customer="cus_test_donor",
        customer_details={"email": email, "name": None},
        metadata={
            "masthead_kind": "donation",
            "masthead_interval": "once",
            "masthead_reader": str(reader.pk) if reader else "",
        },
    )


@pytest.mark.parametrize(
    "tamper",
    ["wrong secret", "no header", "body changed", "too old", "garbage header"],
)
def test_a_bad_signature_is_refused_and_changes_nothing(client, fake_stripe, committed, tamper):
    payload = event("checkout.session.completed", paid_donation_session(fake_stripe))
    body = json.dumps(payload)
    with committed():
        if tamper == "wrong secret":
            response = signed_delivery(client, body, secret="whsec_someone_else")
        elif tamper == "no header":
            response = client.post("/webhooks/stripe", data=body, content_type="application/json")
        elif tamper == "body changed":
            import stripe

            header = stripe.WebhookSignature.generate_signature_header(body, "whsec_test_masthead")
            response = signed_delivery(client, body.replace("1000", "9"), signature=header)
        elif tamper == "too old":
            response = signed_delivery(client, body, timestamp=int(time.time()) - 3600)
        else:
            response = signed_delivery(client, body, signature="t=abc,v1=")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_signature"
    assert not WebhookEvent.objects.exists()
    assert not Payment.objects.exists()


def test_a_paid_donation_is_recorded_once_with_one_receipt(client, fake_stripe, committed, smtp_server):
    payload = event("checkout.session.completed", paid_donation_session(fake_stripe, amount=2500))
    with committed():
        first = signed_delivery(client, payload)
    assert first.status_code == 200 and first.json() == {"received": True, "duplicate": False}
    with committed():
        again = signed_delivery(client, payload)  # Stripe retries a delivery it thinks failed
    assert again.status_code == 200 and again.json()["duplicate"] is True

    payment = Payment.objects.get()
    assert (payment.kind, payment.interval, payment.amount_minor, payment.currency) == (
        "donation",
        "once",
        2500,
        "GBP",
    )
    assert payment.confirmed and payment.email == "donor@example.org"
    assert WebhookEvent.objects.get().processed_at is not None
    [receipt] = smtp_server.wait_for("donor@example.org")
    assert "£25" in receipt["Subject"] and "£25" in text_of(receipt)
    time.sleep(0.2)
    assert len(smtp_server.to("donor@example.org")) == 1


def test_the_success_address_grants_nothing(client, fake_stripe):
    reader = factories.reader(username="rita")
    client.force_login(reader)
    session = fake_stripe.checkout_session(mode="subscription", metadata=membership_meta(reader))
    html = client.get(f"/support/thanks/?session_id={session['id']}").content.decode()
    assert "being confirmed" in html
    assert client.get("/api/v1/me").json()["membership"]["status"] == "none"
    assert not selectors.is_premium(fresh(reader))


def test_a_membership_follows_the_subscription_through_its_life(client, fake_stripe, committed):
    reader = factories.reader(username="rita")
    subscription = fake_stripe.subscription(metadata=membership_meta(reader))
    with committed():
        signed_delivery(client, event("customer.subscription.created", subscription))
    assert selectors.reader_membership(fresh(reader))["status"] == "active"
    assert selectors.is_premium(fresh(reader))

    fake_stripe.set_subscription(subscription["id"], cancel_at_period_end=True, cancel_at=None)
    with committed():
        signed_delivery(
            client, event("customer.subscription.updated", fake_stripe.objects[subscription["id"]])
        )
    membership = selectors.reader_membership(fresh(reader))
    assert membership["status"] == "canceled" and membership["renews_at"] is None
    assert membership["ends_at"] is not None and selectors.is_premium(fresh(reader))

    fake_stripe.set_subscription(
        subscription["id"],
        status="canceled",
        period_end=int(time.time()) - 60,
        reason="cancellation_requested",
    )
    with committed():
        signed_delivery(
            client, event("customer.subscription.deleted", fake_stripe.objects[subscription["id"]])
        )
    assert selectors.reader_membership(fresh(reader))["status"] == "expired"
    assert not selectors.is_premium(fresh(reader))


def test_out_of_order_events_end_in_the_current_state(client, fake_stripe, committed):
    """The deletion arrives first, then the (older) creation whose copy says "active": the
    subscription is fetched each time, so the stale copy cannot bring Premium back."""
    reader = factories.reader(username="rita")
    subscription = fake_stripe.subscription(metadata=membership_meta(reader))
    created = event("customer.subscription.created", subscription, created=int(time.time()) - 100)
    fake_stripe.set_subscription(
        subscription["id"],
        status="canceled",
        reason="payment_failed",
        period_end=int(time.time()) + 5 * 86_400,
    )
    deleted = event("customer.subscription.deleted", fake_stripe.objects[subscription["id"]])
    with committed():
        signed_delivery(client, deleted)
    with committed():
        signed_delivery(client, created)
    record = Subscription.objects.get()
    assert record.status == Subscription.Status.EXPIRED  # ended for non-payment: nothing owed
    assert not selectors.is_premium(fresh(reader))
    assert WebhookEvent.objects.filter(processed_at__isnull=False).count() == 2


def test_a_failed_renewal_keeps_premium_through_the_grace_period_and_asks_to_fix_the_card(
    client, fake_stripe, committed, smtp_server, settings
):
    settings.PREMIUM_GRACE_DAYS = 7
    reader = factories.reader(username="rita")
    subscription = fake_stripe.subscription(metadata=membership_meta(reader))
    with committed():
        signed_delivery(client, event("customer.subscription.created", subscription))
    fake_stripe.set_subscription(subscription["id"], status="past_due")
    failed = fake_stripe.invoice(fake_stripe.objects[subscription["id"]], paid=False)
    with committed():
        signed_delivery(client, event("invoice.payment_failed", failed))
        signed_delivery(client, event("invoice.payment_failed", failed))  # Stripe's next retry fails too

    membership = selectors.reader_membership(fresh(reader))
    assert membership["status"] == "past_due" and selectors.is_premium(fresh(reader))
    assert timedelta(days=6) < membership["ends_at"] - timezone.now() <= timedelta(days=7)
    [mail] = smtp_server.wait_for("rita@example.org")
    assert "did not go through" in mail["Subject"]
    assert "http://testserver" not in text_of(mail) and "/premium/" in text_of(mail)
    time.sleep(0.2)
    assert len(smtp_server.to("rita@example.org")) == 1  # one email per episode, not per retry

    Subscription.objects.update(past_due_since=timezone.now() - timedelta(days=7, minutes=1))
    assert selectors.reader_membership(fresh(reader))["status"] == "expired"
    assert not selectors.is_premium(fresh(reader))

    fake_stripe.set_subscription(subscription["id"], status="active")
    paid = fake_stripe.invoice(fake_stripe.objects[subscription["id"]], paid=True)
    with committed():
        signed_delivery(client, event("invoice.paid", paid))
    assert selectors.reader_membership(fresh(reader))["status"] == "active"
    assert Subscription.objects.get().past_due_since is None


def test_a_renewal_invoice_records_the_payment_and_its_intent(client, fake_stripe, committed):
    reader = factories.reader(username="rita")
    subscription = fake_stripe.subscription(metadata=membership_meta(reader), interval="year", amount=5000)
    invoice = fake_stripe.invoice(subscription, email="rita@example.org")
    with committed():
        signed_delivery(client, event("invoice.paid", invoice))
    payment = Payment.objects.get()
    assert payment.payment_intent_id == invoice["_payment_intent"]
    assert (payment.kind, payment.interval, payment.amount_minor) == ("membership", "year", 5000)
    assert payment.reader_id == reader.pk and payment.subscription.provider_id == subscription["id"]
    assert fake_stripe.calls("GET", "/v1/invoice_payments") == [
        {"invoice": invoice["id"], "status": "paid", "limit": "1"}
    ]
    assert selectors.is_premium(fresh(reader))


def test_a_refund_that_arrives_before_its_payment_is_not_lost(client, fake_stripe, committed):
    session = paid_donation_session(fake_stripe, amount=1500)
    refund = event(
        "charge.refunded", fake_stripe.charge(payment_intent="pi_test_gift1", amount=1500, refunded=500)
    )
    full = event(
        "charge.refunded", fake_stripe.charge(payment_intent="pi_test_gift1", amount=1500, refunded=1500)
    )
    with committed():
        signed_delivery(client, full)  # the second refund's event overtakes the first
        signed_delivery(client, refund)
        signed_delivery(client, event("checkout.session.completed", session))
    payment = Payment.objects.get()
    assert (payment.kind, payment.amount_minor, payment.refunded_minor) == ("donation", 1500, 1500)
    assert payment.status == "refunded" and payment.confirmed


def test_other_event_types_are_recorded_and_ignored(client, fake_stripe, committed):
    with committed():
        response = signed_delivery(
            client, event("customer.created", {"id": "cus_test_x", "object": "customer"})
        )
    assert response.status_code == 200
    assert WebhookEvent.objects.get().processed_at is not None
    assert not Payment.objects.exists() and not Subscription.objects.exists()


def test_a_failed_processing_is_recorded_and_can_run_again(client, fake_stripe, committed):
    reader = factories.reader(username="rita")
    ghost = event("customer.subscription.updated", {"id": "sub_test_not_yet", "object": "subscription"})
    with committed():
        response = signed_delivery(client, ghost)
    assert response.status_code == 200  # answered before processing: Stripe need not retry
    recorded = WebhookEvent.objects.get()
    assert recorded.processed_at is None and "No such subscription" in recorded.last_error

    fake_stripe.subscription(sub_id="sub_test_not_yet", metadata=membership_meta(reader))
    assert services.webhook_event_process(event_id=recorded.id) == "processed"
    assert services.webhook_event_process(event_id=recorded.id) == "already processed"
    assert selectors.is_premium(fresh(reader))


def test_only_post_is_accepted_in_the_error_shape(client, fake_stripe):
    response = client.get("/webhooks/stripe")
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert response.json()["error"]["code"] == "method_not_allowed"
