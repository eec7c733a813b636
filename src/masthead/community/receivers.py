"""Reactions to other apps' signals, connected in CommunityConfig.ready().

The comments app announces what happens to comments (``masthead.comments.signals``), after
its transaction commits; each receiver queues the matching fan-out task and returns, so
the comment's request never waits for notifications.
"""

from masthead.community import tasks
from masthead.community.models import Notification


def on_comment_published(sender, comment, **kwargs) -> None:
    tasks.enqueue_on_commit(tasks.notify_comment_published, comment_id=comment.pk)


def on_comment_featured(sender, comment, **kwargs) -> None:
    tasks.enqueue_on_commit(tasks.notify_comment_featured, comment_id=comment.pk)


def on_comment_rejected(sender, comment, reason: str = "", **kwargs) -> None:
    tasks.enqueue_on_commit(tasks.notify_comment_rejected, comment_id=comment.pk, reason=reason or "")


def on_reaction_added(sender, comment, **kwargs) -> None:
    tasks.reaction_changed(comment_id=comment.pk)


def on_comment_removed(sender, comment, **kwargs) -> None:
    """What was told about it stops being shown at once (``selectors`` hide it); the bells
    that counted it are recounted, from a task: a comment may have reached 50,000 readers."""
    tasks.enqueue_on_commit(tasks.forget_unread_about, comment_id=comment.pk)


# Signal name in masthead.comments.signals → receiver. A signal the comments app does not
# declare (yet) is simply not connected.
COMMENT_SIGNALS = {
    "comment_published": on_comment_published,
    "comment_featured": on_comment_featured,
    "comment_rejected": on_comment_rejected,
    "reaction_added": on_reaction_added,
    "comment_removed": on_comment_removed,
}


def connect_comments() -> None:
    try:
        from masthead.comments import signals
    except ImportError:  # an install without the comments app has nothing to notify about
        return
    for name, receiver in COMMENT_SIGNALS.items():
        signal = getattr(signals, name, None)
        if signal is not None:
            signal.connect(receiver, dispatch_uid=f"masthead.community.{name}")


def on_reader_deleting(sender, reader, **kwargs) -> None:
    """A reader's account is going. Their follows, ignores, options, settings, digests and
    notifications go with the row (CASCADE); what others were told about them goes too,
    rather than stay behind as "a former reader"."""
    Notification.objects.filter(actor_id=reader.pk).delete()
