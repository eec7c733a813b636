"""What notifications need to know about comments, read through the comments app.

Everything the community app asks of the conversation goes through this module, so the
two apps meet in one place: the fan-out asks what a comment is and who may see it, the
notification list asks which comments are still there. Nothing here writes.
"""

import html
import re
from dataclasses import dataclass

import nh3
from django.db.models import Exists, OuterRef, Q

from masthead.core.pagination import Page, bad_cursor, clamp_limit, decode_cursor, encode_cursor, keyset_page

_BLOCK = re.compile(r"<\s*/?\s*(?:p|br|li|blockquote|ul|ol)\b[^>]*>", re.IGNORECASE)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_URL = re.compile(r"(?:https?://|ftp://|mailto:|www\.)\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w@/])@([A-Za-z0-9_]{3,30})\b")
EXCERPT_LENGTH = 240
_INFO_FIELDS = (
    "id", "author_id", "parent_id", "parent__author_id", "parent__deleted_at", "article_id",
    "article__headline", "article__status", "article__published_at", "body", "body_html", "status",
    "deleted_at", "moderation_reason", "reaction_count",
)  # fmt: skip


@dataclass(frozen=True)
class CommentInfo:
    id: int
    author_id: int | None
    parent_id: int | None
    parent_author_id: int | None
    article_id: int
    article_headline: str
    body: str  # the Markdown source the reader wrote
    body_html: str
    status: str
    deleted: bool
    article_public: bool
    moderation_reason: str
    reaction_count: int

    @property
    def visible(self) -> bool:
        """Everyone may see it: published, not deleted, on a published article."""
        return self.status == "published" and not self.deleted and self.article_public


def comment_info(comment_id: int) -> CommentInfo | None:
    from masthead.comments.models import Comment

    row = (
        Comment.objects.select_related("article", "parent").only(*_INFO_FIELDS).filter(pk=comment_id).first()
    )
    if row is None:
        return None
    parent = row.parent
    return CommentInfo(
        id=row.pk,
        author_id=row.author_id,
        parent_id=row.parent_id,
        parent_author_id=parent.author_id if parent is not None and parent.deleted_at is None else None,
        article_id=row.article_id,
        article_headline=row.article.headline,
        body=row.body,
        body_html=row.body_html,
        status=row.status,
        deleted=row.deleted_at is not None,
        article_public=row.article.is_published,
        moderation_reason=row.moderation_reason,
        reaction_count=row.reaction_count,
    )


def current_excerpts(comment_ids) -> dict[int, str]:
    """Each comment's words as they read now (an edit since the notification shows), in one query."""
    from masthead.comments.models import Comment

    ids = [pk for pk in set(comment_ids) if pk]
    if not ids:
        return {}
    rows = Comment.objects.filter(pk__in=ids, deleted_at__isnull=True).values_list("pk", "body_html")
    return {pk: plain_excerpt(body_html) for pk, body_html in rows}


def reactions_from(*, comment_id: int, excluding_reader_ids: set[int]) -> tuple[int, int | None]:
    """(how many readers reacted to the comment, the latest of them), leaving out some."""
    from masthead.comments.models import Reaction

    reactions = Reaction.objects.filter(comment_id=comment_id).exclude(reader_id__in=excluding_reader_ids)
    latest = reactions.order_by("-created_at", "-id").values_list("reader_id", flat=True).first()
    return (reactions.count() if latest is not None else 0), latest


def comment_still_visible() -> Exists:
    """For a query over notifications: is the comment it names still published and there?"""
    from masthead.comments.models import Comment

    return Exists(
        Comment.objects.filter(
            pk=OuterRef("comment_id"), status=Comment.Status.PUBLISHED, deleted_at__isnull=True
        )
    )


def visible_filter(always_kinds: tuple[str, ...]) -> Q:
    """Notifications about nothing, of ``always_kinds``, or about a still-visible comment."""
    return Q(comment_id__isnull=True) | Q(kind__in=always_kinds) | Q(comment_still_visible())


def comment_url(*, article, comment_id: int) -> str:
    """A comment's permalink (comments' own ``Comment.get_absolute_url``, from its parts)."""
    return f"{article.get_absolute_url()}?comment={comment_id}#comment-{comment_id}"


def mentioned_usernames(body: str, *, limit: int) -> list[str]:
    """``@names`` in a comment's source, in order, each once, at most ``limit``."""
    seen: dict[str, str] = {}
    for name in _MENTION.findall(body or ""):
        seen.setdefault(name.casefold(), name)
        if len(seen) >= limit:
            break
    return list(seen.values())


