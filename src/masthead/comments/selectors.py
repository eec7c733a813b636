"""Every read of the conversation, with who-may-see-what built in.

Visibility: a published comment is for everyone; a pending or rejected one only for its
author and moderators; a deleted one stays in its place as a tombstone (no author, no
words). Lists (thread pages, replies) hold published comments only, the same for every
viewer, which is what lets a thread's first page be cached whoever asks; a reader's own
comments awaiting moderation are listed apart (``viewer_pending``).

A thread page costs the same few queries however many comments it shows: one for the
top-level comments, one for the first replies of all of them (a window function), one
per badge provider, and one for the viewer's reactions.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from masthead.accounts.roles import ADMIN, MODERATOR, STAFF_ROLES
from masthead.comments.models import Comment, Reaction, Thread
from masthead.core import pagecache
from masthead.core.badges import badges_for
from masthead.core.errors import MastheadError, NotFound
from masthead.core.pagination import Page, encode_cursor, keyset_page
from masthead.newsroom.models import Article

SORTS = {
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "top": ("-reaction_count", "-id"),
    "featured": ("-featured_at", "-id"),
}
DEFAULT_SORT = "newest"
REPLY_ORDER = ("created_at", "id")
REPLY_SCOPE = ",".join(REPLY_ORDER)  # a replies cursor's scope
REPLIES_SHOWN = 3  # under each top-level comment on a thread page
MAX_REPLIES_SHOWN = 100  # what an API client may ask for instead (``replies=``)
PAGE_SIZE = 20
MAX_INDENT = 3  # replies deeper than this show flat, "replying to @name"

# Everything a page shows about an author, and nothing else: rows may be cached (Redis), and
# an email address or a password hash has no business there.
_AUTHOR_FIELDS = ("author__id", "author__username", "author__display_name", "author__is_active")
_COMMENT_FIELDS = (
    "id", "article_id", "author_id", "parent_id", "depth", "path", "body", "body_html", "status",
    "moderation_reason", "created_at", "edited_at", "deleted_at", "deleted_by", "featured_at",
    "reaction_count", "reply_count",
)  # fmt: skip


def thread_key(article_id: int) -> str:
    """The page-cache version every cached view of an article's conversation depends on."""
    return f"thread:{article_id}"


def _comments() -> QuerySet:
    return Comment.objects.select_related("author").only(*_COMMENT_FIELDS, *_AUTHOR_FIELDS)


# --- Open or closed.


@dataclass(frozen=True)
class CommentsState:
    open: bool
    closes_at: datetime | None
    reason: str = ""  # "disabled" (editors turned them off), "expired", "unpublished"

    @property
    def notice(self) -> str:
        if self.reason == "disabled":
            return "Comments are closed on this story."
        if self.reason == "expired":
            return "Comments on this story are closed: conversations close a while after publication."
        if self.reason == "unpublished":
            return "Comments open when the story is published."
        if self.reason == "moderation":
            return "Comments are closed on this story."
        return ""


_UNSET = object()


def comments_state(article: Article, *, now: datetime | None = None) -> CommentsState:
    """Whether readers may comment on ``article`` now, and until when.

    The editors' switch on the article wins when it says closed; otherwise the thread's own
    closing time if an editor set one, else ``COMMENTS_CLOSE_AFTER_DAYS`` after publication
    (0: never by age). Uses the ``comment_closes_at`` annotation when the article has it
    (``with_comment_stats``), else one query.
    """
    now = now or timezone.now()
    if not article.comments_enabled:
        return CommentsState(open=False, closes_at=None, reason="disabled")
    if not article.is_published:
        return CommentsState(open=False, closes_at=None, reason="unpublished")
    if _closed_by_moderators(article):
        return CommentsState(open=False, closes_at=None, reason="moderation")
    closes_at = getattr(article, "comment_closes_at", _UNSET)
    if closes_at is _UNSET:
        closes_at = Thread.objects.filter(article=article).values_list("closes_at", flat=True).first()
    if closes_at is None and settings.COMMENTS_CLOSE_AFTER_DAYS > 0:
        closes_at = article.published_at + timedelta(days=settings.COMMENTS_CLOSE_AFTER_DAYS)
    if closes_at is not None and closes_at <= now:
        return CommentsState(open=False, closes_at=closes_at, reason="expired")
    return CommentsState(open=True, closes_at=closes_at)


