"""The following feed: /me/following/ and GET /api/v1/me/feed."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from masthead.comments import services as comments
from masthead.community import services
from tests import factories
from tests.api.openapi import assert_matches_schema
from tests.community.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def follows(alice, bob, carol):
    services.follow_create(follower=alice, followed=bob)
    services.follow_create(follower=alice, followed=carol)


def test_the_feed_holds_the_latest_comments_of_readers_i_follow(follows, alice, bob, carol, article):
    dan = factories.reader(username="dan")
    top = factories.comment(article=article, author=dan, body="Who swims in winter?")
    first = factories.comment(article=article, author=bob, body="I do.", parent=top)
    factories.comment(article=article, author=dan, body="Not me.")
    other = factories.article(headline="Ferry timetable changes")
    second = factories.comment(article=other, author=carol, body="Finally.")

    response = signed_in(Client(), alice).get("/api/v1/me/feed")
    body = assert_matches_schema(response)
    assert [item["id"] for item in body["items"]] == [second.pk, first.pk]
    newest, reply = body["items"]
    assert newest["article"] == {
        "slug": other.slug,
        "headline": "Ferry timetable changes",
        "url": f"/articles/{other.slug}/",
    }
    assert newest["in_reply_to"] is None and newest["author"]["username"] == "carol"
    assert reply["in_reply_to"]["id"] == top.pk
    assert reply["in_reply_to"]["author"] == {"username": "dan", "display_name": "dan"}
    assert reply["in_reply_to"]["body_html"] == "<p>Who swims in winter?</p>"
    assert reply["body_html"] == "<p>I do.</p>" and reply["status"] == "published"


def test_only_what_everyone_may_see_and_nobody_i_ignore(
    settings, follows, alice, bob, carol, article, moderator
):
    shown = factories.comment(article=article, author=bob, body="Shown.")
    gone = factories.comment(article=article, author=bob, body="Deleted.")
    comments.comment_delete(comment=gone, actor=bob)
    rejected = factories.comment(article=article, author=bob, body="Rejected.")
    comments.comment_reject(comment=rejected, actor=moderator, reason="No.")
    settings.COMMENT_MODERATION_PIPELINE = "tests.comments.conftest.HoldForReview"
    factories.comment(article=article, author=bob, body="Pending.")
    settings.COMMENT_MODERATION_PIPELINE = "masthead.comments.moderation.PassThrough"
    factories.comment(article=article, author=carol, body="Ignored.")
    services.ignore_create(reader=alice, ignored=carol)
    draft = factories.article(headline="Embargoed")
    factories.comment(article=draft, author=bob, body="On a story about to be unpublished.")
    draft.status = "draft"
    draft.save(update_fields=["status"])

    items = signed_in(Client(), alice).get("/api/v1/me/feed").json()["items"]
    assert [item["id"] for item in items] == [shown.pk]


def test_the_feed_pages_by_cursor_with_the_same_few_queries(follows, alice, bob, carol, article):
    for i in range(5):
        factories.comment(article=article, author=[bob, carol][i % 2], body=f"Comment {i}.")
    client = signed_in(Client(), alice)
    first = client.get("/api/v1/me/feed?limit=3").json()
    rest = client.get(f"/api/v1/me/feed?limit=3&cursor={first['next_cursor']}").json()
    bodies = [i["body_html"] for i in first["items"] + rest["items"]]
    assert bodies == [f"<p>Comment {i}.</p>" for i in (4, 3, 2, 1, 0)] and rest["next_cursor"] is None

    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/me/feed?limit=1")
    with CaptureQueriesContext(connection) as more:
        client.get("/api/v1/me/feed?limit=5")
    assert len(more) == len(few)


def test_the_following_page(client, follows, alice, bob, article):
    factories.comment(article=article, author=bob, body="Seen from **the pier**.")
    page = signed_in(client, alice).get("/me/following/").content.decode()
    assert "Seen from <strong>the pier</strong>." in page and article.headline in page
    assert "2 readers you follow" in page
    empty = signed_in(Client(), bob).get("/me/following/").content.decode()
    assert "You do not follow anyone yet." in empty


def test_the_feed_needs_a_reader():
    assert Client().get("/api/v1/me/feed").status_code == 401
