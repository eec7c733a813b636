"""The followers' fan-out (``fanout.notify_followers``): one INSERT … SELECT … ON CONFLICT DO
NOTHING per batch, decided by the database. Each follower's channel, who is left out, once
only, and the same few queries however large the batch. Run on SQLite and PostgreSQL."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.comments import services as comments
from masthead.community import fanout, selectors, services
from masthead.community.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db

KIND = "followed_reader_commented"


def _told(comment) -> dict:
    rows = Notification.objects.filter(kind=KIND, comment_id=comment.pk).select_related("recipient")
    return {n.recipient.username: n for n in rows}


@pytest.fixture
def fans(bob):
    """Seven readers following bob, each a case the fan-out must get right."""
    made = {
        name: factories.reader(username=name)
        for name in ("plain", "instant", "daily", "silent", "gone", "ignoring", "replied")
    }
    for fan in made.values():
        services.follow_create(follower=fan, followed=bob)
    services.notification_settings_update(reader=made["instant"], changes={KIND: "email_now"})
    services.notification_settings_update(reader=made["daily"], changes={KIND: "email_daily"})
    services.notification_settings_update(reader=made["silent"], changes={KIND: "off"})
    services.ignore_create(reader=made["ignoring"], ignored=bob)
    made["gone"].is_active = False
    made["gone"].save(update_fields=["is_active"])
    return made


def test_each_follower_is_told_by_their_own_channel_and_the_rest_are_left_out(article, bob, fans, committed):
    top = factories.comment(article=article, author=fans["replied"], body="First.")
    comment = factories.comment(
        article=article, author=bob, body="Tide's *out*, see https://example.org/t", parent=top
    )
    # Each reader's bell count, cached before the fan-out, is forgotten by it.
    before = {name: selectors.unread_count(reader=fan) for name, fan in fans.items()}

    with committed():
        batch = fanout.notify_followers(comment_id=comment.pk)

    told = _told(comment)
    # Not: switched off, an inactive account, a reader who ignores bob, the reader he
    # replied to (told of the reply instead, by notify_comment_published).
    assert sorted(told) == ["daily", "instant", "plain"]
    assert {name: (n.delivery, n.email_pending) for name, n in told.items()} == {
        "plain": ("in_app", False),
        "instant": ("email_now", True),
        "daily": ("email_daily", True),
    }
    assert batch.emails == [told["instant"].pk] and batch.next_after is None
    plain = told["plain"]
    assert (plain.actor_id, plain.article_id, plain.comment_id, plain.source) == (
        bob.pk, article.pk, comment.pk, f"comment:{comment.pk}",
    )  # fmt: skip
    assert (plain.count, plain.read_at, plain.emailed_at) == (1, None, None)
    assert plain.data == {"excerpt": "Tide's out, see"}
    assert abs((timezone.now() - plain.created_at).total_seconds()) < 60
    # The bells of those told count afresh (the cache was forgotten on commit).
    assert before["plain"] == 0 and selectors.unread_count(reader=fans["plain"]) == 1
    [shown] = selectors.notification_page(reader=fans["plain"]).items
    assert shown.text == f"Bob Baker commented on “{article.headline}”: “Tide's out, see”"


def test_a_rerun_or_an_overlapping_batch_tells_nobody_twice_and_leaves_read_marks(
    article, bob, fans, settings
):
    comment = factories.comment(article=article, author=bob, body="Once.")
    fanout.notify_followers(comment_id=comment.pk)
    first = {name: n.pk for name, n in _told(comment).items()}
    services.notifications_mark_read(reader=fans["plain"], everything=True)

    again = fanout.notify_followers(comment_id=comment.pk)  # a task run twice
    settings.COMMUNITY_FANOUT_BATCH_SIZE = 2
    fanout.notify_followers(comment_id=comment.pk, after=fans["plain"].pk)  # a batch from elsewhere

    assert {name: n.pk for name, n in _told(comment).items()} == first
    assert _told(comment)["plain"].read_at is not None  # not told again, so not unread again
    # The email not yet sent is still asked for (its sending claims it once: test_emails).
    assert again.emails == [first["instant"]]


def test_nobody_is_told_of_a_comment_they_cannot_see(article, bob, fans, moderator):
    gone = factories.comment(article=article, author=bob, body="Deleted before the task ran.")
    comments.comment_delete(comment=gone, actor=bob)
    rejected = factories.comment(article=article, author=bob, body="Rejected before it ran.")
    comments.comment_reject(comment=rejected, actor=moderator, reason="Off topic.")
    for comment in (gone, rejected):
        assert fanout.notify_followers(comment_id=comment.pk).next_after is None
    assert not Notification.objects.filter(kind=KIND).exists()


def test_a_batch_costs_the_same_few_queries_however_many_followers(article, bob, settings):
    settings.COMMUNITY_FANOUT_BATCH_SIZE = 1000
    comment = factories.comment(article=article, author=bob, body="Count the queries.")

    def queries() -> int:
        Notification.objects.filter(kind=KIND).delete()
        with CaptureQueriesContext(connection) as captured:
            fanout.notify_followers(comment_id=comment.pk)
        return len(captured)

    for i in range(3):
        services.follow_create(follower=factories.reader(username=f"few{i}"), followed=bob)
    few = queries()
    for i in range(60):
        services.follow_create(follower=factories.reader(username=f"many{i}"), followed=bob)
    assert queries() == few <= 8
    assert Notification.objects.filter(kind=KIND).count() == 63
    inserts = [q["sql"] for q in captured_inserts(comment)]
    assert len(inserts) == 1 and "ON CONFLICT DO NOTHING" in inserts[0]


def captured_inserts(comment) -> list:
    Notification.objects.filter(kind=KIND).delete()
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        fanout.notify_followers(comment_id=comment.pk)
    return [q for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