def _closed_by_moderators(article: Article) -> bool:
    """The moderators closed this article, its section or the site (the moderation app's
    mode; one cache read per call, no query)."""
    if not apps.is_installed("masthead.moderation"):
        return False
    from masthead.moderation.selectors import comments_closed_by_moderation

    return comments_closed_by_moderation(article)


def with_comment_stats(articles: QuerySet) -> QuerySet:
    """Annotate ``comment_count`` and ``comment_closes_at`` (for listings: no query per row)."""
    return articles.annotate(
        comment_count=Coalesce(F("comment_thread__comment_count"), 0),
        comment_closes_at=F("comment_thread__closes_at"),
    )


def article_for_comments(*, viewer, slug: str) -> Article:
    """The article a comments call is about, by slug, with the visibility rule of
    ``newsroom.selectors.article_get_visible`` (published, or an editor previewing) but none
    of its byline and tag prefetches: one query, with ``comment_count`` and
    ``comment_closes_at`` annotated."""
    from masthead.newsroom.selectors import can_preview

    article = with_comment_stats(Article.objects.filter(slug=slug)).first()
    if article is None or not (article.is_published or can_preview(viewer)):
        raise NotFound("No article by that name.")
    return article


def article_comment_count(article: Article) -> int:
    count = getattr(article, "comment_count", None)
    if count is None:
        count = Thread.objects.filter(article=article).values_list("comment_count", flat=True).first() or 0
    return count


# --- Who may see what.


def viewer_is_moderator(viewer) -> bool:
    """Moderators and admins see comments awaiting moderation or rejected; remembered."""
    if not getattr(viewer, "is_authenticated", False):
        return False
    cached = getattr(viewer, "_masthead_is_moderator", None)
    if cached is None:
        cached = viewer.is_superuser or viewer.groups.filter(name__in=(MODERATOR, ADMIN)).exists()
        viewer._masthead_is_moderator = cached
    return cached


def can_see(viewer, comment: Comment) -> bool:
    if comment.status == Comment.Status.PUBLISHED:
        return True
    viewer_id = getattr(viewer, "pk", None) if getattr(viewer, "is_authenticated", False) else None
    return (viewer_id is not None and comment.author_id == viewer_id) or viewer_is_moderator(viewer)


def _article_visible(viewer, article: Article) -> bool:
    from masthead.newsroom.selectors import can_preview

    return article.is_published or can_preview(viewer)


def comment_get_visible(*, viewer, comment_id: int) -> Comment:
    """One comment the viewer may see (on an article they may see); NotFound otherwise."""
    comment = (
        _comments()
        .select_related("article", "parent__author")
        .only(
            *_COMMENT_FIELDS,
            *_AUTHOR_FIELDS,
            "article__id",
            "article__slug",
            "article__status",
            "article__published_at",
            "article__comments_enabled",
            "article__headline",
            "parent__id",
            "parent__author_id",
            "parent__deleted_at",
            "parent__depth",
            "parent__author__id",
            "parent__author__username",
            "parent__author__display_name",
        )
        .filter(pk=comment_id)
        .first()
    )
    if comment is None or not can_see(viewer, comment) or not _article_visible(viewer, comment.article):
        raise NotFound("No comment by that number.")
    return comment


# --- Decorating rows for a viewer.


def _reply_to_name(parent: Comment | None) -> str | None:
    if parent is None:
        return None
    if parent.is_deleted or parent.author is None:
        return "a deleted comment"
    return f"@{parent.author.username}"