def plain_excerpt(body_html: str, *, length: int = EXCERPT_LENGTH) -> str:
    """The words of a comment as plain text for a notification or an email: no markup, no
    links (a link's words stay, its address goes, and so does any address typed out), no
    images, on one line, cut at a word near ``length``."""
    text = html.unescape(nh3.clean(_BLOCK.sub(" ", body_html or ""), tags=set()))
    text = _URL.sub("", _IMAGE.sub("", text))
    text = " ".join(text.split())
    if len(text) > length:
        text = text[:length].rsplit(" ", 1)[0].rstrip(",;:.!?-") + "…"
    return text


# --- Lists of comments across articles: the following feed and a reader's comments.

_LISTED_FIELDS = (
    "id", "article_id", "author_id", "parent_id", "depth", "path", "body_html", "status", "created_at",
    "edited_at", "deleted_at", "featured_at", "reaction_count", "reply_count",
    "author__id", "author__username", "author__display_name", "author__is_active",
    "article__id", "article__slug", "article__headline", "article__status", "article__published_at",
    "parent__id", "parent__author_id", "parent__status", "parent__deleted_at", "parent__body_html",
    "parent__author__id", "parent__author__username", "parent__author__display_name",
)  # fmt: skip
LIST_ORDER = ("-created_at", "-id")
# The feed's T is the latest comment ranked this many pages down among the readers followed:
# a few of the newest may be on a story no longer public, and a page's worth more costs a
# few index rows, where looking again costs two queries.
THRESHOLD_RANK = 2


def _listed():
    from masthead.comments.models import Comment

    return Comment.objects.select_related("article", "author", "parent", "parent__author").only(
        *_LISTED_FIELDS
    )


def _public(comments):
    """Published, not deleted, on a story everyone may read."""
    from django.utils import timezone

    from masthead.comments.models import Comment
    from masthead.newsroom.models import Article

    return comments.filter(
        status=Comment.Status.PUBLISHED,
        deleted_at__isnull=True,
        article__status=Article.Status.PUBLISHED,
        article__published_at__lte=timezone.now(),
    )


def published_comments_by(author_ids, *, excluding_author_ids=None):
    """Published, undeleted comments by ``author_ids`` (a list or a subquery of ids) on
    published articles, with their article, author and parent."""
    comments = _public(_listed().filter(author_id__in=author_ids))
    if excluding_author_ids is not None:
        comments = comments.exclude(author_id__in=excluding_author_ids)
    return comments


def reader_comment_page(*, author_id: int, cursor: str | None, limit: int | None):
    """One reader's published comments, newest first: a range scan of the comments'
    (author, status, created_at, id) index, whatever the size of the table."""
    return keyset_page(published_comments_by([author_id]), order=LIST_ORDER, cursor=cursor, limit=limit)


