"""What services call to tell readers' open pages that something changed.

Only services publish, and only after their transaction commits (a rolled-back comment
must never reach a reader). Streams are per article: ``article:<id>``.
"""

from django.db import transaction

from masthead.live.bus import get_bus

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
    """Publish ``event`` with ``data`` (the JSON object concerned) once the transaction commits."""
    if event not in EVENT_TYPES:
        raise ValueError(f"Unknown live event type {event!r}")
    stream = article_stream(article_id)
    transaction.on_commit(lambda: get_bus().publish(stream, event, data))
