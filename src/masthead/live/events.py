"""What services call to tell readers' open pages that something changed.

Only services publish, and only after their transaction commits (a rolled-back comment
must never reach a reader). Streams are per article: ``article:<id>``.

The events and their ``data`` (shared API.md, "Live events"):

- ``comment.published`` / ``comment.edited`` / ``comment.featured``: the comment object, as
  the comments API returns it (``featured`` says which way a featuring went);
- ``comment.removed``: at least ``{"id": …}`` (the tombstone, ``deleted: true``);
- ``story.update``: a live story's update ``{id, posted_at, author, headline, body_html}``,
  new or edited; ``{"id": …, "deleted": true}`` when an editor deletes one.
"""

import time

from django.db import transaction

from masthead.live.bus import get_bus, id_at, safely

# A page's first connection replays this much from before the page was rendered.
PAGE_REPLAY_SECONDS = 30

EVENT_TYPES = (
    "comment.published",
    "comment.edited",
    "comment.removed",
    "comment.featured",
    "story.update",
)


def article_stream(article_id: int) -> str:
    return f"article:{article_id}"


def publish_on_commit(*, article_id: int, event: str, data: dict) -> None:
    """Publish ``event`` with ``data`` (the JSON object concerned) once the transaction commits.

    Outside a transaction it is sent at once. If Redis is down the event is held in the
    database and sent when Redis is back (docs/live.md, "Redis outages"); whatever else goes
    wrong is logged, and the write still stands.
    """
    if event not in EVENT_TYPES:
        raise ValueError(f"Unknown live event type {event!r}")
    stream = article_stream(article_id)
    transaction.on_commit(lambda: safely(lambda: get_bus().publish(stream, event, data)))


def page_cursor() -> str:
    """Where a page just rendered should start listening.

    A little before now, so its first connection replays anything that committed while the
    page was being rendered (or cached, or in transit); the page applies events
    idempotently, so what it already shows is simply skipped.
    """
    return id_at(time.time() - PAGE_REPLAY_SECONDS)
