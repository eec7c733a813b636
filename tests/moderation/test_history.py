"""The pipeline wired on: the default settings, the comments app's reader history, a
moderation-closed story shown as closed, and the scorer warmed by servers only."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.signals import request_started
from django.test import Client
from django.utils import timezone

from masthead.comments.models import Comment
from masthead.comments.selectors import comments_state, reader_moderation_history
from masthead.core import pagecache
from masthead.core.errors import MastheadError
from masthead.moderation import history, services, warm
from masthead.moderation.normalize import fingerprint
from tests import factories
from tests.moderation.conftest import pending, post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("desk")]


def test_the_pipeline_is_on_by_default():
    assert django_settings.COMMENT_MODERATION_PIPELINE == "masthead.moderation.pipeline.CommentsPipeline"
    assert (
        django_settings.MODERATION_READER_HISTORY == "masthead.comments.selectors.reader_moderation_history"
    )


def test_a_new_readers_first_two_comments_wait_then_they_publish(article, moderator):
    reader = factories.reader()
    first, second = pending(article, reader), pending(article, reader)
    assert first.moderation_data["rules"] == ["new_readers"]
    assert "first comments are read by a moderator" in first.moderation_reason

    services.comment_moderate(actor=moderator, comment=first, action="approve")
    assert post(article, reader).status == "pending"  # one approved of two
    services.comment_moderate(actor=moderator, comment=second, action="approve")
    assert post(article, reader).status == "published"


def test_a_rejection_puts_a_reader_back_on_probation(article, moderator):
    reader = factories.reader()
    for _ in range(2):
        services.comment_moderate(actor=moderator, comment=pending(article, reader), action="approve")
    services.comment_moderate(actor=moderator, comment=post(article, reader), action="reject")
    held = post(article, reader)
    assert held.status == "pending"
    assert "new reader again" in held.moderation_data["reasons"][0]["detail"]


def test_the_same_text_again_is_held_as_a_repeat(article, moderator):
    reader = factories.reader()
    for _ in range(2):
        services.comment_moderate(actor=moderator, comment=pending(article, reader), action="approve")
    other = factories.article(headline="Another story")
    body = "Bring back the tidal pool, it was the best thing about the town."
    assert post(article, reader, body=body).status == "published"
    again = post(other, reader, body=body)
    assert again.status == "pending"
    assert again.moderation_data["rules"] == ["repeats"]


def test_the_history_selector(article, moderator):
    reader = factories.reader()
    kept = [pending(article, reader) for _ in range(3)]
    for comment in kept[:2]:
        services.comment_moderate(actor=moderator, comment=comment, action="approve")
    services.comment_moderate(actor=moderator, comment=kept[2], action="reject")
    old = pending(article, reader)
    Comment.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=40), status="rejected"
    )

    found = reader_moderation_history(reader, since=timezone.now() - timedelta(days=30))

    assert (found.approved_count, found.rejected_count) == (2, 2)
    assert (found.recent_approved_count, found.recent_rejected_count) == (2, 1)
    assert found.last_rejected_at == Comment.objects.get(pk=kept[2].pk).created_at
    assert fingerprint(kept[0].body) in found.fingerprints()
    assert fingerprint(old.body) not in found.fingerprints()  # older than a day

    without = reader_moderation_history(
        reader, since=timezone.now() - timedelta(days=30), exclude_comment_id=kept[0].pk
    )
    assert without.approved_count == 1
    assert fingerprint(kept[0].body) not in without.fingerprints()


def test_the_history_selector_at_its_edges(article):
    """A comment made exactly at ``since`` is recent; a deleted one counts but its text does
    not; the latest rejection is an aware datetime (SQLite hands its MAX back as text);
    texts come newest first; another reader's comments are not theirs."""
    reader = factories.reader()
    at_since, deleted, older, recent, newest = (pending(article, reader) for _ in range(5))
    pending(article, factories.reader())
    now = timezone.now()
    since = (now - timedelta(days=30)).replace(microsecond=0)
    Comment.objects.filter(pk=at_since.pk).update(created_at=since, status="rejected")
    Comment.objects.filter(pk=deleted.pk).update(status="published", deleted_at=now)
    Comment.objects.filter(pk=older.pk).update(created_at=since - timedelta(seconds=1), status="rejected")

    found = reader_moderation_history(reader, since=since)

    assert (found.approved_count, found.rejected_count) == (1, 2)
    assert (found.recent_approved_count, found.recent_rejected_count) == (1, 1)
    assert found.last_rejected_at == since
    assert timezone.is_aware(found.last_rejected_at)
    assert tuple(found.recent_bodies) == (newest.body, recent.body)
    assert reader_moderation_history(factories.reader(), since=since) == history.ReaderHistory()