def _shared_decoration(comments: list[Comment], *, article: Article, parents: dict | None = None) -> None:
    """What every viewer sees the same: badges, the article, "replying to" (cacheable)."""
    badges = badges_for(reader_ids={c.author_id for c in comments if not c.is_deleted}, article=article)
    parents = parents or {}
    for comment in comments:
        comment.article = article
        comment.badges = [] if comment.is_deleted else badges.get(comment.author_id, [])
        if comment.depth > MAX_INDENT:
            comment.replying_to = _reply_to_name(parents.get(comment.parent_id))
        else:
            comment.replying_to = None


def viewer_relations(viewer) -> tuple[set[int], set[int]]:
    """(the readers ``viewer`` follows, the readers they ignore), asked of the community app
    when it is installed: one query for both per request, remembered on the reader."""
    if not getattr(viewer, "is_authenticated", False) or not apps.is_installed("masthead.community"):
        return set(), set()
    from masthead.community.selectors import followed_ids, ignored_ids

    return followed_ids(viewer), ignored_ids(viewer)


def readers_refusing_followers(reader_ids: set[int]) -> set[int]:
    """Which of ``reader_ids`` take no followers (the community app's privacy option)."""
    if not apps.is_installed("masthead.community"):
        return set()
    from masthead.community.selectors import refusing_followers

    return refusing_followers(reader_ids)


def _viewer_decoration(comments: list[Comment], *, viewer) -> None:
    """What depends on who is looking: their reactions, what they may edit or delete,
    whether they follow the author ("From readers you follow") or ignore them (the comment
    shows collapsed). Applied to every row after the shared part, which may come from the
    cache: nothing here is ever cached, or seen by anyone but this viewer."""
    signed_in = getattr(viewer, "is_authenticated", False)
    reacted: set[int] = set()
    if signed_in and comments:
        reacted = set(
            Reaction.objects.filter(reader=viewer, comment_id__in=[c.pk for c in comments]).values_list(
                "comment_id", flat=True
            )
        )
    followed, ignored = viewer_relations(viewer) if comments else (set(), set())
    moderator = viewer_is_moderator(viewer) if signed_in else False
    window = timedelta(seconds=settings.COMMENT_EDIT_WINDOW_SECONDS)
    now = timezone.now()
    for comment in comments:
        own = signed_in and comment.author_id == viewer.pk
        comment.reacted = comment.pk in reacted
        comment.is_own = own and not comment.is_deleted
        comment.can_edit = comment.is_own and now < comment.created_at + window
        comment.edit_until = comment.created_at + window
        comment.can_delete = not comment.is_deleted and (own or moderator)
        comment.can_react = signed_in and not own and not comment.is_deleted and comment.is_published
        comment.can_reply = not comment.is_deleted and comment.is_published
        someone_else = signed_in and not own and not comment.is_deleted and comment.author_id is not None
        comment.from_followed = someone_else and comment.author_id in followed
        comment.author_ignored = someone_else and comment.author_id in ignored
        comment.can_follow = someone_else and comment.author_id not in followed
    # No Follow button beside a reader who takes no followers (one query, only for the
    # authors a button would be offered beside).
    offered = {c.author_id for c in comments if c.can_follow and not c.author_ignored}
    unwelcome = readers_refusing_followers(offered) if offered else set()
    for comment in comments:
        if comment.author_id in unwelcome:
            comment.can_follow = False


def _all(items: list[Comment]) -> list[Comment]:
    out = []
    for comment in items:
        out.append(comment)
        out.extend(_all(getattr(comment, "shown_replies", [])))
    return out


def decorate(comments: list[Comment], *, article: Article, viewer, parents: dict | None = None) -> list:
    """Badges, reactions and permissions for a list of rows: a constant number of queries."""
    _shared_decoration(comments, article=article, parents=parents)
    _viewer_decoration(comments, viewer=viewer)
    return comments


