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


def row_dict(row: dict, *, article_slug: str, url: str, badges: dict[int, list[str]]) -> dict:
    """``comment_dict`` for a row of ``selectors.thread_rows`` (the API's list), as an
    anonymous reader sees it: ``mark_for_viewer`` adds what a signed-in viewer's says."""
    deleted = row["deleted_at"] is not None
    author_id = row["author_id"]
    author = None
    if not deleted and author_id is not None:
        author = {
            "username": row["author__username"],
            "display_name": row["author__display_name"] or row["author__username"],
            "badges": list(badges.get(author_id, [])),
        }
    return {
        "id": row["id"],
        "article_slug": article_slug,
        "parent_id": row["parent_id"],
        "depth": row["depth"],
        "author": author,
        "body_html": "" if deleted else row["body_html"],
        "created_at": row["created_at"],
        "edited_at": row["edited_at"],
        "status": row["status"],
        "reaction_count": row["reaction_count"],
        "reacted": False,
        "reply_count": row["reply_count"],
        "featured": row["featured_at"] is not None,
        "deleted": deleted,
        "url": url,
        "followed": False,
        "ignored": False,
    }


def mark_for_viewer(
    item: dict,
    *,
    author_id: int | None,
    viewer_id: int,
    reacted: set[int],
    followed: set[int],
    ignored: set[int],
) -> None:
    """What a list's item (``row_dict``, or the same read back from JSON) says about the
    signed-in viewer, as ``comment_dict`` says it of a decorated comment: whether they
    reacted to it, follow its author, or ignore them (its words withheld in lists)."""
    item["reacted"] = item["id"] in reacted
    if item["deleted"] or author_id is None or author_id == viewer_id:
        return
    item["followed"] = author_id in followed
    if author_id in ignored:
        item["ignored"] = True
        item["body_html"] = ""
