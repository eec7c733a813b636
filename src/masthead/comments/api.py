"""`/api/v1/articles/{slug}/comments` and `/api/v1/comments/{id}…`: the conversation's JSON API."""

import hashlib
import json
from datetime import datetime
from typing import Literal

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from masthead.api.auth import reader_required
from masthead.comments import selectors, services
from masthead.comments.models import Comment
from masthead.comments.serialize import comment_dict, mark_for_viewer, row_dict
from masthead.core import badges, pagecache
from masthead.core.idempotency import key_from_request

router = Router(tags=["comments"])


class CommentAuthorOut(Schema):
    username: str
    display_name: str
    badges: list[str] = Field(description="staff, author (of this article), supporter.")


class CommentOut(Schema):
    id: int
    article_slug: str
    parent_id: int | None
    depth: int = Field(description="0 for a top-level comment, 1 for a reply to it, and so on.")
    author: CommentAuthorOut | None = Field(description="null for a deleted comment (a tombstone).")
    body_html: str = Field(description="Sanitized HTML; empty for a deleted comment.")
    created_at: datetime
    edited_at: datetime | None
    status: Literal["published", "pending", "rejected"]
    reaction_count: int
    reacted: bool = Field(description="Whether the caller reacted to it.")
    reply_count: int = Field(description="Its published direct replies.")
    featured: bool
    deleted: bool
    url: str = Field(description="The comment's permalink on the article page.")
    followed: bool = Field(
        False, description='Whether the caller follows its author (pages mark it "From readers you follow").'
    )
    ignored: bool = Field(
        False,
        description=(
            "Whether the caller ignores its author. In lists its `body_html` is empty (pages show a "
            "collapsed placeholder in its place, so the replies under it keep theirs); "
            "`GET /comments/{id}` returns its words, still marked (a page's “Show it”)."
        ),
    )


class ThreadItemOut(CommentOut):
    replies: list[CommentOut] = Field(
        description="Its first replies, oldest first: up to 3, or as many as `replies=` asked for."
    )
    replies_cursor: str | None = Field(
        description=(
            "When it has more replies than `replies` holds: the cursor that continues them at "
            "`GET /comments/{id}/replies?cursor=…`; null when they are all here (or none were asked for)."
        )
    )


class ThreadOut(Schema):
    items: list[ThreadItemOut]
    next_cursor: str | None
    comment_count: int = Field(description="The article's published comments and replies.")
    comments_open: bool
    closes_at: datetime | None = Field(description="When comments close (null: not by age).")


class RepliesOut(Schema):
    items: list[CommentOut]
    next_cursor: str | None


class ModerationOut(Schema):
    reason: str


class PostedOut(CommentOut):
    moderation: ModerationOut | None = Field(None, description="Why, when status is not published.")


class CommentIn(Schema):
    # The real limit (COMMENT_MAX_LENGTH) is checked by the service, with a clear message;
    # this only stops an absurd body before it is parsed any further.
    body: str = Field(max_length=100_000)
    parent_id: int | None = Field(None, description="The comment this replies to.")


class CommentEditIn(Schema):
    body: str = Field(max_length=100_000)


class ReactionOut(Schema):
    reaction_count: int
    reacted: bool


class ReportIn(Schema):
    reason: Literal["spam", "abuse", "off_topic", "misinformation", "other"]
    note: str = Field("", max_length=500)


class ReportOut(Schema):
    reason: str
    note: str
    created_at: datetime


class ThreadQuery(Schema):
    sort: Literal["newest", "oldest", "top", "featured"] = "newest"
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(20, ge=1, le=100)
    replies: int = Field(
        selectors.REPLIES_SHOWN,
        ge=0,
        le=selectors.MAX_REPLIES_SHOWN,
        description="How many of each comment's replies to include, oldest first (0 to 100; default 3).",
    )


class PageQuery(Schema):
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(20, ge=1, le=100)


def _out(request: HttpRequest, comment: Comment, article_url: str | None = None) -> dict:
    """``article_url``: the article's absolute URL, when the caller serializes many comments
    of one article (built once, instead of a ``reverse()`` and a URI per comment)."""
    if article_url is None:
        data = comment_dict(comment)
        data["url"] = request.build_absolute_uri(data["url"])
        return data
    return comment_dict(comment, url=f"{article_url}?comment={comment.pk}#comment-{comment.pk}")


def _article_url(request: HttpRequest, article) -> str:
    return request.build_absolute_uri(article.get_absolute_url())


