"""Bookmarks: the API (Premium only, idempotent), the button on articles and listings, and
the "Saved for later" page; kept while a membership lapses and back on renewal."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.membership import services
from masthead.membership.models import Bookmark, Subscription
from tests import factories
from tests.api.openapi import assert_matches_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def stories(section):
    return [factories.article(headline=f"Harbour story {n}", section=section) for n in range(3)]


def put(client, slug):
    return client.put(f"/api/v1/me/bookmarks/{slug}")


def test_non_members_are_told_it_is_a_premium_perk(client, stories):
    assert client.get("/api/v1/me/bookmarks").status_code == 401
    client.force_login(factories.reader(username="rita"))
    for response in (
        client.get("/api/v1/me/bookmarks"),
        put(client, stories[0].slug),
        client.delete(f"/api/v1/me/bookmarks/{stories[0].slug}"),
    ):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "premium_required"
        assert "/premium/" in response.json()["error"]["message"]
    assert not Bookmark.objects.exists()


def test_members_save_and_forget_idempotently_newest_first(client, stories):
    member = factories.premium_reader(username="rita")
    client.force_login(member)
    first = put(client, stories[0].slug)
    assert first.status_code == 200
    assert_matches_schema(first)
    assert put(client, stories[0].slug).json() == first.json()  # saving again changes nothing
    put(client, stories[2].slug)
    put(client, stories[1].slug)
    assert Bookmark.objects.filter(reader=member).count() == 3

    page = client.get("/api/v1/me/bookmarks", {"limit": 2})
    body = assert_matches_schema(page)
    assert [item["slug"] for item in body["items"]] == [stories[1].slug, stories[2].slug]
    rest = client.get("/api/v1/me/bookmarks", {"limit": 2, "cursor": body["next_cursor"]}).json()
    assert [item["slug"] for item in rest["items"]] == [stories[0].slug] and rest["next_cursor"] is None
    assert client.get("/api/v1/me/bookmarks", {"q": "story 2"}).json()["items"][0]["slug"] == stories[2].slug

    assert client.delete(f"/api/v1/me/bookmarks/{stories[2].slug}").status_code == 204
    assert client.delete(f"/api/v1/me/bookmarks/{stories[2].slug}").status_code == 204
    assert put(client, "no-such-story").status_code == 404
    draft = factories.article(headline="Unpublished", published=False)
    assert put(client, draft.slug).status_code == 404
    assert Bookmark.objects.filter(reader=member).count() == 2


def test_bookmarks_are_kept_while_premium_lapses_and_come_back(client, stories):
    member = factories.premium_reader(username="rita")
    client.force_login(member)
    put(client, stories[0].slug)
    services.membership_revoke_complimentary(reader=member)
    assert client.get("/api/v1/me/bookmarks").status_code == 403
    html = client.get("/me/bookmarks/").content.decode()
    assert "1 story you saved is kept for you" in html and stories[0].headline not in html
    assert Bookmark.objects.filter(reader=member).count() == 1

    services.membership_grant_complimentary(reader=member)
    assert [i["slug"] for i in client.get("/api/v1/me/bookmarks").json()["items"]] == [stories[0].slug]


def test_the_article_button_saves_and_removes_without_javascript(client, stories):
    story = stories[0]
    member = factories.premium_reader(username="rita")
    client.force_login(member)
    html = client.get(story.get_absolute_url()).content.decode()
    assert f'action="/me/bookmarks/{story.slug}/"' in html and 'value="save"' in html
    response = client.post(
        f"/me/bookmarks/{story.slug}/", {"action": "save", "next": story.get_absolute_url()}
    )
    assert response.status_code == 302 and response.url == story.get_absolute_url()
    html = client.get(story.get_absolute_url()).content.decode()
    assert 'value="remove"' in html and 'aria-pressed="true"' in html
    client.post(f"/me/bookmarks/{story.slug}/", {"action": "remove", "next": "https://evil.example/"})
    assert not Bookmark.objects.exists()


def test_listings_show_the_button_to_signed_in_readers_with_few_queries(client, stories):
    member = factories.premium_reader(username="rita")
    services.bookmark_add(reader=member, slug=stories[1].slug)
    client.force_login(member)
    client.get("/")  # warm the page's other caches
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/").content.decode()
    buttons = set(re.findall(r'action="/me/bookmarks/([^/]+)/".*?aria-pressed="(true|false)"', html, re.S))
    assert buttons == {(s.slug, "true" if s == stories[1] else "false") for s in stories}
    bookmark_queries = [q for q in queries.captured_queries if "membership_" in q["sql"]]
    assert len(bookmark_queries) == 2, bookmark_queries  # the membership, the saved ids: once a page


def test_non_members_pressing_the_button_are_sent_to_premium(client, stories):
    story = stories[0]
    client.force_login(factories.reader(username="rita"))
    html = client.get(story.get_absolute_url()).content.decode()
    assert 'href="/premium/#perks"' in html and "Save for later" in html
    response = client.post(f"/me/bookmarks/{story.slug}/", {"action": "save"})
    assert response.status_code == 302 and response.url == "/premium/#perks"
    assert "Premium perk" in client.get(response.url).content.decode()


def test_cached_anonymous_pages_hold_no_reader_state(client, stories):
    story = stories[0]
    member = factories.premium_reader(username="rita")
    services.bookmark_add(reader=member, slug=story.slug)
    anonymous = client.get(story.get_absolute_url())
    assert anonymous.headers.get("X-Page-Cache") == "miss"
    html = anonymous.content.decode()
    assert 'href="/premium/#perks"' in html and "csrfmiddlewaretoken" not in html
    client.force_login(member)
    mine = client.get(story.get_absolute_url())
    assert "X-Page-Cache" not in mine.headers and 'aria-pressed="true"' in mine.content.decode()
    client.logout()
    again = client.get(story.get_absolute_url())
    assert again.headers.get("X-Page-Cache") == "hit" and "aria-pressed" not in again.content.decode()
    home = client.get("/").content.decode()
    assert "bookmark__button" not in home  # listing cards carry the button for signed-in readers only


def test_the_saved_page_lists_searches_and_removes(client, stories):
    member = factories.premium_reader(username="rita")
    for story in stories:
        services.bookmark_add(reader=member, slug=story.slug)
    client.force_login(member)
    html = client.get("/me/bookmarks/").content.decode()
    assert list(dict.fromkeys(re.findall(r"Harbour story \d", html))) == [
        "Harbour story 2",
        "Harbour story 1",
        "Harbour story 0",
    ]
    found = client.get("/me/bookmarks/", {"q": "story 1"}).content.decode()
    assert "Harbour story 1" in found and "Harbour story 2" not in found
    client.post(f"/me/bookmarks/{stories[1].slug}/", {"action": "remove", "next": "/me/bookmarks/"})
    assert "Harbour story 1" not in client.get("/me/bookmarks/").content.decode()
    assert client.get("/me/bookmarks/", {"cursor": "mangled"}).status_code == 404


def test_anonymous_visitors_are_asked_to_sign_in(client, stories):
    assert client.get("/me/bookmarks/").status_code == 302
    response = client.post(f"/me/bookmarks/{stories[0].slug}/", {"action": "save", "next": "/"})
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_erasing_a_reader_erases_their_bookmarks(stories):
    member = factories.premium_reader(username="rita")
    services.bookmark_add(reader=member, slug=stories[0].slug)
    from masthead.accounts.services import reader_erase

    reader_erase(reader=member)
    assert not Bookmark.objects.exists()
    assert Subscription.objects.get().reader is None
