"""A reader opens the front page, reads a story and searches, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.browser


@pytest.fixture
def stories(transactional_db):
    politics = factories.section(name="Politics", position=0)
    environment = factories.section(name="Environment", position=1)
    amira = factories.author(name="Amira Haddad")
    lead = factories.article(
        headline="Council votes to reopen the harbour baths",
        standfirst="The pool closed ten years ago; swimmers never stopped asking.",
        section=politics,
        authors=[amira],
        body="The vote was **unanimous**.\n\nWork starts in the spring.",
        is_top_story=True,
    )
    seagrass = factories.article(
        headline="Seagrass meadow returns to the north shore",
        section=environment,
        body="Divers counted the shoots in a survey of the bay.",
    )
    factories.article(headline="Mayor faces questions over ferry papers", section=politics)
    return {"lead": lead, "seagrass": seagrass}


def test_reader_reads_a_story_and_searches(live_server, tab, stories):
    page = tab.page
    page.goto(live_server.url + "/")
    expect(page).to_have_title(re.compile("The Harbour Light"))
    expect(page.locator("h1")).to_have_count(1)

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()

    lead = stories["lead"]
    page.get_by_role("link", name=lead.headline).first.click()
    expect(page).to_have_url(live_server.url + lead.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(lead.headline)
    expect(page.get_by_role("link", name="Amira Haddad")).to_be_visible()
    expect(page.locator(".story__body strong")).to_have_text("unanimous")
    appeal = page.get_by_role("complementary", name=re.compile("free"))
    expect(appeal.get_by_role("link", name="Support our reporting")).to_have_attribute("href", "/support/")

    search = page.get_by_role("searchbox", name=re.compile("Search"))
    search.fill("seagrass")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=seagrass"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("seagrass")
    result = page.get_by_role("link", name=stories["seagrass"].headline)
    expect(result).to_be_visible()
    expect(page.get_by_role("link", name=lead.headline)).to_have_count(0)
    result.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(stories["seagrass"].headline)

    assert any(url.endswith("/static/masthead/site.css") for url in tab.requests), "the stylesheet loaded"
    assert tab.outside_requests() == [], "every request stays on this server"
    assert tab.errors == [], "no console errors (CSP violations show there), no failed requests"