def decorate_across(comments: list[Comment], *, viewer) -> list:
    """``decorate`` for rows from many articles (a reader's feed, their comments page), each
    with its ``article`` loaded: the same constant number of queries however many articles.

    The badge providers are asked once without an article (staff, supporter); the one
    badge that depends on the article, "author", is found for every (reader, article) pair
    in one query, and placed where a thread page would show it (after "staff").
    """
    from masthead.comments.badges import article_authors

    authors = {c.author_id for c in comments if not c.is_deleted and c.author_id is not None}
    general = badges_for(reader_ids=authors, article=None)
    wrote = article_authors(
        reader_ids=authors, article_ids={c.article_id for c in comments if c.author_id in authors}
    )
    for comment in comments:
        badges = [] if comment.is_deleted else list(general.get(comment.author_id, []))
        if (comment.author_id, comment.article_id) in wrote and "author" not in badges:
            badges.insert(1 if badges[:1] == ["staff"] else 0, "author")
        comment.badges = badges
        comment.replying_to = None  # these lists quote the comment replied to instead
    _viewer_decoration(comments, viewer=viewer)
    return comments


# --- Thread pages.


@dataclass
class ThreadPage:
    items: list[Comment]
    next_cursor: str | None
    sort: str = DEFAULT_SORT
    focus: Comment | None = None  # a permalink's comment, when the page shows its conversation
    extra: dict = field(default_factory=dict)


def _check_sort(sort: str | None) -> str:
    sort = sort or DEFAULT_SORT
    if sort not in SORTS:
        raise MastheadError(
            "validation_error",
            f"sort is one of {', '.join(SORTS)}.",
            422,
            fields={"sort": [f"One of {', '.join(SORTS)}."]},
        )
    return sort


def _check_replies(replies: int) -> None:
    if not 0 <= replies <= MAX_REPLIES_SHOWN:
        raise MastheadError(
            "validation_error",
            f"replies must be between 0 and {MAX_REPLIES_SHOWN}.",
            422,
            fields={"replies": [f"Must be between 0 and {MAX_REPLIES_SHOWN}."]},
        )


def _top_level(article: Article, sort: str) -> QuerySet:
    comments = _comments().filter(article=article, status=Comment.Status.PUBLISHED)
    if sort == "featured":
        return comments.filter(featured_at__isnull=False)
    return comments.filter(parent__isnull=True)


def _reply_cursor(last: Comment) -> str:
    return encode_cursor([last.created_at, last.pk], scope=",".join(REPLY_ORDER))


def _attach_first_replies(parents: list[Comment], shown: int = REPLIES_SHOWN) -> list[Comment]:
    """Each parent's first ``shown`` published replies, in one query for all of them (none
    for ``shown`` 0). ``more_cursor`` continues a parent's replies after those shown."""
    for parent in parents:
        parent.shown_replies, parent.more_cursor = [], None
        parent.more_replies = parent.reply_count
    if not parents or shown <= 0:
        return []
    first = Window(
        RowNumber(), partition_by=[F("parent_id")], order_by=[F("created_at").asc(), F("id").asc()]
    )
    replies = list(
        _comments()
        .filter(parent_id__in=[p.pk for p in parents], status=Comment.Status.PUBLISHED)
        .annotate(position=first)
        .filter(position__lte=shown)
        .order_by("parent_id", "created_at", "id")
    )
    by_parent = {p.pk: p for p in parents}
    for reply in replies:
        reply.shown_replies, reply.more_cursor = [], None
        by_parent[reply.parent_id].shown_replies.append(reply)
    for parent in parents:
        shown = parent.shown_replies
        parent.more_replies = max(parent.reply_count - len(shown), 0)
        if parent.more_replies and shown:
            parent.more_cursor = _reply_cursor(shown[-1])
    return replies


def _load_thread_page(
    *, article: Article, sort: str, cursor: str | None, limit: int, replies: int = REPLIES_SHOWN
) -> ThreadPage:
    page = keyset_page(_top_level(article, sort), order=SORTS[sort], cursor=cursor, limit=limit)
    replies = _attach_first_replies(page.items, shown=replies)
    parents = {c.pk: c for c in page.items}
    _shared_decoration([*page.items, *replies], article=article, parents=parents)
    return ThreadPage(items=page.items, next_cursor=page.next_cursor, sort=sort)


