"""POST /api/v1/support/checkout and GET /api/v1/me/membership/portal, against Stripe's
API faked at the HTTP edge."""

import pytest
from django.test import Client

from masthead.membership import services
from masthead.membership.models import Checkout
from tests import factories
from tests.api.openapi import assert_matches_schema

pytestmark = pytest.mark.django_db


def checkout(client, body: dict, **headers):
    return client.post("/api/v1/support/checkout", body, content_type="application/json", **headers)


def test_an_anonymous_donation_opens_a_stripe_checkout(client, fake_stripe, settings):
    response = checkout(client, {"kind": "donation", "amount_minor": 1500, "interval": "once"})
    assert response.status_code == 201
    assert response.json()["checkout_url"].startswith("https://checkout.stripe.com/c/pay/cs_test_")
    [sent] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert sent["mode"] == "payment" and sent["submit_type"] == "donate"
    assert sent["line_items[0][price_data][unit_amount]"] == "1500"
    assert sent["line_items[0][price_data][currency]"] == "gbp"
    assert sent["metadata[masthead_kind]"] == "donation" and "metadata[masthead_reader]" not in sent
    assert sent["success_url"] == f"{settings.SITE_URL}/support/thanks/?session_id={{CHECKOUT_SESSION_ID}}"
    assert "customer_email" not in sent


def test_a_monthly_gift_is_a_subscription_checkout(client, fake_stripe):
    reader = factories.reader(username="rita")
    client.force_login(reader)
    response = checkout(client, {"kind": "donation", "amount_minor": 700, "interval": "month"})
    assert response.status_code == 201
    [sent] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert sent["mode"] == "subscription"
    assert sent["line_items[0][price_data][recurring][interval]"] == "month"
    assert sent["subscription_data[metadata][masthead_reader]"] == str(reader.pk)
    assert sent["customer_email"] == "rita@example.org" and sent["client_reference_id"] == str(reader.pk)


@pytest.mark.parametrize("amount", [None, 0, 199, 100_001, -5])
def test_amounts_outside_the_bounds_are_refused(client, fake_stripe, amount, settings):
    settings.DONATION_MIN_MINOR, settings.DONATION_MAX_MINOR = 200, 100_000
    response = checkout(client, {"kind": "donation", "amount_minor": amount, "interval": "once"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert "amount_minor" in response.json()["error"]["fields"]
    assert not fake_stripe.calls("POST", "/v1/checkout/sessions")


def test_the_bounds_themselves_are_accepted(client, fake_stripe, settings):
    settings.DONATION_MIN_MINOR, settings.DONATION_MAX_MINOR = 200, 100_000
    for amount in (200, 100_000):
        assert (
            checkout(client, {"kind": "donation", "amount_minor": amount, "interval": "once"}).status_code
            == 201
        )


def test_unknown_currencies_kinds_and_intervals_are_refused(client, fake_stripe, settings):
    settings.SUPPORT_CURRENCIES = ["GBP", "EUR"]
    assert (
        checkout(
            client, {"kind": "donation", "amount_minor": 900, "interval": "once", "currency": "eur"}
        ).status_code
        == 201
    )
    bad = [
        {"kind": "donation", "amount_minor": 900, "interval": "once", "currency": "USD"},
        {"kind": "gift", "amount_minor": 900, "interval": "once"},
        {"kind": "donation", "amount_minor": 900, "interval": "weekly"},
    ]
    for body in bad:
        response = checkout(client, body)
        assert response.status_code == 422, body
        assert response.json()["error"]["code"] == "validation_error"


def test_membership_needs_an_account_and_uses_the_synced_price(client, fake_stripe):
    assert checkout(client, {"kind": "membership", "interval": "month"}).status_code == 401
    services.prices_sync()
    client.force_login(factories.reader(username="rita"))
    response = checkout(client, {"kind": "membership", "interval": "year", "plan": "premium"})
    assert response.status_code == 201
    [sent] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    yearly = next(
        p
        for p in fake_stripe.objects.values()
        if p.get("lookup_key", "").startswith("masthead_premium_yearly")
    )
    assert sent["line_items[0][price]"] == yearly["id"] and sent["mode"] == "subscription"
    assert checkout(client, {"kind": "membership", "interval": "once"}).status_code == 422
    assert checkout(client, {"kind": "membership", "interval": "month", "plan": "yearly"}).status_code == 422


def test_a_member_cannot_pay_twice(client, fake_stripe):
    client.force_login(factories.premium_reader(username="rita"))
    response = checkout(client, {"kind": "membership", "interval": "month"})
    assert response.status_code == 409 and response.json()["error"]["code"] == "already_member"
    # a gift is always welcome
    assert checkout(client, {"kind": "donation", "amount_minor": 500, "interval": "once"}).status_code == 201


def test_the_same_idempotency_key_answers_with_the_first_checkout(client, fake_stripe):
    reader = factories.reader(username="rita")
    client.force_login(reader)
    body = {"kind": "donation", "amount_minor": 1200, "interval": "once"}
    first = checkout(client, body, HTTP_IDEMPOTENCY_KEY="k-1")
    again = checkout(client, body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert len(fake_stripe.calls("POST", "/v1/checkout/sessions")) == 1
    assert Checkout.objects.count() == 1

    changed = checkout(client, {**body, "amount_minor": 5000}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert changed.status_code == 409 and changed.json()["error"]["code"] == "conflict"
    other = Client()
    other.force_login(factories.reader(username="otto"))
    assert checkout(other, body, HTTP_IDEMPOTENCY_KEY="k-1").json() != first.json()  # keys are per caller
    assert checkout(client, body, HTTP_IDEMPOTENCY_KEY="").status_code == 422


def test_the_response_matches_the_published_schema(client, fake_stripe):
    response = checkout(client, {"kind": "donation", "amount_minor": 1500, "interval": "once"})
    assert_matches_schema(response)


def test_stripe_being_down_is_a_503_in_the_error_shape(client, fake_stripe, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    response = checkout(client, {"kind": "donation", "amount_minor": 1500, "interval": "once"})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "payment_provider_unavailable"


def test_the_portal_needs_a_customer_and_opens_stripes(client, fake_stripe, settings):
    reader = factories.reader(username="rita")
    client.force_login(reader)
    response = client.get("/api/v1/me/membership/portal")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"

    services.supporter_link(reader=reader, provider="stripe", customer_id="cus_test_rita")
    response = client.get("/api/v1/me/membership/portal")
    assert response.status_code == 200
    assert response.json()["portal_url"].startswith("https://billing.stripe.com/p/session/")
    [sent] = fake_stripe.calls("POST", "/v1/billing_portal/sessions")
    assert sent == {"customer": "cus_test_rita", "return_url": f"{settings.SITE_URL}/premium/"}
    assert_matches_schema(response)


def test_the_support_form_sends_the_donor_to_the_checkout(client, fake_stripe):
    response = client.post("/support/", {"interval": "year", "amount": "other", "other_amount": "£12.50"})
    assert response.status_code == 302 and response.url.startswith("https://checkout.stripe.com/")
    [sent] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert sent["line_items[0][price_data][unit_amount]"] == "1250"
    assert sent["line_items[0][price_data][recurring][interval]"] == "year"

    too_much = client.post("/support/", {"interval": "once", "amount": "other", "other_amount": "5000"})
    assert too_much.status_code == 400 and "Gifts are between" in too_much.content.decode()
    nonsense = client.post("/support/", {"interval": "once", "amount": "other", "other_amount": "lots"})
    assert nonsense.status_code == 400 and "such as 12 or 12.50" in nonsense.content.decode()