def _page_key(kind: str, article, article_url: str, *where: object) -> str | None:
    """Where a page of a thread's comments (``kind``: the thread's own pages, any sort, or a
    comment's replies) is cached for every viewer: the same rows for all of them until
    anything in the thread (or anyone's badges) changes. A reader reading a whole long
    thread, or many readers reading it, then costs one cache read a page; what a signed-in
    viewer reacted to, follows or ignores is marked on a copy each time and never cached.
    Whether comments are open is decided per request (it changes with the clock)."""
    if settings.PAGE_CACHE_SECONDS <= 0:
        return None
    versions = pagecache.versions([selectors.thread_key(article.pk), badges.VERSION_NAME])
    parts = [kind, article_url, *(str(w) for w in where), *versions]
    return "api-rows:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def _cached(key: str | None, build) -> tuple[str, str | None, dict[int, int]]:
    listed = cache.get(key) if key else None
    if listed is None:
        listed = build()
        if key:
            cache.set(key, listed, timeout=settings.PAGE_CACHE_SECONDS)
    return listed


def _row_items(page: selectors.RowsPage, article, article_url: str) -> tuple[str, str | None, dict[int, int]]:
    """(a page's items as JSON, as an anonymous reader sees them; the next cursor; each
    listed comment's author id, for marking a signed-in viewer's copy)."""
    slug = article.slug
    authors: dict[int, int] = {}

    def out(row: dict) -> dict:
        pk = row["id"]
        if row["deleted_at"] is None and row["author_id"] is not None:
            authors[pk] = row["author_id"]
        url = f"{article_url}?comment={pk}#comment-{pk}"
        item = row_dict(row, article_slug=slug, url=url, badges=page.badges)
        if "replies" in row:
            item["replies"] = [out(reply) for reply in row["replies"]]
            item["replies_cursor"] = row["replies_cursor"]
        return item

    items = [out(row) for row in page.items]
    return json.dumps(items, cls=DjangoJSONEncoder), page.next_cursor, authors


def _for_viewer(items_json: str, authors: dict[int, int], viewer) -> str:
    """The items as ``viewer`` sees them: as cached for anonymous readers, or a copy marked."""
    if not viewer.is_authenticated:
        return items_json
    items = json.loads(items_json)
    everything = [*items, *(reply for item in items for reply in item.get("replies", ()))]
    reacted, followed, ignored = selectors.viewer_marks(viewer, [item["id"] for item in everything])
    for item in everything:
        mark_for_viewer(
            item,
            author_id=authors.get(item["id"]),
            viewer_id=viewer.pk,
            reacted=reacted,
            followed=followed,
            ignored=ignored,
        )
    return json.dumps(items)


def _visible(request: HttpRequest, comment_id: int) -> Comment:
    return selectors.comment_get_visible(viewer=request.user, comment_id=comment_id)


def _one(request: HttpRequest, comment: Comment) -> dict:
    comment = selectors.comment_get_visible(viewer=request.user, comment_id=comment.pk)
    selectors.decorate([comment], article=comment.article, viewer=request.user)
    return _out(request, comment)


@router.get(
    "/articles/{slug}/comments",
    response=ThreadOut,
    summary="An article's top-level comments, each with its first replies",
    description=(
        "Published comments only, for everyone (your own comments awaiting moderation are "
        "returned when you post them and by `GET /comments/{id}`). `sort=featured` lists the "
        "comments moderators featured, at any depth, most recently featured first. "
        "`replies=` (0 to 100, default 3) sets how many replies come with each comment; "
        "`replies_cursor` continues a longer list at `GET /comments/{id}/replies`. To read a "
        "whole thread: `sort=oldest&limit=100&replies=100`, then each `replies_cursor`."
    ),
)
def list_comments(request: HttpRequest, slug: str, query: Query[ThreadQuery]):
    article = selectors.article_for_comments(viewer=request.user, slug=slug)
    url = _article_url(request, article)
    key = _page_key("thread", article, url, query.sort, query.cursor or "", query.limit, query.replies)
    items_json, next_cursor, authors = _cached(
        key,
        lambda: _row_items(
            selectors.thread_rows(
                article=article,
                sort=query.sort,
                cursor=query.cursor,
                limit=query.limit,
                replies=query.replies,
            ),
            article,
            url,
        ),
    )
    items_json = _for_viewer(items_json, authors, request.user)
    state = selectors.comments_state(article)
    rest = json.dumps(
        {
            "next_cursor": next_cursor,
            "comment_count": selectors.article_comment_count(article),
            "comments_open": state.open,
            "closes_at": state.closes_at,
        },
        cls=DjangoJSONEncoder,
    )
    response = HttpResponse(
        '{"items": ' + items_json + ", " + rest[1:], content_type="application/json; charset=utf-8"
    )
    if query.cursor is None and not request.user.is_authenticated:
        # The same for every anonymous reader (the first page is cached until the thread
        # changes): the edge cache (core.edgecache) may answer it from memory.
        response["X-Page-Cache"] = "api"
    return response


