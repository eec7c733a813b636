"""Background work for the community: notification fan-out, emails, the daily digest.

Nothing here runs in a request. Services and signal receivers queue these with their
transaction (``enqueue_on_commit``: in it with the database queue, after it otherwise),
so a reader with 50,000 followers posting a comment gets their answer as fast as anyone:
the request queues one task, and the workers walk the followers in batches
(``COMMUNITY_FANOUT_BATCH_SIZE``), each batch one task that queues the next. Every task
may run twice without telling anyone twice (``community.fanout``, ``community.emails``):
a task whose worker died is run again (``core/tasks_recovery``), and two workers may
happen on the same batch.

The daily digest: ``masthead send_digests`` (from cron, once a day) queues
``send_daily_digests``, which queues one ``send_digest`` per reader with something waiting.
"""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, router, transaction
from django.tasks import task
from django.utils import timezone

from masthead.community import emails, fanout, selectors

log = logging.getLogger(__name__)

EMAIL_CHUNK = 200  # notifications per email task: one SMTP connection each


def enqueue_on_commit(queued_task, **kwargs) -> None:
    """Queue ``queued_task`` with the current transaction's writes, or once it commits.

    With the database queue on the database being written (the default setup), inside a
    transaction, the task's row is written in that transaction: it commits with the write
    or not at all (an outbox), so a crash or a failed insert between the commit and the
    queuing cannot lose it. Any other backend (Redis, the tests' ImmediateBackend, a queue
    on another database) is queued after the commit, and never before: a worker must not
    run a task about a row it cannot see yet."""
    if _queues_in_this_transaction(queued_task):
        queued_task.enqueue(**kwargs)
        return
    # robust: the write it follows has committed; failing to queue (a full disk, a database
    # blip) is logged, never turned into a 500 for a request whose write succeeded.
    transaction.on_commit(lambda: queued_task.enqueue(**kwargs), robust=True)


def _queues_in_this_transaction(queued_task) -> bool:
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = getattr(queued_task, "get_backend", None)  # anything with .enqueue() will do
    if backend is None or not isinstance(backend(), DatabaseBackend):
        return False
    using = router.db_for_write(DBTaskResult)
    return using == DEFAULT_DB_ALIAS and transaction.get_connection(using).in_atomic_block


def _email_soon(notification_ids: list[int]) -> None:
    for start in range(0, len(notification_ids), EMAIL_CHUNK):
        email_notifications.enqueue(notification_ids=notification_ids[start : start + EMAIL_CHUNK])


# --- Fan-out.


@task
def notify_new_follower(*, follower_id: int, followed_id: int) -> int:
    found = fanout.notify_new_follower(follower_id=follower_id, followed_id=followed_id)
    _email_soon(found)
    return len(found)


@task
def notify_comment_published(*, comment_id: int) -> int:
    """Replies and mentions now; the author's followers in batches after."""
    found = fanout.notify_comment_published(comment_id=comment_id)
    _email_soon(found)
    notify_followers.enqueue(comment_id=comment_id, after=0)
    return len(found)


@task
def notify_followers(*, comment_id: int, after: int = 0) -> int:
    batch = fanout.notify_followers(comment_id=comment_id, after=after)
    _email_soon(batch.emails)
    if batch.next_after is not None:
        notify_followers.enqueue(comment_id=comment_id, after=batch.next_after)
    return len(batch.emails)


@task
def notify_reaction(*, comment_id: int) -> int:
    found = fanout.notify_reaction(comment_id=comment_id)
    _email_soon(found)
    return len(found)


def reaction_changed(*, comment_id: int) -> None:
    """A reader reacted to a comment. Reactions are told in batches: the first of a burst
    queues one count, ``COMMUNITY_REACTION_BATCH_SECONDS`` later, that takes in the rest
    ("12 readers respected your comment"), where the task backend can run a task later."""
    delay = settings.COMMUNITY_REACTION_BATCH_SECONDS
    if delay <= 0 or not notify_reaction.get_backend().supports_defer:
        enqueue_on_commit(notify_reaction, comment_id=comment_id)
        return
    if cache.add(f"community:reaction-batch:{comment_id}", 1, timeout=delay):
        later = notify_reaction.using(run_after=timezone.now() + timedelta(seconds=delay))
        enqueue_on_commit(later, comment_id=comment_id)


@task
def notify_comment_featured(*, comment_id: int) -> int:
    found = fanout.notify_comment_featured(comment_id=comment_id)
    _email_soon(found)
    return len(found)


@task
def notify_comment_rejected(*, comment_id: int, reason: str = "") -> int:
    found = fanout.notify_comment_rejected(comment_id=comment_id, reason=reason)
    _email_soon(found)
    return len(found)


@task
def forget_unread_about(*, comment_id: int) -> int:
    """A comment left the conversation: the readers with an unread notification about it
    see their bell counted afresh (the notification itself is hidden from then on)."""
    return selectors.forget_unread_about(comment_id=comment_id)


# --- Email.


@task
def email_notifications(*, notification_ids: list[int]) -> int:
    return emails.send_now(notification_ids=notification_ids)


@task
def send_digest(*, reader_id: int, day: str) -> int:
    return emails.send_digest(reader_id=reader_id, day=date.fromisoformat(day))


def daily_digests(*, day: str | None = None, inline: bool = False) -> int:
    """Queue (``inline``: send here) today's digest for every reader with something waiting
    for it, and send any immediate email whose own task was lost. Running it twice a day
    sends nothing twice."""
    day = day or timezone.localdate().isoformat()
    count = 0
    for reader_id in selectors.readers_with_pending_digest().iterator(chunk_size=2000):
        if inline:
            count += bool(emails.send_digest(reader_id=reader_id, day=date.fromisoformat(day)))
        else:
            send_digest.enqueue(reader_id=reader_id, day=day)
            count += 1
    overdue = emails.overdue_email_now_ids()
    if inline:
        emails.send_now(notification_ids=overdue)
    else:
        _email_soon(overdue)
    log.info("daily digests for %s: %d reader(s)", day, count)
    return count


@task
def send_daily_digests(*, day: str | None = None) -> int:
    return daily_digests(day=day)
