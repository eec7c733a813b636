"""Follows, ignores and notifications: the community's part of the JSON API."""

from datetime import datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from masthead.accounts.selectors import reader_get_public
from masthead.api.auth import reader_optional, reader_required
from masthead.comments.api import CommentOut
from masthead.community import selectors, services, sources

router = Router(tags=["community"])

ChannelName = Literal["off", "in_app", "email_now", "email_daily"]
KindName = Literal[
    "reply", "mention", "followed_reader_commented", "new_follower", "reaction", "comment_featured",
    "comment_rejected",
]  # fmt: skip


# --- Schemas.


class FollowOut(Schema):
    username: str
    is_following: bool = Field(description="Whether I follow them now.")
    follower_count: int
    following_count: int


class IgnoreOut(Schema):
    username: str
    is_ignoring: bool = Field(description="Whether I ignore them now (they are never told).")


class ReaderItemOut(Schema):
    username: str
    display_name: str
    since: datetime = Field(description="When this follow began.")
    is_following: bool = Field(description="Whether I follow this reader.")


class ReaderListOut(Schema):
    items: list[ReaderItemOut]
    next_cursor: str | None


class ListQuery(Schema):
    cursor: str | None = None
    limit: int | None = Field(None, description="1 to 100; 20 when left out.")


class NotificationQuery(ListQuery):
    unread: bool = Field(False, description="Only the notifications I have not read.")


class ActorOut(Schema):
    username: str
    display_name: str


class NotificationOut(Schema):
    id: int
    kind: KindName
    created_at: datetime = Field(description="When its latest news came (a batched one moves on).")
    read: bool
    actor: ActorOut | None = Field(description="Who did it; null for the editors, or a deleted account.")
    comment_id: int | None
    article_slug: str | None
    text: str = Field(description="One plain-text sentence (escape it wherever you show it).")
    url: str = Field(description="Where it leads, relative to the site.")
    count: int = Field(description="How many readers (reactions are batched into one notification).")


class NotificationListOut(Schema):
    items: list[NotificationOut]
    next_cursor: str | None


class MarkReadIn(Schema):
    model_config = ConfigDict(extra="forbid", populate_by_name=False)

    # Ids a database can hold (SQLite raised OverflowError past 64 bits: a 500).
    ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] | None = Field(
        None, max_length=500, description="Mark these read."
    )
    everything: bool = Field(False, alias="all", description="Mark every notification read.")


class UnreadOut(Schema):
    unread: int = Field(description="Unread notifications: the bell's number.")


class NotificationSettingsOut(Schema):
    reply: ChannelName
    mention: ChannelName
    followed_reader_commented: ChannelName
    new_follower: ChannelName
    reaction: ChannelName
    comment_featured: ChannelName
    comment_rejected: ChannelName


class NotificationSettingsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reply: ChannelName | None = None
    mention: ChannelName | None = None
    followed_reader_commented: ChannelName | None = None
    new_follower: ChannelName | None = None
    reaction: ChannelName | None = None
    comment_featured: ChannelName | None = None
    comment_rejected: ChannelName | None = None


class CommunitySettingsOut(Schema):
    followers_private: bool = Field(description="Only I (and moderators) see who follows me.")
    accepts_followers: bool = Field(description="Others may follow me.")


class CommunitySettingsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    followers_private: bool | None = None
    accepts_followers: bool | None = Field(None, description="false also removes my current followers.")


class FeedArticleOut(Schema):
    slug: str
    headline: str
    url: str


class RepliedToAuthorOut(Schema):
    username: str
    display_name: str


class RepliedToOut(Schema):
    id: int
    author: RepliedToAuthorOut | None = Field(description="null when it is gone, or by a reader I ignore.")
    body_html: str = Field(description="Empty when it is gone, or by a reader I ignore.")
    deleted: bool
    url: str


class FeedItemOut(CommentOut):
    article: FeedArticleOut
    in_reply_to: RepliedToOut | None = Field(description="The comment this one answers; null at the top.")


class FeedOut(Schema):
    items: list[FeedItemOut]
    next_cursor: str | None


# --- Helpers (rendering only).


def _follow_out(viewer, reader) -> dict:
    return {"username": reader.username, **selectors.follow_summary(reader=reader, viewer=viewer)}


def _notification_out(n) -> dict:
    actor = None
    if n.actor is not None:
        actor = {"username": n.actor.username, "display_name": n.actor.display_name or n.actor.username}
    return {
        "id": n.pk,
        "kind": n.kind,
        "created_at": n.created_at,
        "read": n.read_at is not None,
        "actor": actor,
        "comment_id": n.comment_id,
        "article_slug": n.article.slug if n.article_id and n.article else None,
        "text": n.text,
        "url": n.url,
        "count": n.count,
    }


# --- Following and ignoring.


@router.put(
    "/readers/{username}/follow",
    response=FollowOut,
    auth=reader_required,
    summary="Follow a reader (idempotent)",
    description=(
        "Following yourself: 422 `validation_error`. A reader who takes no followers: 403 "
        "`not_followable`. Suspended, banned or unconfirmed readers cannot follow (403)."
    ),
)
def follow(request: HttpRequest, username: str):
    reader = reader_get_public(username=username)
    services.follow_create(follower=request.user, followed=reader)
    return _follow_out(request.user, reader)


