import io

import pytest
from django.core.management import call_command

from masthead.accounts.models import Reader
from masthead.membership import selectors
from masthead.membership.models import PlanPrice, Subscription

pytestmark = pytest.mark.django_db


def test_sync_prices_creates_each_plan_once_at_stripe(fake_stripe, settings):
    settings.PREMIUM_MONTHLY_MINOR, settings.PREMIUM_YEARLY_MINOR = 600, 6000
    out = io.StringIO()
    call_command("sync_prices", stdout=out)
    assert "monthly" in out.getvalue() and "(created)" in out.getvalue()
    created = fake_stripe.calls("POST", "/v1/prices")
    assert {(c["recurring[interval]"], c["unit_amount"], c["currency"]) for c in created} == {
        ("month", "600", "gbp"),
        ("year", "6000", "gbp"),
    }
    again = io.StringIO()
    call_command("sync_prices", stdout=again)
    assert "(found)" in again.getvalue() and len(fake_stripe.calls("POST", "/v1/prices")) == 2
    assert PlanPrice.objects.count() == 2
    monthly = PlanPrice.objects.get(plan="monthly").price_id
    assert selectors.plan_price_id(provider="stripe", plan="monthly", currency="GBP") == monthly
    settings.PREMIUM_MONTHLY_MINOR = 700  # changed since the sync: describe the price inline
    assert selectors.plan_price_id(provider="stripe", plan="monthly", currency="GBP") is None
    settings.STRIPE_PRICE_PREMIUM_MONTHLY = "price_configured"
    assert selectors.plan_price_id(provider="stripe", plan="monthly", currency="GBP") == "price_configured"


def test_createreader_premium_gives_a_complimentary_membership():
    call_command(
        "createreader", "paula", email="paula@example.org", password="a long passphrase", premium=True
    )
    reader = Reader.objects.get(username="paula")
    assert selectors.reader_membership(reader) == {
        "status": "active",
        "plan": "complimentary",
        "renews_at": None,
        "ends_at": None,
    }


def test_the_demo_premium_reader_is_a_member_and_stays_one(settings):
    from masthead.newsroom.demo.loader import demo_load

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_load()
    demo_load()
    howard = Reader.objects.get(username="howard")
    assert selectors.is_premium(howard)
    assert Subscription.objects.filter(reader=howard).count() == 1
    assert not selectors.is_premium(Reader.objects.get(username="jenny"))


def test_checks_warn_about_a_stripe_without_webhooks(settings):
    from masthead.membership import checks

    settings.PAYMENT_PROVIDER, settings.STRIPE_WEBHOOK_SECRET = "stripe", ""
    assert [p.id for p in checks.payment_provider_configured()] == ["membership.W001"]
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    assert checks.payment_provider_configured() == []
    settings.PAYMENT_PROVIDER = "paypal"
    assert [p.id for p in checks.payment_provider_configured()] == ["membership.E001"]
