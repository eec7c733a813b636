"""The following feed: /me/following/ and GET /api/v1/me/feed."""

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.comments import services as comments
from masthead.comments.models import Comment
from masthead.community import selectors, services, sources
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


def test_the_same_queries_however_many_stories_readers_and_replies(alice, bob, article):
    """Each item comes with its story, its author's badges and the comment it answers: none of
    it costs a query per item, per story or per reader followed."""
    client = signed_in(Client(), alice)

    def queries() -> int:
        alice.refresh_from_db()
        with CaptureQueriesContext(connection) as captured:
            body = client.get("/api/v1/me/feed?limit=50").json()
        assert body["items"]
        return len(captured)

    services.follow_create(follower=alice, followed=bob)
    factories.comment(article=article, author=bob, body="One.")
    few = queries()
    writer = factories.author(name="Dora Writer")
    for i in range(8):
        reader = factories.reader(username=f"voice{i}")
        services.follow_create(follower=alice, followed=reader)
        if i == 0:
            writer.reader = reader
            writer.save()
        story = factories.article(headline=f"Story {i}", authors=[writer])
        top = factories.comment(article=story, author=bob, body=f"Top {i}.")
        factories.comment(article=story, author=reader, body=f"Reply {i}.", parent=top)
    assert queries() == few
    items = client.get("/api/v1/me/feed?limit=50").json()["items"]
    assert len(items) == 17 and sum(item["in_reply_to"] is not None for item in items) == 8
    assert [i["author"]["badges"] for i in items if i["author"]["username"] == "voice0"] == [["author"]]


@pytest.fixture
def crowd(alice, article):
    """alice follows 30 readers with 4 to 6 comments each, at times all over the place (some
    exactly equal), some of them deleted, held back, or on a story unpublished since; and
    one reader she ignores."""
    rng = random.Random(6)  # noqa: S311 - test data
    draft = factories.article(headline="Pulled story")
    others = [factories.article(headline=f"Story {i}") for i in range(3)]
    start = timezone.now() - timedelta(days=10)
    readers = [factories.reader(username=f"voice{i}") for i in range(31)]
    for reader in readers:
        services.follow_create(follower=alice, followed=reader)
        for _ in range(rng.randint(4, 6)):
            story = rng.choice([article, *others, draft])
            comment = factories.comment(article=story, author=reader, body=f"Words {rng.random()}.")
            Comment.objects.filter(pk=comment.pk).update(
                created_at=start + timedelta(minutes=rng.choice([rng.randint(0, 14000), 7000]))
            )
            if rng.random() < 0.1:
                comments.comment_delete(comment=comment, actor=reader)
    services.ignore_create(reader=alice, ignored=readers[-1])
    Comment.objects.filter(pk__in=Comment.objects.filter(author__in=readers[:3]).values("pk")[:4]).update(
        status="pending"
    )
    draft.status = "draft"
    draft.save(update_fields=["status"])
    return readers


def _expected_feed(alice) -> list[int]:
    """The feed by its definition, in one plain query."""
    from masthead.community.models import Follow, Ignore

    followed = Follow.objects.filter(follower=alice).values("followed_id")
    ignored = Ignore.objects.filter(reader=alice).values("ignored_id")
    rows = sources.published_comments_by(followed, excluding_author_ids=ignored).order_by(
        "-created_at", "-id"
    )
    return list(rows.values_list("pk", flat=True))


@pytest.mark.parametrize("limit", [1, 7, 20])
def test_every_page_is_what_the_feed_s_definition_says(crowd, alice, limit):
    """Page after page, the index-driven plan (on PostgreSQL) gives exactly the newest
    visible comments by the readers followed, none twice, none missed."""
    expected = _expected_feed(alice)
    assert len(expected) > 60
    seen, cursor = [], None
    while True:
        page = selectors.reader_feed(viewer=alice, cursor=cursor, limit=limit)
        seen += [comment.pk for comment in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index-driven plan is PostgreSQL's")
def test_the_feed_s_queries_read_the_comments_author_index(crowd, alice):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a tiny table: ask whether the index can serve
        try:
            sql, params = sources.feed_sql("threshold", follower_id=alice.pk, after=None, size=21)
            cursor.execute(sql, params)
            (since,) = cursor.fetchone()
            plans = []
            for step, extra in (("threshold", {}), ("page", {"since": since})):
                sql, params = sources.feed_sql(step, follower_id=alice.pk, after=None, size=21, **extra)
                cursor.execute("EXPLAIN " + sql, params)
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
        finally:
            cursor.execute("SET enable_seqscan = on")
    for plan in plans:
        assert "Index Scan using comment_author_idx on comments_comment" in plan, plan
        # The index gives each reader's comments newest first: nothing sorts them per reader.
        inner = plan[plan.index("Index Scan using comment_author_idx") :]
        assert "Sort Key: c.created_at DESC" not in inner, plan


def test_the_following_page(client, follows, alice, bob, article):
    factories.comment(article=article, author=bob, body="Seen from **the pier**.")
    page = signed_in(client, alice).get("/me/following/").content.decode()
    assert "Seen from <strong>the pier</strong>." in page and article.headline in page
    assert "2 readers you follow" in page
    empty = signed_in(Client(), bob).get("/me/following/").content.decode()
    assert "You do not follow anyone yet." in empty


def test_the_feed_needs_a_reader():
    assert Client().get("/api/v1/me/feed").status_code == 401
