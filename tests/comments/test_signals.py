"""The signals comments sends other apps (comments.signals): each once, after commit, for
exactly the moments it names, and never for a change that was rolled back."""

import pytest
from django.db import transaction

from masthead.comments import moderation, services, signals
from masthead.comments.models import Comment
from tests import factories

pytestmark = pytest.mark.django_db


class RejectOutright:
    """A moderation pipeline that rejects every comment, with its reason."""

    def assess(self, draft):
        return moderation.Decision(status=moderation.REJECTED, reason="Contains a banned word.")


@pytest.fixture
def heard():
    """Every signal comments sent, as (name, comment id, other arguments), in order."""
    log = []
    names = ("comment_published", "comment_featured", "comment_rejected", "reaction_added", "comment_removed")

    def receiver_for(name):
        def receive(sender, comment, **kwargs):
            assert sender is Comment
            extra = {
                k: (v.username if hasattr(v, "username") else v) for k, v in kwargs.items() if k != "signal"
            }
            log.append((name, comment.pk, extra))

        return receive

    receivers = {name: receiver_for(name) for name in names}
    for name, receive in receivers.items():
        getattr(signals, name).connect(receive, dispatch_uid=f"test.{name}")
    yield log
    for name in names:
        getattr(signals, name).disconnect(dispatch_uid=f"test.{name}")


@pytest.fixture
def posted(article, author, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return factories.comment(article=article, author=author, body="Opening times?")


def test_featuring_is_announced_once_and_unfeaturing_not_at_all(
    posted, moderator, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_feature(comment=posted, actor=moderator)
        services.comment_feature(comment=posted, actor=moderator)  # already featured: nothing new
        services.comment_unfeature(comment=posted, actor=moderator)
    assert heard == [("comment_featured", posted.pk, {})]


def test_a_moderator_s_rejection_carries_the_reason_and_removes_a_published_comment(
    posted, moderator, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_reject(comment=posted, actor=moderator, reason="Off-topic.")
        services.comment_reject(comment=posted, actor=moderator, reason="Again.")  # no change
    assert heard == [
        ("comment_removed", posted.pk, {}),
        ("comment_rejected", posted.pk, {"reason": "Off-topic."}),
    ]


def test_the_pipeline_s_rejection_is_announced_when_the_comment_is_stored(
    settings, article, author, heard, django_capture_on_commit_callbacks
):
    settings.COMMENT_MODERATION_PIPELINE = "tests.comments.test_signals.RejectOutright"
    with django_capture_on_commit_callbacks(execute=True):
        comment = factories.comment(article=article, author=author, body="Spam spam spam.")
    assert comment.status == "rejected"
    assert heard == [("comment_rejected", comment.pk, {"reason": "Contains a banned word."})]


def test_an_edit_the_pipeline_rejects_removes_the_comment_and_says_why(
    settings, posted, author, heard, django_capture_on_commit_callbacks
):
    settings.COMMENT_MODERATION_PIPELINE = "tests.comments.test_signals.RejectOutright"
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_edit(comment=posted, editor=author, body="Now with a banned word.")
    assert heard == [
        ("comment_removed", posted.pk, {}),
        ("comment_rejected", posted.pk, {"reason": "Contains a banned word."}),
    ]


def test_a_new_reaction_is_announced_with_its_reader_and_nothing_else_is(
    posted, other, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.reaction_set(comment=posted, reader=other)
        services.reaction_set(comment=posted, reader=other)  # reacting again changes nothing
        services.reaction_remove(comment=posted, reader=other)
    assert heard == [("reaction_added", posted.pk, {"reader": "otto"})]


def test_deleting_a_published_comment_is_announced_and_a_second_delete_is_not(
    posted, author, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_delete(comment=posted, actor=author)
        services.comment_delete(comment=posted, actor=author)
    assert heard == [("comment_removed", posted.pk, {})]


def test_nothing_is_announced_before_the_commit_nor_for_a_rollback(
    posted, moderator, other, heard, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.comment_feature(comment=posted, actor=moderator)
        services.reaction_set(comment=posted, reader=other)
        assert heard == []  # queued for the commit, not sent
        raise RuntimeError("the request failed after all")
    assert heard == []
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_feature(comment=posted, actor=moderator)
    assert heard == [("comment_featured", posted.pk, {})]
