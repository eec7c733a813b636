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


def comment_dict(comment: Comment, *, url: str | None = None) -> dict:
    """``comment`` decorated by ``selectors.decorate`` (badges, reacted); ``url``: its
    permalink when the caller already has it (``get_absolute_url()`` otherwise)."""
    deleted = comment.is_deleted
    return {
        "id": comment.pk,
        "article_slug": comment.article.slug,
        "parent_id": comment.parent_id,
        "depth": comment.depth,
        "author": author_dict(comment),
        "body_html": "" if deleted else comment.body_html,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "status": comment.status,
        "reaction_count": comment.reaction_count,
        "reacted": bool(getattr(comment, "reacted", False)),
        "reply_count": comment.reply_count,
        "featured": comment.featured_at is not None,
        "deleted": deleted,
        "url": url if url is not None else comment.get_absolute_url(),
    }
