"""The demo provider, end to end: a clearly marked local checkout whose "payment" goes
through the same event processing as Stripe's webhooks."""

import re

import pytest

from masthead.accounts.models import Reader
from masthead.membership import selectors
from masthead.membership.models import Payment, Subscription, WebhookEvent
from tests import factories
from tests.smtp import text_of

pytestmark = pytest.mark.django_db


def test_an_anonymous_gift_through_the_demo_checkout(client, demo_provider, committed, smtp_server):
    page = client.get("/support/").content.decode()
    assert "Test mode." in page
    response = client.post("/support/", {"interval": "once", "amount": "2500"})
    assert response.status_code == 302 and "/support/demo/checkout/cs_demo_" in response.url
    checkout = client.get(response.url)
    html = checkout.content.decode()
    assert "TEST MODE — a local simulation" in html and "£25" in html

    assert client.post(response.url, {"action": "pay", "email": ""}).status_code == 400  # an email is needed
    declined = client.post(response.url, {"action": "decline"})
    assert "declined (simulated)" in declined.content.decode() and not Payment.objects.exists()

    with committed():
        paid = client.post(response.url, {"action": "pay", "email": "gift@example.org"})
    assert paid.status_code == 302 and "/support/thanks/?session_id=cs_demo_" in paid.url
    assert "Your gift has arrived" in client.get(paid.url).content.decode()
    payment = Payment.objects.get()
    assert (payment.kind, payment.amount_minor, payment.provider, payment.confirmed) == (
        "donation",
        2500,
        "demo",
        True,
    )
    assert set(WebhookEvent.objects.values_list("type", flat=True)) == {
        "charge.succeeded",
        "checkout.session.completed",
    }
    assert all(e.processed_at for e in WebhookEvent.objects.all())
    [receipt] = smtp_server.wait_for("gift@example.org")
    assert "Thank you for your gift" in receipt["Subject"]
    # paying twice (a second tab, the back button) changes nothing
    with committed():
        client.post(response.url, {"action": "pay", "email": "gift@example.org"})
    assert Payment.objects.count() == 1


def test_premium_through_the_demo_then_managed_in_its_portal(client, demo_provider, committed, smtp_server):
    reader = factories.reader(username="rita")
    client.force_login(reader)
    start = client.post("/premium/checkout/", {"interval": "month"})
    assert "/support/demo/checkout/" in start.url
    assert not selectors.is_premium(Reader.objects.get(pk=reader.pk))  # nothing before the paid event
    with committed():
        client.post(start.url, {"action": "pay"})
    member = Reader.objects.get(pk=reader.pk)
    assert selectors.reader_membership(member)["status"] == "active"
    assert Payment.objects.get().kind == "membership"
    smtp_server.wait_for("rita@example.org")

    manage = client.post("/premium/manage/")
    portal = manage.url
    assert "/support/demo/portal/bps_demo_" in portal
    html = client.get(portal).content.decode()
    assert "TEST MODE" in html and "Premium membership: £5 a month" in html
    sub_id = re.search(r'name="subscription" value="([^"]+)"', html).group(1)

    def act(action):
        with committed():
            client.post(portal, {"subscription": sub_id, "action": action})
        return selectors.reader_membership(Reader.objects.get(pk=reader.pk))["status"]

    assert act("cancel") == "canceled"
    assert act("resume") == "active"
    smtp_server.clear()
    assert act("fail_renewal") == "past_due"
    assert "did not go through" in smtp_server.wait_for("rita@example.org")[0]["Subject"]
    assert act("renew") == "active"
    assert Payment.objects.filter(kind="membership").count() == 2  # the first month and the renewal
    assert act("end") == "canceled"  # ended by the reader: Premium runs to the end of the paid month
    assert Subscription.objects.get().provider_status == "canceled"


def test_the_demo_pages_are_off_when_stripe_is_configured(client, fake_stripe):
    assert client.get("/support/demo/checkout/cs_demo_x/").status_code == 404
    assert client.get("/support/demo/portal/bps_demo_x/").status_code == 404
    assert "Test mode." not in client.get("/support/").content.decode()


def test_demo_events_cannot_be_posted_to_the_stripe_webhook(client, demo_provider, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    response = client.post(
        "/webhooks/stripe", data="{}", content_type="application/json", HTTP_STRIPE_SIGNATURE="t=1,v1=x"
    )
    assert response.status_code == 400 and not WebhookEvent.objects.exists()


def test_receipt_text_names_the_amount_and_reference(client, demo_provider, committed, smtp_server):
    start = client.post("/support/", {"interval": "month", "amount": "other", "other_amount": "7.50"})
    with committed():
        client.post(start.url, {"action": "pay", "email": "monthly@example.org"})
    [receipt] = smtp_server.wait_for("monthly@example.org")
    body = text_of(receipt)
    assert "£7.50" in body and "(monthly)" in body and "pi_demo_" in body
    assert Subscription.objects.get().kind == "donation"
