"""In Chromium: give through the demo provider's test-mode checkout and see the thank-you;
join Premium, save a story for later and find it under "Saved for later"."""

import re

import pytest
from playwright.sync_api import expect

from masthead.membership.models import Bookmark, Payment
from tests import factories
from tests.smtp import text_of

pytestmark = pytest.mark.browser

PASSWORD = "tide tables at noon"


@pytest.fixture
def demo_site(settings, live_server):
    """The demo provider, with the live server's address in the links it builds."""
    settings.PAYMENT_PROVIDER = "demo"
    settings.SITE_URL = live_server.url
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.PASSWORD_HASHERS = ["tests.accounts.hashers.CheapArgon2PasswordHasher"]


def test_a_donation_through_the_demo_checkout(live_server, tab, transactional_db, smtp_server, demo_site):
    page = tab.page
    page.goto(live_server.url + "/support/")
    expect(page.get_by_text("Test mode.")).to_be_visible()
    page.get_by_text("Once", exact=True).click()
    page.get_by_text("£10", exact=True).click()
    page.get_by_role("button", name="Continue to payment").click()

    expect(page).to_have_url(re.compile(r"/support/demo/checkout/cs_demo_"))
    expect(page.get_by_text("TEST MODE — a local simulation")).to_be_visible()
    page.get_by_label("Email for the receipt").fill("donor@example.org")
    page.get_by_role("button", name="Pay £10 (simulated)").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you.")
    expect(page.get_by_text("Your gift has arrived")).to_be_visible()
    payment = Payment.objects.get()
    assert (payment.amount_minor, payment.kind, payment.confirmed) == (1000, "donation", True)
    [receipt] = smtp_server.wait_for("donor@example.org")
    assert "£10" in text_of(receipt)
    assert tab.errors == [] and tab.outside_requests() == []


def test_join_premium_and_save_a_story_for_later(live_server, tab, transactional_db, demo_site):
    story = factories.article(headline="Lifeboat crew rescues three off Gull Rock")
    factories.reader(username="nadia_k", password=PASSWORD)
    page = tab.page
    page.goto(live_server.url + "/accounts/login/?next=/premium/")
    page.get_by_label("Username or email").fill("nadia_k")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Keep")
    page.get_by_role("button", name="Join monthly").click()
    expect(page.get_by_text("TEST MODE — a local simulation")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"Pay £5 \(simulated\)")).click()
    expect(page.get_by_text("Your Premium membership is active")).to_be_visible()

    page.goto(live_server.url + story.get_absolute_url())
    page.locator(".story__header").get_by_role("button", name=re.compile("Save for later")).click()
    expect(page.locator(".story__header").get_by_role("button", name=re.compile("Saved"))).to_be_visible()
    assert Bookmark.objects.filter(article=story).exists()

    page.goto(live_server.url + "/me/bookmarks/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Saved for later")
    expect(page.get_by_role("link", name=story.headline)).to_be_visible()
    assert tab.errors == [] and tab.outside_requests() == []
