"""A comment as the API and live events show it (shared API.md, Comments)."""

from masthead.comments.models import Comment


def author_dict(comment: Comment) -> dict | None:
    if comment.is_deleted or comment.author is None:
        return None
    author = comment.author
    return {
        "username": author.username,
        "display_name": author.display_name or author.username,
        "badges": list(getattr(comment, "badges", [])),
    }


def comment_dict(comment: Comment, *, url: str | None = None, reveal_ignored: bool = False) -> dict:
    """``comment`` decorated by ``selectors.decorate`` (badges, reacted); ``url``: its
    permalink when the caller already has it (``get_absolute_url()`` otherwise).

    A comment by a reader the viewer ignores is marked ``ignored`` and its words withheld
    (pages show it collapsed, "A comment from a reader you ignore"), so a list keeps its
    place and a client that knows nothing of ignoring still shows nothing of it;
    ``reveal_ignored``: the viewer asked for that one comment (its "Show it").
    """
    deleted = comment.is_deleted
    ignored = bool(getattr(comment, "author_ignored", False))
    return {
        "id": comment.pk,
        "article_slug": comment.article.slug,
        "parent_id": comment.parent_id,
        "depth": comment.depth,
        "author": author_dict(comment),
        "body_html": "" if deleted or (ignored and not reveal_ignored) else comment.body_html,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "status": comment.status,
        "reaction_count": comment.reaction_count,
        "reacted": bool(getattr(comment, "reacted", False)),
        "reply_count": comment.reply_count,
        "featured": comment.featured_at is not None,
        "deleted": deleted,
        "url": url if url is not None else comment.get_absolute_url(),
        "followed": bool(getattr(comment, "from_followed", False)),
        "ignored": ignored,
    }
