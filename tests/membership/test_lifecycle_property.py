"""A property: whatever order Stripe's lifecycle events arrive in, however often each is
delivered, and whatever forged or tampered copies arrive among them, the membership and
the payment records end up as the provider's current state says.

Every event is delivered validly at least once (as Stripe guarantees); the forged copies
must change nothing.
"""

import copy
import json
import time

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masthead.membership import selectors
from masthead.membership.models import Payment, Subscription, WebhookEvent
from tests import factories
from tests.membership.fake_stripe import event, signed_delivery

pytestmark = pytest.mark.django_db

DAY = 86_400
# The subscription's state at the provider when the dust settles, and what it must mean.
ENDINGS = {
    "renewed": ({"status": "active"}, "active"),
    "cancel_scheduled": ({"status": "active", "cancel_at_period_end": True}, "canceled"),
    "ended_by_reader": (
        {"status": "canceled", "reason": "cancellation_requested", "period_end": -DAY},
        "expired",
    ),
    "card_failing": ({"status": "past_due"}, "past_due"),
    "ended_unpaid": ({"status": "canceled", "reason": "payment_failed"}, "expired"),
}
SNAPSHOT_STATUSES = ["active", "past_due", "canceled", "incomplete"]


class _Rollback(Exception):
    pass


@st.composite
def deliveries(draw):
    ending = draw(st.sampled_from(sorted(ENDINGS)))
    snapshots = draw(st.lists(st.sampled_from(SNAPSHOT_STATUSES), min_size=1, max_size=3))
    refunds = draw(st.lists(st.integers(min_value=1, max_value=1500), max_size=3, unique=True))
    n_events = 5 + len(snapshots) + len(refunds)  # created, 2 checkouts, 2 invoices, …
    order = draw(st.permutations(range(n_events)))
    repeats = draw(st.lists(st.integers(min_value=0, max_value=n_events - 1), max_size=4))
    forged = draw(
        st.lists(
            st.tuples(
                st.integers(min_value=0, max_value=n_events - 1), st.sampled_from(["secret", "body", "stale"])
            ),
            max_size=4,
        )
    )
    return {
        "ending": ending,
        "snapshots": snapshots,
        "refunds": refunds,
        "order": order,
        "repeats": repeats,
        "forged": forged,
    }


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=deliveries())
def test_any_delivery_order_ends_in_the_providers_state(
    client, fake_stripe, django_capture_on_commit_callbacks, plan
):
    try:
        with transaction.atomic():
            _run(client, fake_stripe, django_capture_on_commit_callbacks, plan)
            raise _Rollback
    except _Rollback:
        pass


def _run(client, fake_stripe, capture, plan):
    fake_stripe.objects.clear()
    reader = factories.reader(username=f"r{time.monotonic_ns() % 10**9}")
    meta = {"masthead_kind": "membership", "masthead_interval": "month", "masthead_reader": str(reader.pk)}
    subscription = fake_stripe.subscription(metadata=meta)
    checkout = fake_stripe.checkout_session(
        mode="subscription", subscription=subscription["id"], customer=subscription["customer"], metadata=meta
    )
    invoices = [fake_stripe.invoice(subscription, email="r@example.org") for _ in range(2)]
    gift = fake_stripe.checkout_session(
        mode="payment",
        amount_total=1500,
        payment_intent="pi_test_property_gift",
        customer_details={"email": "gift@example.org"},
        metadata={"masthead_kind": "donation", "masthead_interval": "once"},
    )
    events = [
        event("customer.subscription.created", subscription),
        event("checkout.session.completed", checkout),
        *(event("invoice.paid", invoice) for invoice in invoices),
    ]
    for status in plan["snapshots"]:
        snapshot = copy.deepcopy(subscription)
        snapshot["status"] = status
        events.append(event("customer.subscription.updated", snapshot))
    events += [
        event(
            "charge.refunded",
            fake_stripe.charge(payment_intent="pi_test_property_gift", amount=1500, refunded=r),
        )
        for r in plan["refunds"]
    ]
    events.append(event("checkout.session.completed", gift))

    changes, expected = ENDINGS[plan["ending"]]
    changes = dict(changes)
    if "period_end" in changes:
        changes["period_end"] = int(time.time()) + changes["period_end"]
    fake_stripe.set_subscription(subscription["id"], **changes)

    sequence = [events[i] for i in plan["order"]] + [events[i] for i in plan["repeats"]]
    forged = [(events[i], how) for i, how in plan["forged"]]
    for n, payload in enumerate(sequence):
        if n < len(forged):
            _forge(client, *forged[n])
        with capture(execute=True):
            assert signed_delivery(client, payload).status_code == 200

    record = Subscription.objects.get()
    assert selectors.membership_status(record) == expected, (plan, record.status)
    assert selectors.reader_entitlements(type(reader).objects.get(pk=reader.pk)).status == expected
    assert record.reader_id == reader.pk and record.kind == "membership"

    payments = {p.payment_intent_id: p for p in Payment.objects.all()}
    assert set(payments) == {
        invoices[0]["_payment_intent"],
        invoices[1]["_payment_intent"],
        "pi_test_property_gift",
    }
    donation = payments["pi_test_property_gift"]
    assert (donation.kind, donation.amount_minor, donation.email) == ("donation", 1500, "gift@example.org")
    assert donation.refunded_minor == max(plan["refunds"], default=0)
    assert all(p.confirmed and p.receipt_sent_at for p in payments.values())
    assert WebhookEvent.objects.count() == len(events)
    assert not WebhookEvent.objects.filter(processed_at=None).exists()


def _forge(client, payload: dict, how: str) -> None:
    body = json.dumps(payload)
    if how == "secret":
        response = signed_delivery(client, body, secret="whsec_forger")
    elif how == "body":
        tampered = json.loads(body)
        tampered["data"]["object"]["status"] = "active"
        tampered["id"] = tampered["id"] + "x"
        import stripe

        header = stripe.WebhookSignature.generate_signature_header(body, "whsec_test_masthead")
        response = signed_delivery(client, json.dumps(tampered), signature=header)
    else:
        response = signed_delivery(client, body, timestamp=int(time.time()) - 3600)
    assert response.status_code == 400