def thread_page(
    *,
    article: Article,
    viewer,
    sort: str | None = DEFAULT_SORT,
    cursor: str | None = None,
    limit: int | None = None,
    replies: int = REPLIES_SHOWN,
) -> ThreadPage:
    """A page of ``article``'s top-level comments (featured ones, any depth, for "featured"),
    each with its first ``replies`` replies (0 to MAX_REPLIES_SHOWN; a client reading the
    whole thread asks for many, and follows ``more_cursor`` only for longer reply lists).
    The same few queries whatever ``replies`` is. The first page is cached until the thread
    changes."""
    sort = _check_sort(sort)
    limit = limit or PAGE_SIZE
    _check_replies(replies)
    if cursor is None and settings.PAGE_CACHE_SECONDS > 0:
        (version,) = pagecache.versions([thread_key(article.pk)])
        shape = f"{limit}" if replies == REPLIES_SHOWN else f"{limit}:r{replies}"
        key = f"thread-page:{article.pk}:{sort}:{shape}:{version}"
        page = cache.get(key)
        if page is None:
            page = _load_thread_page(article=article, sort=sort, cursor=None, limit=limit, replies=replies)
            for comment in _all(page.items):  # the article is the caller's; keep it out of the cache
                comment._state.fields_cache.pop("article", None)
            cache.set(key, page, timeout=settings.PAGE_CACHE_SECONDS)
        for comment in _all(page.items):
            comment.article = article
    else:
        page = _load_thread_page(article=article, sort=sort, cursor=cursor, limit=limit, replies=replies)
    _viewer_decoration(_all(page.items), viewer=viewer)
    return page


# --- Thread pages as plain rows (the JSON API's list).
#
# The API's list reads its rows as values, not model instances: building two instances a
# row (the comment, its author) and decorating them was half the cost of a page of 100
# comments with their replies. The rows carry exactly what ``serialize.row_dict`` shows,
# nothing else (no ``body``: the list shows the rendered HTML only). Pages and live events
# keep the model path above; tests/comments/test_api_rows.py checks both paths give the
# same JSON.

ROW_FIELDS = (
    "id", "parent_id", "depth", "author_id", "author__username", "author__display_name",
    "body_html", "created_at", "edited_at", "status", "reaction_count", "reply_count",
    "featured_at", "deleted_at",
)  # fmt: skip


@dataclass
class RowsPage:
    """``items``: top-level rows, each with ``replies`` (rows) and ``replies_cursor``;
    ``badges``: author id → badges, for every row's author."""

    items: list[dict]
    next_cursor: str | None
    badges: dict[int, list[str]]


def _rows() -> QuerySet:
    return Comment.objects.values(*ROW_FIELDS)


def thread_rows(
    *, article: Article, sort: str | None = DEFAULT_SORT, cursor: str | None = None, limit: int | None = None,
    replies: int = REPLIES_SHOWN,
) -> RowsPage:  # fmt: skip
    """``thread_page``'s comments as rows, the same for every viewer (what the viewer
    reacted to, follows or ignores is theirs to add): the same queries, in the same order."""
    sort = _check_sort(sort)
    _check_replies(replies)
    top = _rows().filter(article=article, status=Comment.Status.PUBLISHED)
    top = top.filter(featured_at__isnull=False) if sort == "featured" else top.filter(parent__isnull=True)
    page = keyset_page(top, order=SORTS[sort], cursor=cursor, limit=limit or PAGE_SIZE)
    by_parent: dict[int, list[dict]] = {row["id"]: [] for row in page.items}
    shown: list[dict] = []
    if page.items and replies > 0:
        first = Window(
            RowNumber(), partition_by=[F("parent_id")], order_by=[F("created_at").asc(), F("id").asc()]
        )
        shown = list(
            _rows()
            .filter(parent_id__in=list(by_parent), status=Comment.Status.PUBLISHED)
            .annotate(position=first)
            .filter(position__lte=replies)
            .order_by("parent_id", "created_at", "id")
            .values(*ROW_FIELDS)
        )
        for reply in shown:
            by_parent[reply["parent_id"]].append(reply)
    for row in page.items:
        row["replies"] = row_replies = by_parent[row["id"]]
        more = row["reply_count"] - len(row_replies) > 0
        last = row_replies[-1] if row_replies else None
        row["replies_cursor"] = None
        if more and last:
            row["replies_cursor"] = encode_cursor([last["created_at"], last["id"]], scope=REPLY_SCOPE)
    authors = {r["author_id"] for r in (*page.items, *shown) if r["deleted_at"] is None}
    return RowsPage(
        items=page.items,
        next_cursor=page.next_cursor,
        badges=badges_for(reader_ids=authors, article=article),
    )


