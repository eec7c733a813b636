"""A newcomer signs up in Chromium, confirms through the link in the email that reached our
SMTP server, signs out and signs back in."""

import re

import pytest
from playwright.sync_api import expect

from masthead.accounts.models import Reader
from masthead.accounts.selectors import reader_is_verified
from tests.smtp import link_in

pytestmark = pytest.mark.browser

PASSWORD = "tide tables at noon"


@pytest.fixture
def plain_http_cookies(settings):
    """The live server speaks plain HTTP; Secure cookies would not come back to it."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


@pytest.fixture
def cheap_argon2(settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.hashers.CheapArgon2PasswordHasher"]


def test_sign_up_confirm_by_email_and_sign_in(
    live_server, tab, smtp_server, transactional_db, plain_http_cookies, cheap_argon2
):
    page = tab.page
    page.goto(live_server.url + "/accounts/signup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    page.get_by_label("Username").fill("nadia_k")
    page.get_by_label("Email").fill("nadia@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    expect(page.get_by_text("Please confirm your email address")).to_be_visible()
    menu = page.locator(".account-menu")
    expect(menu.locator("summary")).to_contain_text("nadia_k")

    [message] = smtp_server.wait_for("nadia@example.org")
    link = link_in(message, "/accounts/confirm-email/")
    assert link.startswith(live_server.url), link
    page.goto(link)
    expect(page.locator("#main").get_by_text("nadia@example.org")).to_be_visible()
    page.get_by_role("button", name="Confirm").click()
    expect(page).not_to_have_url(re.compile("/confirm-email/"))
    assert reader_is_verified(Reader.objects.get(username="nadia_k"))

    page.goto(live_server.url + "/me/settings/")
    expect(page.locator(".account-facts .badge--ok")).to_have_text("Confirmed")
    page.locator(".account-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".account-menu")).to_have_count(0)

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username or email").fill("nadia@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server.url + "/")

    page.goto(live_server.url + "/me/settings/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    expect(page.locator(".account-menu summary")).to_contain_text("nadia_k")
    expect(page.get_by_text("Please confirm your email address")).to_have_count(0)

    assert tab.outside_requests() == [], "every request stays on this server"
    assert tab.errors == [], "no console errors (CSP violations show there), no failed requests"
