"""Signals other apps listen to (notifications, the moderation desk), so comments never
has to know about them. Connect receivers in your AppConfig.ready(). Every one is sent
after the transaction that caused it commits (``send_on_commit``), so a receiver sees the
change in the database, and nothing is announced for a change that was rolled back.
"""

from django.db import transaction
from django.dispatch import Signal

comment_published = Signal()
"""A comment joined the published conversation: posted and published at once, approved by
a moderator, or an edit that moderation let through.

Arguments: ``sender`` (the Comment class), ``comment`` (the Comment).
For the notification fan-out: replies, mentions, followers.
"""

comment_reported = Signal()
"""A reader reported a comment for the first time.

Arguments: ``sender`` (the Comment class), ``comment`` (the Comment), ``report`` (the Report).
"""

comment_featured = Signal()
"""A moderator featured a comment (not sent when it is unfeatured).

Arguments: ``sender`` (the Comment class), ``comment`` (the Comment).
"""

comment_rejected = Signal()
"""A comment was rejected: by a moderator (``comment_reject``), or by the moderation
pipeline when it was posted or edited.

Arguments: ``sender`` (the Comment class), ``comment`` (the Comment), ``reason`` (str, the
moderator's or the pipeline's reason; may be empty).
"""

reaction_added = Signal()
"""A reader reacted to a comment: sent for a new reaction only (reacting again changes
nothing and sends nothing; taking a reaction back sends nothing).

Arguments: ``sender`` (the Comment class), ``comment`` (the Comment), ``reader`` (who reacted).
"""

comment_removed = Signal()
"""A published comment left the conversation: deleted (by its author or a moderator),
rejected by a moderator, or edited into a state moderation holds back. The same moments
the live bus announces ``comment.removed``. (An account's erasure, which turns every
comment of the reader into a tombstone at once, sends ``accounts.signals.reader_deleting``
instead.)

Arguments: ``sender`` (the Comment class), ``comment`` (the Comment).
"""


def send_on_commit(signal: Signal, **kwargs) -> None:
    from masthead.comments.models import Comment

    # robust: a receiver failing after the commit is logged, not a 500 for a stored comment.
    transaction.on_commit(lambda: signal.send(sender=Comment, **kwargs), robust=True)