def replies_rows(*, parent: Comment, cursor: str | None = None, limit: int | None = None) -> RowsPage:
    """``replies_page``'s replies as rows (``thread_rows``), the same for every viewer."""
    replies = _rows().filter(parent=parent, status=Comment.Status.PUBLISHED)
    page = keyset_page(replies, order=REPLY_ORDER, cursor=cursor, limit=limit)
    authors = {r["author_id"] for r in page.items if r["deleted_at"] is None}
    return RowsPage(
        items=page.items,
        next_cursor=page.next_cursor,
        badges=badges_for(reader_ids=authors, article=parent.article),
    )


def viewer_marks(viewer, comment_ids: list[int]) -> tuple[set[int], set[int], set[int]]:
    """(the comments ``viewer`` reacted to among ``comment_ids``, the readers they follow,
    the readers they ignore): what a list's rows say about the viewer, never cached."""
    if not getattr(viewer, "is_authenticated", False) or not comment_ids:
        return set(), set(), set()
    reactions = Reaction.objects.filter(reader=viewer, comment_id__in=comment_ids)
    reacted = set(reactions.values_list("comment_id", flat=True))
    return reacted, *viewer_relations(viewer)


def replies_page(*, parent: Comment, viewer, cursor: str | None = None, limit: int | None = None) -> Page:
    """A comment's published replies, oldest first, each told how many replies it has."""
    replies = _comments().filter(parent=parent, status=Comment.Status.PUBLISHED)
    page = keyset_page(replies, order=REPLY_ORDER, cursor=cursor, limit=limit)
    for reply in page.items:
        reply.shown_replies, reply.more_cursor = [], None
        reply.more_replies = reply.reply_count
    decorate(page.items, article=parent.article, viewer=viewer, parents={parent.pk: parent})
    return page


def comment_focus(*, article: Article, viewer, comment_id: int) -> ThreadPage | None:
    """A permalink's page: the comment's top-level ancestor, the chain of replies down to
    it, and its own first replies; None when the viewer may not see it here."""
    try:
        target = comment_get_visible(viewer=viewer, comment_id=comment_id)
    except NotFound:
        return None
    if target.article_id != article.pk:
        return None
    chain_ids = target.ancestor_ids
    ancestors = {c.pk: c for c in _comments().filter(pk__in=chain_ids, article=article)}
    if len(ancestors) != len(chain_ids):
        return None
    chain = [ancestors[pk] for pk in chain_ids]
    if any(not c.is_published for c in chain):
        return None
    target_row = _comments().get(pk=target.pk)  # the same fields as every other row
    rows = [*chain, target_row]
    for upper, lower in pairwise(rows):
        upper.shown_replies = [lower]
        upper.more_replies = max(upper.reply_count - 1, 0)
        upper.more_cursor = None  # "show all replies" starts from the first
    replies = _attach_first_replies([target_row])
    parents = {c.pk: c for c in rows}
    decorate([*rows, *replies], article=article, viewer=viewer, parents=parents)
    target_row.is_focus = True
    return ThreadPage(items=[rows[0]], next_cursor=None, sort=DEFAULT_SORT, focus=target_row)