@router.delete(
    "/readers/{username}/follow", response=FollowOut, auth=reader_required, summary="Stop following a reader"
)
def unfollow(request: HttpRequest, username: str):
    reader = reader_get_public(username=username)
    services.follow_delete(follower=request.user, followed=reader)
    return _follow_out(request.user, reader)


@router.put(
    "/readers/{username}/ignore",
    response=IgnoreOut,
    auth=reader_required,
    summary="Ignore a reader: hide their comments and notifications from me",
)
def ignore(request: HttpRequest, username: str):
    reader = reader_get_public(username=username)
    services.ignore_create(reader=request.user, ignored=reader)
    return {"username": reader.username, "is_ignoring": True}


@router.delete(
    "/readers/{username}/ignore", response=IgnoreOut, auth=reader_required, summary="Stop ignoring a reader"
)
def unignore(request: HttpRequest, username: str):
    reader = reader_get_public(username=username)
    services.ignore_delete(reader=request.user, ignored=reader)
    return {"username": reader.username, "is_ignoring": False}


@router.get(
    "/readers/{username}/followers",
    response=ReaderListOut,
    auth=reader_optional,
    summary="Who follows a reader, newest first",
    description="403 `followers_private` when the reader keeps their followers to themselves.",
)
def followers(request: HttpRequest, username: str, query: Query[ListQuery]):
    return selectors.follower_page(
        username=username, viewer=request.user, cursor=query.cursor, limit=query.limit
    )


@router.get(
    "/readers/{username}/following",
    response=ReaderListOut,
    auth=reader_optional,
    summary="Whom a reader follows, newest first",
)
def following(request: HttpRequest, username: str, query: Query[ListQuery]):
    return selectors.following_page(
        username=username, viewer=request.user, cursor=query.cursor, limit=query.limit
    )


# --- The following feed.


def _comment_list_out(page) -> dict:
    items = [
        {
            **sources.comment_as_dict(c),
            "article": {
                "slug": c.article.slug,
                "headline": c.article.headline,
                "url": c.article.get_absolute_url(),
            },
            "in_reply_to": c.in_reply_to,
        }
        for c in page.items
    ]
    return {"items": items, "next_cursor": page.next_cursor}


@router.get(
    "/me/feed",
    response=FeedOut,
    auth=reader_required,
    summary="Published comments by readers I follow, newest first",
)
def feed(request: HttpRequest, query: Query[ListQuery]):
    page = selectors.reader_feed(viewer=request.user, cursor=query.cursor, limit=query.limit)
    return _comment_list_out(page)


@router.get(
    "/readers/{username}/comments",
    response=FeedOut,
    auth=reader_optional,
    summary="A reader's published comments, newest first",
    description="Each with its article and the comment it answers (`in_reply_to`), as in the feed.",
)
def reader_comments(request: HttpRequest, username: str, query: Query[ListQuery]):
    page = selectors.reader_comments(
        username=username, viewer=request.user, cursor=query.cursor, limit=query.limit
    )
    return _comment_list_out(page)


# --- Notifications.


@router.get(
    "/me/notifications",
    response=NotificationListOut,
    auth=reader_required,
    summary="My notifications, newest first",
)
def notifications(request: HttpRequest, query: Query[NotificationQuery]):
    page = selectors.notification_page(
        reader=request.user, unread_only=query.unread, cursor=query.cursor, limit=query.limit
    )
    return {"items": [_notification_out(n) for n in page.items], "next_cursor": page.next_cursor}


@router.get(
    "/me/notifications/unread-count",
    response=UnreadOut,
    auth=reader_required,
    summary="How many notifications I have not read (cheap: poll it)",
)
def unread_count(request: HttpRequest):
    return {"unread": selectors.unread_count(reader=request.user)}


@router.post(
    "/me/notifications/read",
    response=UnreadOut,
    auth=reader_required,
    summary="Mark notifications read: {ids: [...]} or {all: true}",
)
def mark_read(request: HttpRequest, payload: MarkReadIn):
    unread = services.notifications_mark_read(
        reader=request.user, ids=payload.ids, everything=payload.everything
    )
    return {"unread": unread}


@router.get(
    "/me/notification-settings",
    response=NotificationSettingsOut,
    auth=reader_required,
    summary="How I hear about each kind of notification",
)
def get_notification_settings(request: HttpRequest):
    return selectors.notification_settings(reader=request.user)


@router.put(
    "/me/notification-settings",
    response=NotificationSettingsOut,
    auth=reader_required,
    summary="Change how I hear about some kinds (the others stay as they are)",
)
def put_notification_settings(request: HttpRequest, payload: NotificationSettingsIn):
    changes = payload.model_dump(exclude_none=True)
    return services.notification_settings_update(reader=request.user, changes=changes)


@router.get(
    "/me/community-settings",
    response=CommunitySettingsOut,
    auth=reader_required,
    summary="My follower privacy options",
)
def get_community_settings(request: HttpRequest):
    return selectors.community_profile(request.user)


@router.put(
    "/me/community-settings",
    response=CommunitySettingsOut,
    auth=reader_required,
    summary="Change my follower privacy options",
)
def put_community_settings(request: HttpRequest, payload: CommunitySettingsIn):
    return services.community_profile_update(reader=request.user, **payload.model_dump(exclude_none=True))
