"""Entitlements decided in one place; the badge provider; the reader's export and erasure."""

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.accounts.models import Reader
from masthead.accounts.privacy import reader_export
from masthead.accounts.services import reader_erase
from masthead.core.badges import badges_for
from masthead.membership import selectors, services
from masthead.membership.models import Payment, Subscription, Supporter
from tests import factories

pytestmark = pytest.mark.django_db
Status = Subscription.Status
NOW = timezone.now()
_ids = itertools.count(1)


def membership(
    reader=None, *, status, period_end=None, past_due_since=None, access_ends_at=None, kind="membership"
):
    return Subscription.objects.create(
        kind=kind,
        reader=reader,
        provider="stripe",
        provider_id=f"sub_test_sel{next(_ids)}",
        status=status,
        interval="month",
        amount_minor=500,
        currency="GBP",
        current_period_end=period_end,
        past_due_since=past_due_since,
        access_ends_at=access_ends_at,
        started_at=NOW - timedelta(days=40),
    )


DAY = timedelta(days=1)
CASES = [
    (Status.ACTIVE, {"period_end": NOW + 10 * DAY}, "active"),
    (Status.ACTIVE, {"period_end": NOW - 6 * DAY}, "active"),  # a renewal we have not heard of yet
    (Status.ACTIVE, {"period_end": NOW - 8 * DAY}, "expired"),
    (Status.ACTIVE, {"period_end": None}, "active"),  # complimentary
    (Status.PAST_DUE, {"past_due_since": NOW - 6 * DAY}, "past_due"),
    (Status.PAST_DUE, {"past_due_since": NOW - 8 * DAY}, "expired"),
    (Status.CANCELED, {"access_ends_at": NOW + DAY}, "canceled"),
    (Status.CANCELED, {"access_ends_at": NOW - DAY}, "expired"),
    (Status.EXPIRED, {}, "expired"),
    (Status.PENDING, {}, "none"),
]


@pytest.mark.parametrize(("status", "fields", "expected"), CASES)
def test_membership_status_and_its_sql_twin_agree(status, fields, expected, settings):
    settings.PREMIUM_GRACE_DAYS = 7
    record = membership(status=status, **fields)
    assert selectors.membership_status(record, now=NOW) == expected
    live = Subscription.objects.filter(selectors.subscriptions_live_q(NOW), pk=record.pk).exists()
    assert live == (expected in selectors.PREMIUM_STATES)


def test_the_grace_period_is_a_setting(settings):
    record = membership(status=Status.PAST_DUE, past_due_since=NOW - 3 * DAY)
    settings.PREMIUM_GRACE_DAYS = 2
    assert selectors.membership_status(record, now=NOW) == "expired"
    settings.PREMIUM_GRACE_DAYS = 4
    assert selectors.membership_status(record, now=NOW) == "past_due"


def test_the_best_membership_wins_and_is_remembered_for_the_request(django_assert_num_queries):
    reader = factories.reader(username="rita")
    membership(reader, status=Status.EXPIRED)
    membership(reader, status=Status.CANCELED, access_ends_at=NOW + 3 * DAY)
    membership(reader, status=Status.PENDING)
    reader = Reader.objects.get(pk=reader.pk)
    with django_assert_num_queries(1):
        assert selectors.reader_entitlements(reader).status == "canceled"
        assert selectors.is_premium(reader)
        assert selectors.reader_membership(reader)["ends_at"] is not None
    assert selectors.reader_entitlements(None).status == "none"


def test_me_shows_the_membership(client):
    reader = factories.reader(username="rita")
    client.force_login(reader)
    assert client.get("/api/v1/me").json()["membership"] == {
        "status": "none",
        "plan": None,
        "renews_at": None,
        "ends_at": None,
    }
    membership(reader, status=Status.ACTIVE, period_end=NOW + 20 * DAY)
    shown = client.get("/api/v1/me").json()["membership"]
    assert shown["status"] == "active" and shown["plan"] == "monthly" and shown["renews_at"].endswith("Z")