def viewer_pending(*, article: Article, viewer, limit: int = 10) -> list[Comment]:
    """The viewer's own comments on ``article`` still awaiting moderation (or rejected)."""
    if not getattr(viewer, "is_authenticated", False):
        return []
    rows = list(
        _comments()
        .filter(article=article, author=viewer, deleted_at__isnull=True)
        .exclude(status=Comment.Status.PUBLISHED)
        .order_by("-created_at", "-id")[:limit]
    )
    return decorate(rows, article=article, viewer=viewer)


def reader_comment_count(reader) -> int:
    return Comment.objects.filter(
        author=reader, status=Comment.Status.PUBLISHED, deleted_at__isnull=True
    ).count()


def reader_moderation_history(author, *, since: datetime, exclude_comment_id: int | None = None):
    """The moderation pipeline's view of ``author``'s past (``MODERATION_READER_HISTORY``):
    approved and rejected counts, all time and since ``since``, the latest rejection, and
    the texts of their last day's comments. Two queries on ``comment_author_idx``, whatever
    the reader wrote. ``exclude_comment_id``: the comment being edited.

    Written in SQL (the same on SQLite and PostgreSQL): it runs for every comment posted,
    and building the ORM's aggregate of five filtered counts cost more Python than both
    queries take the database."""
    from django.db import connections

    from masthead.moderation.history import REPEAT_WINDOW, ReaderHistory

    connection = connections[Comment.objects.db]
    ops = connection.ops
    params = {
        "author": author.pk,
        "published": Comment.Status.PUBLISHED.value,
        "rejected": Comment.Status.REJECTED.value,
        "since": ops.adapt_datetimefield_value(since),
        "day_ago": ops.adapt_datetimefield_value(timezone.now() - REPEAT_WINDOW),
        "excluded": exclude_comment_id,
    }
    mine = "author_id = %(author)s" + (" AND id <> %(excluded)s" if exclude_comment_id is not None else "")
    table = ops.quote_name(Comment._meta.db_table)
    counts = f"""
        SELECT COUNT(CASE WHEN status = %(published)s THEN 1 END),
               COUNT(CASE WHEN status = %(rejected)s THEN 1 END),
               COUNT(CASE WHEN status = %(published)s AND created_at >= %(since)s THEN 1 END),
               COUNT(CASE WHEN status = %(rejected)s AND created_at >= %(since)s THEN 1 END),
               MAX(CASE WHEN status = %(rejected)s THEN created_at END)
        FROM {table} WHERE {mine}
    """  # noqa: S608 - the table from the model, our own clause; every value is a parameter
    bodies = f"""
        SELECT body FROM {table}
        WHERE {mine} AND created_at >= %(day_ago)s AND deleted_at IS NULL
        ORDER BY created_at DESC, id DESC LIMIT 50
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(counts, params)
        approved, rejected, recent_approved, recent_rejected, last_rejected_at = cursor.fetchone()
        cursor.execute(bodies, params)
        recent_bodies = tuple(body for (body,) in cursor.fetchall())
    # MAX over an expression comes back as text on SQLite: convert it as the ORM would.
    created_at = Comment._meta.get_field("created_at").cached_col
    for convert in ops.get_db_converters(created_at):
        last_rejected_at = convert(last_rejected_at, created_at, connection)
    return ReaderHistory(
        approved_count=approved,
        rejected_count=rejected,
        recent_approved_count=recent_approved,
        recent_rejected_count=recent_rejected,
        last_rejected_at=last_rejected_at,
        recent_bodies=recent_bodies,
    )


def reader_comments(reader) -> QuerySet:
    """Everything the reader wrote (their export), newest first."""
    return (
        Comment.objects.filter(author=reader)
        .select_related("article")
        .only(*_COMMENT_FIELDS, "article__slug", "article__headline")
        .order_by("-created_at", "-id")
    )


def staff_reader_ids(reader_ids: set[int]) -> set[int]:
    from django.contrib.auth import get_user_model

    readers = get_user_model().objects.filter(pk__in=reader_ids)
    return set(
        readers.filter(Q(is_superuser=True) | Q(groups__name__in=STAFF_ROLES)).values_list("pk", flat=True)
    )