@pytest.mark.parametrize("comments", [2, 40])
def test_the_history_costs_two_queries_whatever_the_reader_wrote(
    article, moderator, comments, django_assert_num_queries
):
    reader = factories.reader()
    services.moderation_settings_update(actor=moderator, changes={"new_reader_count": 0})
    for _ in range(comments):
        post(article, reader)
    history.reset()
    with django_assert_num_queries(2):
        reader_moderation_history(reader, since=timezone.now() - timedelta(days=30))


def test_a_story_closed_by_the_moderators_shows_as_closed(
    article, moderator, django_capture_on_commit_callbacks
):
    reader = factories.reader()
    assert comments_state(article).open

    with django_capture_on_commit_callbacks(execute=True):
        services.article_mode_set(article=article, mode="closed", actor=moderator)

    state = comments_state(article)
    assert (state.open, state.reason, state.notice) == (
        False,
        "moderation",
        "Comments are closed on this story.",
    )
    with pytest.raises(MastheadError) as caught:
        post(article, reader)
    assert caught.value.code == "comments_closed"
    page = Client().get(article.get_absolute_url()).content.decode()
    assert 'id="comments-closed"' in page


def test_closing_a_section_drops_cached_article_pages(article, moderator, django_capture_on_commit_callbacks):
    client = Client()
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        services.section_mode_set(section=article.section, mode="closed", actor=moderator)
    response = client.get(article.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert 'id="comments-closed"' in response.content.decode()


def test_an_article_mode_bumps_its_thread(article, moderator, django_capture_on_commit_callbacks):
    from masthead.comments.selectors import thread_key

    (before,) = pagecache.versions([thread_key(article.pk)])
    with django_capture_on_commit_callbacks(execute=True):
        services.article_mode_set(article=article, mode="pre", actor=moderator)
    (after,) = pagecache.versions([thread_key(article.pk)])
    assert before != after


# --- Warming the scorer: in a process that serves requests, not in every command.


class CountingScorer:
    name = "counting"
    warmed = 0

    def score_many(self, texts):
        return [0.0 for _ in texts]

    def warm(self):
        CountingScorer.warmed += 1


@pytest.fixture
def warm_threads(settings, monkeypatch) -> list:
    """``warm`` connected afresh with ``CountingScorer``; the threads it starts, run at once."""
    from masthead.moderation import scorers

    settings.MODERATION_SCORER = "tests.moderation.test_history.CountingScorer"
    scorers.reset()
    CountingScorer.warmed = 0
    threads = []
    monkeypatch.setattr(warm, "_started", False)
    monkeypatch.setattr(
        warm.threading, "Thread", lambda target, **kw: threads.append(target) or FakeThread(target)
    )
    warm.connect()
    return threads


def test_the_scorer_is_warmed_once_on_the_first_request(warm_threads):
    threads = warm_threads

    request_started.send(sender=None)
    request_started.send(sender=None)

    assert len(threads) == 1  # once per process
    assert CountingScorer.warmed == 1
    assert request_started.disconnect(dispatch_uid=warm.DISPATCH_UID) is False  # it let go of the signal


def test_only_a_request_that_may_write_warms_the_scorer(warm_threads):
    """A worker serving reads only never loads the model (most of a worker's memory)."""
    threads = warm_threads
    try:
        request_started.send(sender=None, scope={"type": "http", "method": "GET"})
        request_started.send(sender=None, environ={"REQUEST_METHOD": "HEAD"})
        assert (threads, CountingScorer.warmed) == ([], 0)

        request_started.send(sender=None, scope={"type": "http", "method": "POST"})
        assert (len(threads), CountingScorer.warmed) == (1, 1)
    finally:
        request_started.disconnect(dispatch_uid=warm.DISPATCH_UID)


class FakeThread:
    def __init__(self, target):
        self.target = target

    def start(self):
        self.target()


def test_a_failing_scorer_does_not_stop_the_server(settings, monkeypatch, caplog):
    from masthead.moderation import scorers

    settings.MODERATION_SCORER = "no.such.Scorer"
    scorers.reset()
    warm.warm_scorer()  # logs, raises nothing
    assert "Could not load the toxicity scorer" in caplog.text