def test_the_supporter_badge_is_opt_in_and_batched():
    member, donor, shy, lapsed, nobody = (
        factories.reader(username=n) for n in ("mia", "dan", "shy", "lap", "nob")
    )
    membership(member, status=Status.ACTIVE, period_end=NOW + 9 * DAY)
    Payment.objects.create(
        provider="stripe",
        payment_intent_id="pi_test_badge",
        kind="donation",
        reader=donor,
        amount_minor=500,
        currency="GBP",
        paid_at=NOW - 30 * DAY,
        confirmed=True,
    )
    membership(shy, status=Status.ACTIVE, period_end=NOW + 9 * DAY)
    membership(lapsed, status=Status.EXPIRED)
    for reader in (member, donor, lapsed, nobody):
        services.supporter_badge_set(reader=reader, show=True)
    ids = {r.pk for r in (member, donor, shy, lapsed, nobody)}
    with CaptureQueriesContext(connection) as queries:
        found = selectors.supporter_badges(reader_ids=ids)
    assert len(queries.captured_queries) == 1
    assert found == {member.pk: ["supporter"], donor.pk: ["supporter"]}
    assert badges_for(reader_ids=ids)[member.pk] == ["supporter"]  # registered with core.badges


def test_the_badge_form_on_the_premium_page(client):
    reader = factories.premium_reader(username="rita")
    client.force_login(reader)
    assert "Your Supporter badge" in client.get("/premium/").content.decode()
    client.post("/premium/badge/", {"show_badge": "on"})
    assert Supporter.objects.get(reader=reader).show_badge
    client.post("/premium/badge/", {})
    assert not Supporter.objects.get(reader=reader).show_badge


def test_the_export_holds_payments_membership_and_bookmarks(article):
    reader = factories.premium_reader(username="rita")
    services.bookmark_add(reader=reader, slug=article.slug)
    Payment.objects.create(
        provider="stripe",
        payment_intent_id="pi_test_exp",
        kind="donation",
        interval="once",
        reader=reader,
        email="rita@example.org",
        amount_minor=700,
        currency="GBP",
        paid_at=NOW,
        confirmed=True,
    )
    sections = reader_export(reader=reader)["sections"]
    assert sections["support"]["membership"]["status"] == "active"
    assert sections["support"]["payments"][0]["amount_minor"] == 700
    assert sections["bookmarks"][0]["article"] == article.slug
    assert sections["roles"]["membership"]["plan"] == "complimentary"


def test_erasure_keeps_the_accounts_detaches_the_person_and_stops_the_charges(fake_stripe, committed):
    reader = factories.reader(username="rita")
    live = fake_stripe.subscription(
        metadata={"masthead_kind": "membership", "masthead_reader": str(reader.pk)}
    )
    services.subscription_sync(provider=_stripe(), subscription_id=live["id"])
    Payment.objects.create(
        provider="stripe",
        payment_intent_id="pi_test_erase",
        kind="membership",
        reader=reader,
        email="rita@example.org",
        amount_minor=500,
        currency="GBP",
        paid_at=NOW,
        confirmed=True,
    )
    Payment.objects.create(
        provider="stripe", payment_intent_id="pi_test_before", kind="donation", email="RITA@example.org",
        amount_minor=300, currency="GBP", paid_at=NOW, confirmed=True,
    )  # fmt: skip
    with committed():
        reader_erase(reader=reader)
    assert Payment.objects.count() == 2
    assert (
        not Payment.objects.exclude(email="").exists()
        and not Payment.objects.filter(reader__isnull=False).exists()
    )
    assert Subscription.objects.get().reader is None
    assert not Supporter.objects.exists()
    assert fake_stripe.calls("DELETE", f"/v1/subscriptions/{live['id']}") == [{}]


def _stripe():
    from masthead.membership.providers import get_provider

    return get_provider("stripe")
