"""Stripe webhooks delivered the way networks deliver them: twice at once, late, and forged.

tests/membership/test_webhooks.py covers one delivery, a sequential retry, out-of-order
events and each kind of bad signature. Here: the same event delivered by two connections
at the same moment (Stripe retries while the first delivery is still being answered), an
event delivered days late after the subscription it describes has ended, and a flood of
forged deliveries mixed with a genuine one.
"""

import json
import threading
import time

import pytest
import stripe
from django.db import connection
from django.test import Client

from masthead.membership import selectors
from masthead.membership.models import Payment, Subscription, WebhookEvent
from tests import factories
from tests.membership.conftest import fake_stripe  # noqa: F401  (the fixture)
from tests.membership.fake_stripe import WEBHOOK_SECRET, event, signed_delivery

DAY = 86_400
FIELDS = ("status", "provider_status", "access_ends_at", "ended_at")


def _donation(fake, amount: int = 2500) -> dict:
    return fake.checkout_session(
        mode="payment",
        amount_total=amount,
        currency="gbp",
        payment_intent=f"pi_test_{amount}",
        customer="cus_test_donor",
        customer_details={"email": "donor@example.org", "name": None},
        metadata={"masthead_kind": "donation", "masthead_interval": "once", "masthead_reader": ""},
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("copies", [2, 6])
def test_the_same_event_delivered_at_once_is_applied_once(fake_stripe, copies):  # noqa: F811
    if connection.vendor == "sqlite":
        # The test database is SQLite in memory, whose shared cache refuses concurrent
        # writers outright; a real SQLite file queues them (BEGIN IMMEDIATE), so no race.
        pytest.skip("a race between transactions: PostgreSQL (CI's second pass)")
    payload = json.dumps(event("checkout.session.completed", _donation(fake_stripe)))
    start = threading.Barrier(copies)
    statuses: list[int] = []

    def deliver() -> None:
        client = Client()
        start.wait()
        statuses.append(signed_delivery(client, payload).status_code)

    threads = [threading.Thread(target=deliver) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # Every copy is acknowledged (Stripe must stop retrying); one is applied.
    assert statuses == [200] * copies, statuses
    assert WebhookEvent.objects.count() == 1
    assert WebhookEvent.objects.get().processed_at is not None
    assert Payment.objects.count() == 1
    assert Payment.objects.get().amount_minor == 2500


def _membership_meta(reader) -> dict:
    return {"masthead_kind": "membership", "masthead_interval": "month", "masthead_reader": str(reader.pk)}


@pytest.mark.django_db
def test_an_event_delivered_days_late_cannot_revive_an_ended_membership(
    fake_stripe,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    """Stripe retries for three days: the subscription's 'active' copy from then arrives
    after its deletion. State is fetched from Stripe, so the late copy changes nothing."""
    reader = factories.reader(username="rita")
    subscription = fake_stripe.subscription(metadata=_membership_meta(reader))
    old_copy = event("customer.subscription.updated", subscription, created=int(time.time()) - 3 * DAY)
    fake_stripe.set_subscription(subscription["id"], status="canceled", reason="cancellation_requested")
    deleted = event("customer.subscription.deleted", fake_stripe.objects[subscription["id"]])
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        assert signed_delivery(client, deleted).status_code == 200
    ended = Subscription.objects.values(*FIELDS).get()
    premium = selectors.is_premium(type(reader).objects.get(pk=reader.pk))
    with django_capture_on_commit_callbacks(execute=True):
        assert signed_delivery(client, old_copy).status_code == 200  # a fresh signature, old news
    assert Subscription.objects.values(*FIELDS).get() == ended
    assert ended["status"] != Subscription.Status.ACTIVE
    assert selectors.is_premium(type(reader).objects.get(pk=reader.pk)) == premium
    assert WebhookEvent.objects.filter(processed_at__isnull=False).count() == 2


@pytest.mark.django_db
def test_forged_deliveries_among_a_genuine_one_change_only_what_the_genuine_one_says(
    fake_stripe,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    client = Client()
    genuine = event("checkout.session.completed", _donation(fake_stripe, amount=1500))
    body = json.dumps(genuine)
    forged = []
    for n in range(20):
        fake = event("checkout.session.completed", _donation(fake_stripe, amount=100_000 + n))
        fake_body = json.dumps(fake)
        forged += [
            (fake_body, stripe.WebhookSignature.generate_signature_header(fake_body, "whsec_guess")),
            (fake_body, stripe.WebhookSignature.generate_signature_header(body, WEBHOOK_SECRET)),  # replayed
            (body.replace("1500", str(9000 + n)), None),
        ]
    with django_capture_on_commit_callbacks(execute=True):
        for fake_body, signature in forged[:30]:
            response = signed_delivery(client, fake_body, signature=signature or "t=1,v1=00")
            assert response.status_code == 400 and response.json()["error"]["code"] == "bad_signature"
        assert signed_delivery(client, genuine).status_code == 200
        for fake_body, signature in forged[30:]:
            assert signed_delivery(client, fake_body, signature=signature or "t=1,v1=00").status_code == 400
    assert WebhookEvent.objects.count() == 1
    assert list(Payment.objects.values_list("amount_minor", flat=True)) == [1500]
