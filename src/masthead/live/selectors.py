"""Reads for the live endpoints: which stream a viewer may follow."""

from django.core.cache import cache

from masthead.live.events import article_stream
from masthead.newsroom import selectors as newsroom

# Polls arrive every few seconds from every open page: remember for a moment which
# published article a slug names, so an anonymous poll costs no database query.
_VISIBLE_SECONDS = 10


def article_stream_get(*, viewer, slug: str) -> str:
    """The stream of an article ``viewer`` may read (``NotFound`` otherwise)."""
    anonymous = not getattr(viewer, "is_authenticated", False)
    key = f"live:article:{slug}"
    if anonymous:
        article_id = cache.get(key)
        if article_id is not None:
            return article_stream(article_id)
    article = newsroom.article_get_visible(viewer=viewer, slug=slug)
    if anonymous and article.is_published:
        cache.set(key, article.pk, _VISIBLE_SECONDS)
    return article_stream(article.pk)