def feed_page(*, follower_id: int, cursor: str | None, limit: int | None):
    """The latest published comments by the readers ``follower_id`` follows (leaving out
    those they ignore), newest first, each with its article, author and parent: the same
    few queries however many readers they follow and however many comments there are.

    On PostgreSQL the page's ids come from two index-driven queries (``feed_sql``), each a
    LATERAL join that probes the comments' (author, status, created_at, id) index once per
    reader followed, reading a row or two each, never all their comments: first the time of
    each one's latest comment, and of those the page-size-th newest, T (at least a page of
    comments is that new, so the page is among them); then each one's comments since T. That
    stays a few milliseconds for a reader following a thousand readers in a million
    comments (bench/community_feed.py, docs/benchmarks.md), where "every comment by anyone I
    follow, sorted" reads and sorts all of them. Elsewhere (SQLite, in development) the plain
    query does.
    """
    from django.db import connection

    size = clamp_limit(limit)
    scope = ",".join(LIST_ORDER)
    after = decode_cursor(cursor, 2, scope=scope) if cursor else None
    if connection.vendor == "postgresql":
        ids = _feed_ids(follower_id=follower_id, after=after, size=size + 1)
        by_id = _listed().in_bulk(ids)
        rows = [by_id[pk] for pk in ids if pk in by_id]
    else:
        from masthead.community.models import Follow, Ignore

        followed = Follow.objects.filter(follower_id=follower_id).values("followed_id")
        ignored = Ignore.objects.filter(reader_id=follower_id).values("ignored_id")
        comments = published_comments_by(followed, excluding_author_ids=ignored).order_by(*LIST_ORDER)
        if after is not None:
            comments = comments.filter(_before(after))
        rows = list(comments[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = encode_cursor([rows[-1].created_at, rows[-1].pk], scope=scope)
    return Page(items=rows, next_cursor=next_cursor)


def _before(after: list) -> Q:
    created_at, pk = _cursor_values(after)
    return Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=pk)


def _cursor_values(after: list):
    from django.utils.dateparse import parse_datetime

    created_at, pk = after
    when = parse_datetime(created_at) if isinstance(created_at, str) else None
    if when is None or not isinstance(pk, int):
        raise bad_cursor()
    return when, pk


def _feed_ids(*, follower_id: int, after: list | None, size: int) -> list[int]:
    """Up to ``size`` ids of the feed's next comments, newest first (PostgreSQL)."""
    from django.db import connection

    def run(sql: str, params: dict) -> list:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    rank = size * THRESHOLD_RANK
    for _ in range(3):
        found = run(*feed_sql("threshold", follower_id=follower_id, after=after, size=rank))
        threshold = found[0][0] if found else None
        ids = [
            row[0]
            for row in run(
                *feed_sql("page", follower_id=follower_id, after=after, size=size, since=threshold)
            )
        ]
        if len(ids) == size or threshold is None:
            return ids
        # Many of the newest are on stories no longer public: look further back.
        rank *= 8
    return [row[0] for row in run(*feed_sql("page", follower_id=follower_id, after=after, size=size))]


def feed_sql(step: str, *, follower_id: int, after: list | None, size: int, since=None) -> tuple[str, dict]:
    """The PostgreSQL queries behind a feed page, and their parameters (EXPLAIN them to see
    the plan: one ``comment_author_idx`` index scan per reader followed, a row or two each).

    ``threshold``: T, the ``size``-th newest of the followed readers' latest comments (none
    when fewer than ``size`` of them ever commented). ``page``: the ids of the newest
    ``size`` comments by them since ``since`` (all, without it), on public stories.
    """
    from django.utils import timezone

    from masthead.comments.models import Comment
    from masthead.community.models import Follow, Ignore
    from masthead.newsroom.models import Article

    params: dict = {
        "follower": follower_id,
        "published": Comment.Status.PUBLISHED,
        "size": size,
    }
    keyset = ""
    if after is not None:
        params["before_at"], params["before_id"] = _cursor_values(after)
        keyset = "AND (c.created_at, c.id) < (%(before_at)s, %(before_id)s)"
    # The readers followed, less those ignored.
    followed = f"""
        f.follower_id = %(follower)s AND NOT EXISTS (
            SELECT 1 FROM {Ignore._meta.db_table} i
            WHERE i.reader_id = f.follower_id AND i.ignored_id = f.followed_id
        )
    """  # noqa: S608 - table names from the models; every value is a parameter
    if step == "threshold":
        params["offset"] = size - 1
        sql = f"""
            SELECT latest.created_at FROM {Follow._meta.db_table} f
            CROSS JOIN LATERAL (
                SELECT c.created_at FROM {Comment._meta.db_table} c
                WHERE c.author_id = f.followed_id AND c.status = %(published)s AND c.deleted_at IS NULL
                  {keyset}
                ORDER BY c.created_at DESC, c.id DESC
                LIMIT 1
            ) latest
            WHERE {followed}
            ORDER BY latest.created_at DESC
            LIMIT 1 OFFSET %(offset)s
        """  # noqa: S608
        return sql, params
    params |= {"article_published": Article.Status.PUBLISHED, "now": timezone.now()}
    recent = ""
    if since is not None:
        params["since"] = since
        recent = "AND c.created_at >= %(since)s"
    sql = f"""
        SELECT page.id FROM {Follow._meta.db_table} f
        CROSS JOIN LATERAL (
            SELECT c.id, c.created_at FROM {Comment._meta.db_table} c
            JOIN {Article._meta.db_table} a ON a.id = c.article_id
            WHERE c.author_id = f.followed_id AND c.status = %(published)s AND c.deleted_at IS NULL
              AND a.status = %(article_published)s AND a.published_at <= %(now)s {keyset} {recent}
            ORDER BY c.created_at DESC, c.id DESC
            LIMIT %(size)s
        ) page
        WHERE {followed}
        ORDER BY page.created_at DESC, page.id DESC
        LIMIT %(size)s
    """  # noqa: S608
    return sql, params


def decorate_for(comments: list, *, viewer) -> list:
    """Badges and the viewer's reactions, as the comments app shows them on a thread, for
    comments spread over many articles: a constant number of queries."""
    from masthead.comments.selectors import decorate_across

    return decorate_across(comments, viewer=viewer)


def comment_as_dict(comment) -> dict:
    """The comment object of the API contract (comments' own serializer)."""
    from masthead.comments.serialize import comment_dict

    return comment_dict(comment)
