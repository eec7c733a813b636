"""The comment-driven kinds: reply, mention, followed_reader_commented, reaction (batched),
comment_featured, comment_rejected. Everything goes through the comments app's own services
(or its API); its signals (``comment_published``, ``comment_featured``,
``comment_rejected``, ``reaction_added``, ``comment_removed``, after commit) queue the
fan-out (community.receivers), which the test task backend runs at once."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from masthead.comments import services as comments
from masthead.community import fanout, selectors, services, tasks
from masthead.community.models import Follow, Notification
from tests import factories
from tests.community.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(committed):
    def post(author, body="A thoughtful comment.", parent=None, article=None):
        with committed():
            return factories.comment(article=article or post.article, author=author, body=body, parent=parent)

    return post


@pytest.fixture(autouse=True)
def _article(post, article):
    post.article = article


def _of(reader, kind=None):
    found = Notification.objects.filter(recipient=reader)
    return list(found.filter(kind=kind) if kind else found)


# --- reply ---------------------------------------------------------------------------------


def test_a_reply_tells_the_parents_author(post, alice, bob, article):
    top = post(alice, "The baths opened in 1932.")
    reply = post(bob, "They *closed* in 1999, see [the archive](https://example.org/x).", parent=top)

    [notification] = _of(alice)
    assert (notification.kind, notification.actor, notification.comment_id) == ("reply", bob, reply.pk)
    assert notification.article == article
    page = selectors.notification_page(reader=alice)
    [shown] = page.items
    assert shown.text == (
        f"Bob Baker replied to your comment on “{article.headline}”: “They closed in 1999, see the archive.”"
    )
    assert shown.url == f"/articles/{article.slug}/?comment={reply.pk}#comment-{reply.pk}"
    assert _of(bob) == []


def test_replying_to_yourself_tells_nobody(post, alice):
    top = post(alice)
    post(alice, parent=top)
    assert _of(alice) == []


# --- mention -------------------------------------------------------------------------------


def test_mentions_tell_each_reader_named_once(post, alice, bob, carol):
    post(bob, "@alice and @CAROL, see this. @alice again, @bob (me) and @nobody.")
    assert [n.kind for n in _of(alice)] == ["mention"]
    assert [n.kind for n in _of(carol)] == ["mention"]
    assert _of(bob) == []
    text = selectors.notification_page(reader=carol).items[0].text
    assert text.startswith("Bob Baker mentioned you on “")


def test_a_reply_that_also_mentions_is_one_reply(post, alice, bob):
    top = post(alice)
    post(bob, "Quite right, @alice.", parent=top)
    assert [n.kind for n in _of(alice)] == ["reply"]


def test_mentions_are_capped(settings, post, bob):
    settings.COMMUNITY_MAX_MENTIONS = 2
    named = [factories.reader(username=f"named{i}") for i in range(4)]
    post(bob, " ".join(f"@{r.username}" for r in named))
    assert Notification.objects.filter(kind="mention").count() == 2


# --- followed_reader_commented and the fan-out -----------------------------------------------


def test_followers_hear_that_a_reader_they_follow_commented(post, alice, bob, carol, committed):
    with committed():
        services.follow_create(follower=alice, followed=bob)
        services.follow_create(follower=carol, followed=bob)
    top = post(alice)
    reply = post(bob, "Replying to alice.", parent=top)

    assert [n.kind for n in _of(carol) if n.kind != "new_follower"] == ["followed_reader_commented"]
    # alice follows bob too, but she is told of the reply, not again as a follower.
    assert sorted(n.kind for n in _of(alice)) == ["reply"]
    assert _of(carol, "followed_reader_commented")[0].comment_id == reply.pk


def test_the_fan_out_walks_followers_in_batches_and_a_rerun_tells_nobody_twice(
    settings, monkeypatch, post, bob
):
    settings.COMMUNITY_FANOUT_BATCH_SIZE = 2
    fans = [factories.reader(username=f"fan{i}") for i in range(5)]
    for fan in fans:
        services.follow_create(follower=fan, followed=bob)
    calls = []
    real = fanout.notify_followers
    monkeypatch.setattr(fanout, "notify_followers", lambda **kw: calls.append(kw) or real(**kw))

    comment = post(bob, "News.")
    assert [c["after"] for c in calls] == [0, fans[1].pk, fans[3].pk]
    assert Notification.objects.filter(kind="followed_reader_commented").count() == 5

    tasks.notify_comment_published.enqueue(comment_id=comment.pk)
    tasks.notify_followers.enqueue(comment_id=comment.pk, after=0)
    assert Notification.objects.filter(kind="followed_reader_commented").count() == 5


def test_posting_costs_the_same_however_many_followers(
    post, bob, alice, article, django_capture_on_commit_callbacks
):
    """The request queues the fan-out and returns: its work does not grow with followers."""

    def queries_to_post(author) -> int:
        # execute=False: the fan-out, queued for after the commit, is not the request's work.
        with django_capture_on_commit_callbacks(execute=False), CaptureQueriesContext(connection) as queries:
            factories.comment(article=article, author=author, body="Same words, again.")
        return len(queries)

    for i in range(60):
        services.follow_create(follower=factories.reader(username=f"follower{i}"), followed=bob)
    # The article's thread exists from now on, and what is remembered between posts (the
    # authors' badges) is remembered for both.
    queries_to_post(alice), queries_to_post(bob)
    quiet = queries_to_post(alice)
    assert queries_to_post(bob) == quiet
    assert Follow.objects.filter(followed=bob).count() == 60
    assert not Notification.objects.filter(kind="followed_reader_commented").exists()


# --- Who is never told -----------------------------------------------------------------------


def test_nobody_hears_of_a_comment_awaiting_moderation_until_it_is_published(
    settings, post, alice, bob, carol, moderator, committed
):
    services.follow_create(follower=carol, followed=bob)
    top = post(alice)
    settings.COMMENT_MODERATION_PIPELINE = "tests.comments.conftest.HoldForReview"
    reply = post(bob, "Held back, @carol.", parent=top)
    assert reply.status == "pending"
    tasks.notify_comment_published.enqueue(comment_id=reply.pk)  # even if asked
    assert not Notification.objects.exists()

    with committed():
        comments.comment_approve(comment=reply, actor=moderator)
    assert [n.kind for n in _of(alice)] == ["reply"]
    assert [n.kind for n in _of(carol)] == ["mention"]


def test_readers_are_not_told_about_readers_they_ignore(post, alice, bob):
    services.follow_create(follower=alice, followed=bob)
    services.ignore_create(reader=alice, ignored=bob)
    top = post(alice)
    post(bob, "Hello @alice.", parent=top)
    post(bob, "Elsewhere.")
    assert _of(alice) == []


def test_ignoring_hides_what_was_already_told(post, alice, bob, carol, committed):
    top = post(alice)
    post(bob, parent=top)
    post(carol, parent=top)
    assert selectors.unread_count(reader=alice) == 2
    with committed():
        services.ignore_create(reader=alice, ignored=bob)
    assert [n.actor for n in selectors.notification_page(reader=alice).items] == [carol]
    assert selectors.unread_count(reader=alice) == 1
    with committed():
        services.ignore_delete(reader=alice, ignored=bob)
    assert selectors.unread_count(reader=alice) == 2


def test_a_comment_deleted_after_the_fact_disappears_from_the_bell(post, alice, bob, committed):
    top = post(alice)
    reply = post(bob, parent=top)
    client = signed_in(Client(), alice)
    assert len(client.get("/api/v1/me/notifications").json()["items"]) == 1
    assert client.get("/api/v1/me/notifications/unread-count").json() == {"unread": 1}  # now cached
    with committed():
        comments.comment_delete(comment=reply, actor=bob)
    assert client.get("/api/v1/me/notifications").json()["items"] == []
    # comment_removed forgot the cached count of everyone told about the reply.
    assert client.get("/api/v1/me/notifications/unread-count").json() == {"unread": 0}


def test_nothing_about_a_comment_on_an_unpublished_story(post, alice, bob, article):
    top = post(alice)
    article.status = "draft"
    article.save(update_fields=["status"])
    services.follow_create(follower=bob, followed=alice)
    tasks.notify_comment_published.enqueue(comment_id=top.pk)  # posting is closed on a draft
    assert not Notification.objects.exists()


# --- reaction (batched) ----------------------------------------------------------------------


def _react(comment, reader):
    comments.reaction_set(comment=comment, reader=reader)


def test_reactions_are_one_notification_that_counts(post, alice, bob, carol, committed, article):
    mine = post(alice, "Worth saying.")
    readers = [bob, carol, factories.reader(username="dan")]
    with committed():
        for reader in readers:
            _react(mine, reader)
    [notification] = _of(alice)
    assert (notification.kind, notification.count, notification.actor.username) == ("reaction", 3, "dan")
    text = selectors.notification_page(reader=alice).items[0].text
    assert text == f"3 readers respected your comment on “{article.headline}”."

    services.notifications_mark_read(reader=alice, everything=True)
    with committed():
        _react(mine, factories.reader(username="eve"))
    notification.refresh_from_db()
    assert (notification.count, notification.read_at) == (4, None)  # unread again, with the news
    assert Notification.objects.filter(recipient=alice).count() == 1


def test_a_single_reaction_names_the_reader_and_ignored_readers_do_not_count(
    post, alice, bob, carol, committed
):
    mine = post(alice)
    services.ignore_create(reader=alice, ignored=carol)
    with committed():
        _react(mine, carol)
    assert _of(alice) == []
    with committed():
        _react(mine, bob)
    [notification] = _of(alice)
    assert notification.count == 1 and notification.actor == bob
    assert (
        selectors.notification_page(reader=alice).items[0].text.startswith("Bob Baker respected your comment")
    )


def test_reactions_are_batched_when_the_backend_can_wait(
    settings, monkeypatch, post, alice, bob, carol, committed
):
    """With a backend that runs tasks later, a burst of reactions queues one count."""
    settings.COMMUNITY_REACTION_BATCH_SECONDS = 60
    queued = []

    class Deferred:
        def __init__(self, **options):
            self.options = options

        def enqueue(self, **kwargs):
            queued.append((self.options, kwargs))

    class LaterTask(Deferred):
        def get_backend(self):
            return type("Backend", (), {"supports_defer": True})()

        def using(self, **options):
            return Deferred(**options)

    monkeypatch.setattr(tasks, "notify_reaction", LaterTask())
    mine = post(alice)
    with committed():
        _react(mine, bob)
        _react(mine, carol)
    assert len(queued) == 1 and queued[0][1] == {"comment_id": mine.pk}
    assert "run_after" in queued[0][0]


# --- comment_featured and comment_rejected ----------------------------------------------------


def test_a_featured_comment_tells_its_author(post, alice, moderator, article, committed):
    mine = post(alice)
    with committed():
        comments.comment_feature(comment=mine, actor=moderator)
    [notification] = _of(alice)
    assert (notification.kind, notification.actor) == ("comment_featured", None)
    item = signed_in(Client(), alice).get("/api/v1/me/notifications").json()["items"][0]
    assert item["actor"] is None
    assert item["text"] == f"The editors featured your comment on “{article.headline}”."


def test_a_rejected_comment_tells_its_author_why(post, alice, moderator, article, committed):
    mine = post(alice)
    with committed():
        comments.comment_reject(comment=mine, actor=moderator, reason="Personal attacks are not allowed.")
    [shown] = selectors.notification_page(reader=alice).items  # shown though nobody else sees the comment
    assert shown.kind == "comment_rejected"
    assert shown.text == (
        f"Your comment on “{article.headline}” was not published: Personal attacks are not allowed."
    )


def test_a_rejection_undone_before_the_task_runs_tells_nobody(post, alice, moderator):
    mine = post(alice)
    comments.comment_reject(comment=mine, actor=moderator, reason="Oops.")
    comments.comment_approve(comment=mine, actor=moderator)
    tasks.notify_comment_rejected.enqueue(comment_id=mine.pk)
    assert not Notification.objects.filter(kind="comment_rejected").exists()


def test_the_bell_quotes_a_comment_as_it_reads_now(post, alice, bob):
    top = post(alice)
    reply = post(bob, "Frist!", parent=top)
    comments.comment_edit(comment=reply, editor=bob, body="First, and a correction.")
    [shown] = selectors.notification_page(reader=alice).items
    assert shown.text.endswith("“First, and a correction.”")


# --- End to end, through the comments app's signals ---------------------------------------------


class RejectOutright:
    """A moderation pipeline that rejects every comment."""

    def assess(self, draft):
        from masthead.comments import moderation

        return moderation.Decision(status=moderation.REJECTED, reason="Links to that site are not allowed.")


def test_twelve_reactions_through_the_api_are_one_notification(post, alice, article, committed):
    mine = post(alice, "The baths should open all year.")
    for i in range(12):
        with committed():
            response = signed_in(Client(), factories.reader(username=f"fan{i}")).put(
                f"/api/v1/comments/{mine.pk}/reaction"
            )
        assert response.status_code == 200
    [notification] = _of(alice)
    assert (notification.kind, notification.count) == ("reaction", 12)
    item = signed_in(Client(), alice).get("/api/v1/me/notifications").json()["items"][0]
    assert item["text"] == f"12 readers respected your comment on “{article.headline}”."
    assert item["count"] == 12 and item["actor"]["username"] == "fan11"


def test_a_reaction_taken_back_and_given_again_tells_nobody_twice(post, alice, bob, committed):
    mine = post(alice)
    with committed():
        comments.reaction_set(comment=mine, reader=bob)
    services.notifications_mark_read(reader=alice, everything=True)
    with committed():
        comments.reaction_remove(comment=mine, reader=bob)
        comments.reaction_set(comment=mine, reader=bob)  # a new row, the same one reader
    [notification] = _of(alice)
    assert notification.count == 1 and notification.read_at is not None  # no news: still read


def test_a_comment_featured_twice_tells_its_author_once(post, alice, moderator, committed):
    mine = post(alice)
    with committed():
        comments.comment_feature(comment=mine, actor=moderator)
    with committed():
        comments.comment_unfeature(comment=mine, actor=moderator)
    with committed():
        comments.comment_feature(comment=mine, actor=moderator)
    assert [n.kind for n in _of(alice)] == ["comment_featured"]


def test_a_comment_the_pipeline_rejects_tells_its_author_why(settings, post, alice, bob, article):
    services.follow_create(follower=bob, followed=alice)
    settings.COMMENT_MODERATION_PIPELINE = "tests.community.test_comment_kinds.RejectOutright"
    mine = post(alice, "See my shop, @bob.")
    assert mine.status == "rejected"
    [shown] = selectors.notification_page(reader=alice).items
    assert shown.kind == "comment_rejected"
    assert shown.text == (
        f"Your comment on “{article.headline}” was not published: Links to that site are not allowed."
    )
    assert [n.kind for n in _of(bob)] == []  # neither a mention nor a followed comment: nobody sees it


def test_a_comment_rejected_twice_tells_its_author_once(post, alice, moderator, committed):
    mine = post(alice)
    with committed():
        comments.comment_reject(comment=mine, actor=moderator, reason="Off-topic.")
    with committed():
        comments.comment_approve(comment=mine, actor=moderator)
    with committed():
        comments.comment_reject(comment=mine, actor=moderator, reason="Off-topic, really.")
    assert [n.kind for n in _of(alice)] == ["comment_rejected"]


def test_nothing_about_a_comment_gone_before_its_task_ran(
    post, alice, bob, moderator, django_capture_on_commit_callbacks
):
    """The tasks read the comment as it is when they run: featured, then deleted before the
    worker got to it, is told to nobody; so is a reaction to a comment deleted since."""
    mine = post(alice)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        comments.comment_feature(comment=mine, actor=moderator)
        comments.reaction_set(comment=mine, reader=bob)
    comments.comment_delete(comment=mine, actor=alice)
    for callback in queued:  # the worker runs them now
        callback()
    assert _of(alice) == []


def test_reactions_from_readers_the_author_ignores_never_reach_them(post, alice, bob, carol, committed):
    mine = post(alice)
    services.ignore_create(reader=alice, ignored=bob)
    with committed():
        comments.reaction_set(comment=mine, reader=bob)
    assert _of(alice) == []
    with committed():
        comments.reaction_set(comment=mine, reader=carol)
    [notification] = _of(alice)
    assert (notification.count, notification.actor) == (1, carol)


def test_every_kind_end_to_end_through_the_api(post, alice, bob, carol, moderator, article, committed):
    """Each of the seven kinds, caused the way readers and moderators cause them."""
    carol_client, bob_client = signed_in(Client(), carol), signed_in(Client(), bob)
    with committed():
        assert carol_client.put("/api/v1/readers/bob/follow").status_code == 200
        assert bob_client.put("/api/v1/readers/alice/follow").status_code == 200
    mine = post(alice, "The baths were built in 1932.")
    with committed():
        response = bob_client.post(
            f"/api/v1/articles/{article.slug}/comments",
            {"body": "1933, says the plaque. @carol, you were there?", "parent_id": mine.pk},
            content_type="application/json",
        )
    assert response.status_code == 201
    with committed():
        assert carol_client.put(f"/api/v1/comments/{mine.pk}/reaction").status_code == 200
    with committed():
        comments.comment_feature(comment=mine, actor=moderator)
    other = post(alice, "Something that breaks the rules.")
    with committed():
        comments.comment_reject(comment=other, actor=moderator, reason="Please keep it civil.")

    def kinds(reader):
        items = signed_in(Client(), reader).get("/api/v1/me/notifications").json()["items"]
        return sorted(item["kind"] for item in items)

    assert kinds(alice) == ["comment_featured", "comment_rejected", "new_follower", "reaction", "reply"]
    # bob follows alice: told of her first comment; of the rejected one no longer.
    assert kinds(bob) == ["followed_reader_commented", "new_follower"]
    assert kinds(carol) == ["mention"]  # told of the mention, not again as bob's follower
