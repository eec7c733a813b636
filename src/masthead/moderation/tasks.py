"""Background work for the moderators' desk: snapshots of the queues' sizes.

The editors' "queue size over time" is drawn from ``QueueSnapshot`` rows. One is taken by
``snapshot_queues``, queued at most every ``SNAPSHOT_SECONDS`` while anyone has the desk
open (its count poll calls :func:`snapshot_soon`), and by ``masthead moderation_snapshot``
for cron, so a quiet night is measured too.
"""

from django.core.cache import cache
from django.tasks import task

SNAPSHOT_SECONDS = 10 * 60
_DUE_KEY = "moderation:snapshot-due"


@task
def snapshot_queues() -> dict:
    from masthead.moderation.metrics import take_snapshot

    snapshot = take_snapshot()
    return {"pending": snapshot.pending, "reported": snapshot.reported}


def snapshot_soon() -> bool:
    """Queue a snapshot unless one was queued in the last SNAPSHOT_SECONDS (one cache write
    decides, across every process)."""
    if not cache.add(_DUE_KEY, 1, SNAPSHOT_SECONDS):
        return False
    snapshot_queues.enqueue()
    return True
