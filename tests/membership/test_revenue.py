"""The editors' revenue page: donations per day, recurring revenue, members, CSV."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from masthead.membership import selectors
from masthead.membership.models import Payment, Subscription
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(db):
    now = timezone.now()
    for n, (amount, refunded, ago) in enumerate([(1000, 0, 0), (2500, 500, 0), (700, 0, 3), (9900, 0, 45)]):
        Payment.objects.create(
            provider="stripe",
            payment_intent_id=f"pi_test_rev{n}",
            kind="donation",
            interval="once",
            amount_minor=amount,
            refunded_minor=refunded,
            currency="GBP",
            paid_at=now - timedelta(days=ago),
            confirmed=True,
        )
    common = {"provider": "stripe", "currency": "GBP", "kind": "membership"}
    Subscription.objects.create(
        provider_id="sub_test_m", status="active", interval="month", amount_minor=500,
        current_period_end=now + timedelta(days=20), started_at=now - timedelta(days=2), **common,
    )  # fmt: skip
    Subscription.objects.create(
        provider_id="sub_test_y", status="active", interval="year", amount_minor=6000,
        current_period_end=now + timedelta(days=200), started_at=now - timedelta(days=100), **common,
    )  # fmt: skip
    Subscription.objects.create(
        provider_id="sub_test_gone", status="expired", interval="month", amount_minor=500,
        started_at=now - timedelta(days=60), ended_at=now - timedelta(days=1), **common,
    )  # fmt: skip
    Subscription.objects.create(
        provider_id="sub_test_gift", status="active", interval="month", amount_minor=300, provider="stripe",
        currency="GBP", kind="donation", current_period_end=now + timedelta(days=10),
    )  # fmt: skip


def test_the_report_adds_up(books):
    report = selectors.revenue_report(days=30)
    assert report["donations_total_minor"] == 1000 + 2000 + 700
    today = report["days"][-1]
    assert (today["donations_count"], today["donations_minor"]) == (2, 3000)
    assert report["recurring_membership_minor"] == 500 + 500 and report["recurring_donation_minor"] == 300
    assert report["active_members"] == 2
    assert (report["new_members_total"], report["churned_members_total"]) == (1, 1)
    assert len(report["days"]) == 30


def test_only_editors_see_the_page_and_its_csv(client, books):
    assert client.get("/editors/revenue/").status_code == 302
    client.force_login(factories.reader(username="rita"))
    assert client.get("/editors/revenue/").status_code == 403  # not a sign-in page: she is signed in
    client.force_login(factories.reader(username="edna", role="editor"))
    html = client.get("/editors/revenue/").content.decode()
    assert "£13" in html and "a month" in html and "<svg" in html and "Active members" in html
    response = client.get("/editors/revenue.csv", {"days": "90"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 90
    assert sum(int(r["donations_minor"]) for r in rows) == 1000 + 2000 + 700 + 9900
    assert rows[-1]["new_members"] == "0" and sum(int(r["churned_members"]) for r in rows) == 1