@router.post(
    "/articles/{slug}/comments",
    response={201: PostedOut},
    auth=reader_required,
    summary="Post a comment or a reply",
    description=(
        "201 with the comment; `status` tells the moderation outcome and `moderation.reason` "
        "why when it is not `published`. 403 `comments_closed`, `suspended`, `banned`, "
        "`email_unverified`; 422 `validation_error` (empty, too long, a parent on another "
        "article); 429 `rate_limited` with `Retry-After`. Send an `Idempotency-Key` header "
        "(1 to 255 characters) to retry safely: the same key within 24 hours answers with the "
        "first comment (header `Idempotent-Replayed: true`) and creates nothing; the same key "
        "with a different body is 409 `conflict`."
    ),
)
def post_comment(request: HttpRequest, slug: str, payload: CommentIn, response: HttpResponse):
    key = key_from_request(request)
    article = selectors.article_for_comments(viewer=request.user, slug=slug)
    posted = services.comment_post(
        article=article,
        author=request.user,
        body=payload.body,
        parent_id=payload.parent_id,
        idempotency_key=key,
    )
    comment = posted.comment
    if not hasattr(comment, "badges"):  # not decorated for the live event already
        # Its author is the caller: nothing to check, and no reaction of theirs to find
        # (readers cannot react to their own comments).
        selectors.decorate([comment], article=comment.article, viewer=None)
    body = {**_out(request, comment), "moderation": posted.moderation}
    if not posted.created:
        response["Idempotent-Replayed"] = "true"
    return Status(201, body)


@router.get("/comments/{comment_id}", response=CommentOut, summary="One comment")
def get_comment(request: HttpRequest, comment_id: int):
    comment = _visible(request, comment_id)
    selectors.decorate([comment], article=comment.article, viewer=request.user)
    data = comment_dict(comment, reveal_ignored=True)  # asked for by id: its "Show it"
    data["url"] = request.build_absolute_uri(data["url"])
    return data


@router.get(
    "/comments/{comment_id}/replies",
    response=RepliesOut,
    summary="A comment's replies, oldest first",
)
def list_replies(request: HttpRequest, comment_id: int, query: Query[PageQuery]):
    parent = _visible(request, comment_id)
    article = parent.article
    url = _article_url(request, article)
    key = _page_key("replies", article, url, parent.pk, query.cursor or "", query.limit)
    items_json, next_cursor, authors = _cached(
        key,
        lambda: _row_items(
            selectors.replies_rows(parent=parent, cursor=query.cursor, limit=query.limit), article, url
        ),
    )
    items_json = _for_viewer(items_json, authors, request.user)
    return HttpResponse(
        '{"items": ' + items_json + ', "next_cursor": ' + json.dumps(next_cursor) + "}",
        content_type="application/json; charset=utf-8",
    )


@router.patch(
    "/comments/{comment_id}",
    response=CommentOut,
    auth=reader_required,
    summary="Edit my comment (within the edit window)",
    description=(
        "Its author only (403 `forbidden` otherwise); 403 `edit_window_closed` once the window has passed."
    ),
)
def edit_comment(request: HttpRequest, comment_id: int, payload: CommentEditIn):
    comment = services.comment_edit(
        comment=_visible(request, comment_id), editor=request.user, body=payload.body
    )
    return _one(request, comment)


@router.delete(
    "/comments/{comment_id}",
    response={204: None},
    auth=reader_required,
    summary="Delete a comment (its author, or a moderator)",
    description="Leaves a tombstone in its place so its replies keep theirs.",
)
def delete_comment(request: HttpRequest, comment_id: int):
    services.comment_delete(comment=_visible(request, comment_id), actor=request.user)
    return Status(204, None)


@router.put("/comments/{comment_id}/reaction", response=ReactionOut, auth=reader_required, summary="React")
def put_reaction(request: HttpRequest, comment_id: int):
    state = services.reaction_set(comment=_visible(request, comment_id), reader=request.user)
    return {"reaction_count": state.reaction_count, "reacted": state.reacted}


@router.delete(
    "/comments/{comment_id}/reaction",
    response=ReactionOut,
    auth=reader_required,
    summary="Take back a reaction",
)
def delete_reaction(request: HttpRequest, comment_id: int):
    state = services.reaction_remove(comment=_visible(request, comment_id), reader=request.user)
    return {"reaction_count": state.reaction_count, "reacted": state.reacted}


@router.post(
    "/comments/{comment_id}/reports",
    response={200: ReportOut, 201: ReportOut},
    auth=reader_required,
    summary="Report a comment to the moderators",
    description="201 for a first report; the same reader reporting again gets 200 and counts once.",
)
def report_comment(request: HttpRequest, comment_id: int, payload: ReportIn):
    report, created = services.report_create(
        comment=_visible(request, comment_id), reader=request.user, reason=payload.reason, note=payload.note
    )
    body = {"reason": report.reason, "note": report.note, "created_at": report.created_at}
    return Status(201 if created else 200, body)
