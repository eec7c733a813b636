"""A reader's comments: GET /api/v1/readers/{username}/comments, /readers/<name>/comments/
and the latest of them on their profile."""

import re

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


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_published_comments_newest_first_with_their_story_and_what_they_answer(
    settings, article, alice, bob, moderator
):
    question = factories.comment(article=article, author=alice, body="Why close the baths?")
    answer = factories.comment(article=article, author=bob, body="Money, as ever.", parent=question)
    elsewhere = factories.article(headline="Ferry timetable changes")
    latest = factories.comment(article=elsewhere, author=bob, body="At last.")
    gone = factories.comment(article=article, author=bob, body="Deleted.")
    comments.comment_delete(comment=gone, actor=bob)
    rejected = factories.comment(article=article, author=bob, body="Rejected.")
    comments.comment_reject(comment=rejected, actor=moderator, reason="No.")
    settings.COMMENT_MODERATION_PIPELINE = "tests.comments.conftest.HoldForReview"
    factories.comment(article=article, author=bob, body="Pending.")

    body = assert_matches_schema(Client().get("/api/v1/readers/bob/comments"))

    assert [item["id"] for item in body["items"]] == [latest.pk, answer.pk]
    assert body["next_cursor"] is None
    first, second = body["items"]
    assert first["article"]["slug"] == elsewhere.slug and first["in_reply_to"] is None
    assert second["in_reply_to"]["id"] == question.pk
    assert second["in_reply_to"]["author"]["username"] == "alice"
    assert second["author"]["username"] == "bob" and second["status"] == "published"
    # Even bob, signed in, sees only what everyone sees here.
    mine = signed_in(Client(), bob).get("/api/v1/readers/bob/comments").json()
    assert [item["id"] for item in mine["items"]] == [latest.pk, answer.pk]


def test_pages_by_cursor_in_the_same_few_queries_however_many_stories(alice):
    for i in range(6):
        factories.comment(article=factories.article(headline=f"Story {i}"), author=alice, body=f"Note {i}.")
    client = Client()
    first = client.get("/api/v1/readers/alice/comments?limit=4").json()
    rest = client.get(f"/api/v1/readers/alice/comments?limit=4&cursor={first['next_cursor']}").json()
    bodies = [item["body_html"] for item in first["items"] + rest["items"]]
    assert bodies == [f"<p>Note {i}.</p>" for i in (5, 4, 3, 2, 1, 0)] and rest["next_cursor"] is None

    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/readers/alice/comments?limit=1")
    with CaptureQueriesContext(connection) as six:
        client.get("/api/v1/readers/alice/comments?limit=6")
    assert len(six) == len(one)


def test_an_unknown_reader_and_a_bad_cursor(alice):
    assert Client().get("/api/v1/readers/nobody/comments").status_code == 404
    response = Client().get("/api/v1/readers/alice/comments?cursor=forged")
    assert response.status_code == 422 and response.json()["error"]["code"] == "validation_error"


def test_the_author_badge_shows_on_the_stories_they_wrote(alice):
    writer = factories.author(name="Priya Raman")
    writer.reader = alice
    writer.save()
    theirs = factories.article(headline="Seagrass planting", authors=[writer])
    other = factories.article(headline="Another story")
    factories.comment(article=theirs, author=alice, body="Reporter here.")
    factories.comment(article=other, author=alice, body="Reader here.")
    items = Client().get("/api/v1/readers/alice/comments").json()["items"]
    assert [(i["article"]["slug"], i["author"]["badges"]) for i in items] == [
        (other.slug, []),
        (theirs.slug, ["author"]),
    ]


def test_the_profile_shows_the_latest_and_links_to_them_all(article, alice, bob):
    for i in range(22):
        factories.comment(article=article, author=alice, body=f"Thought number {i}.")
    profile = _text(Client().get("/readers/alice/"))
    assert "Recent comments" in profile
    assert "Thought number 21." in profile and "Thought number 17." in profile
    assert "Thought number 16." not in profile
    assert 'href="/readers/alice/comments/" data-comment-count>22</a>' in profile
    assert "All comments by Alice Ames" in profile

    page = _text(Client().get("/readers/alice/comments/"))
    assert "Thought number 21." in page and "Thought number 2." in page and article.headline in page
    assert "Thought number 1." not in page
    next_link = re.search(r'href="\?cursor=([^"]+)"', page)
    assert next_link is not None
    older = _text(Client().get(f"/readers/alice/comments/?cursor={next_link.group(1)}"))
    assert "Thought number 1." in older and "Thought number 0." in older and "Thought number 2." not in older
    assert "has not commented yet" in _text(Client().get("/readers/bob/comments/"))
    assert Client().get("/readers/nobody/comments/").status_code == 404


def test_a_reader_i_ignore_is_collapsed_on_their_page(article, alice, bob):
    factories.comment(article=article, author=bob, body="Something I would rather not read.")
    services.ignore_create(reader=alice, ignored=bob)
    page = _text(signed_in(Client(), alice).get("/readers/bob/comments/"))
    assert '<details class="feed__ignored">' in page
    assert "comment__ignored" not in _text(Client().get("/readers/bob/comments/"))
