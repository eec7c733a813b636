"""Every read about follows, ignores and notifications, with who-may-see-what built in."""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import BooleanField, Q, QuerySet, Value
from django.urls import reverse
from django.utils import timezone

from masthead.accounts.roles import ADMIN, MODERATOR
from masthead.accounts.selectors import reader_get_public, reader_roles
from masthead.community import sources
from masthead.community.kinds import KINDS, Channel, Kind, default_channels
from masthead.community.models import CommunityProfile, Follow, Ignore, Notification, NotificationSetting
from masthead.core.errors import MastheadError
from masthead.core.pagination import Page, keyset_page
from masthead.newsroom.models import Article

LIST_ORDER = ("-created_at", "-id")
# Kinds shown whatever became of their comment: a rejected comment is its author's to see.
SHOWN_WHATEVER_THE_COMMENT = (Kind.COMMENT_REJECTED,)


def _signed_in(viewer) -> bool:
    return bool(getattr(viewer, "is_authenticated", False))


# --- Privacy options.


def community_profile(reader) -> CommunityProfile:
    """The reader's options; an unsaved row with the defaults when they never chose any."""
    found = CommunityProfile.objects.filter(reader_id=reader.pk).first()
    return found or CommunityProfile(reader_id=reader.pk)


def viewer_is_moderator(viewer) -> bool:
    return _signed_in(viewer) and bool({MODERATOR, ADMIN} & set(reader_roles(viewer)))


def can_see_followers(*, reader, viewer, profile: CommunityProfile | None = None) -> bool:
    """A private follower list is for its owner and the moderators."""
    profile = profile or community_profile(reader)
    if not profile.followers_private:
        return True
    return (_signed_in(viewer) and viewer.pk == reader.pk) or viewer_is_moderator(viewer)


# --- Follows.


def follower_count(reader) -> int:
    return Follow.objects.filter(followed_id=reader.pk).count()


def following_count(reader) -> int:
    return Follow.objects.filter(follower_id=reader.pk).count()


def is_following(*, follower, followed) -> bool:
    if not _signed_in(follower) or follower.pk == followed.pk:
        return False
    return Follow.objects.filter(follower_id=follower.pk, followed_id=followed.pk).exists()


def follow_summary(*, reader, viewer) -> dict:
    """The profile's ``follower_count``, ``following_count`` and ``is_following``, and
    ``followers_visible``: whether the viewer may open the follower list (the page links
    the count only then; the count itself is public); ``accepts_followers``: whether anyone
    may follow the reader (a client offers no Follow button otherwise)."""
    profile = community_profile(reader)
    return {
        "follower_count": follower_count(reader),
        "following_count": following_count(reader),
        "is_following": is_following(follower=viewer, followed=reader),
        "followers_visible": can_see_followers(reader=reader, viewer=viewer, profile=profile),
        "accepts_followers": profile.accepts_followers,
    }


def _load_relations(viewer) -> None:
    """Whom ``viewer`` follows and whom they ignore, in one query (a UNION ALL of the two
    tables, each read on its own index), remembered on the instance for the request: a
    page asking for every comment's marks costs this query once. The services forget them
    (``services._forget``) when the viewer follows or ignores someone."""
    follows = (
        Follow.objects.filter(follower_id=viewer.pk)
        .annotate(ignoring=Value(False, output_field=BooleanField()))
        .values_list("followed_id", "ignoring")
    )
    ignores = (
        Ignore.objects.filter(reader_id=viewer.pk)
        .annotate(ignoring=Value(True, output_field=BooleanField()))
        .values_list("ignored_id", "ignoring")
    )
    followed, ignored = set(), set()
    for reader_id, ignoring in follows.union(ignores, all=True):
        (ignored if ignoring else followed).add(reader_id)
    viewer._masthead_followed_ids, viewer._masthead_ignored_ids = followed, ignored


def followed_ids(viewer) -> set[int]:
    """Whom the viewer follows (for "From readers you follow"); remembered on the instance."""
    if not _signed_in(viewer):
        return set()
    if getattr(viewer, "_masthead_followed_ids", None) is None:
        _load_relations(viewer)
    return viewer._masthead_followed_ids


def refusing_followers(reader_ids) -> set[int]:
    """Which of ``reader_ids`` take no followers (no Follow button is offered beside their
    comments): one query, none for an empty set."""
    ids = {pk for pk in reader_ids if pk is not None}
    if not ids:
        return set()
    return set(
        CommunityProfile.objects.filter(reader_id__in=ids, accepts_followers=False).values_list(
            "reader_id", flat=True
        )
    )


@dataclass
class ReaderRow:
    username: str
    display_name: str
    since: object  # when the follow began
    is_following: bool  # whether the viewer follows this reader


def _reader_page(follows: QuerySet, *, who: str, viewer, cursor: str | None, limit: int | None) -> Page:
    follows = follows.filter(**{f"{who}__is_active": True}).select_related(who)
    follows = follows.only("id", "created_at", f"{who}__id", f"{who}__username", f"{who}__display_name")
    page = keyset_page(follows, order=LIST_ORDER, cursor=cursor, limit=limit)
    people = [getattr(f, who) for f in page.items]
    mine = set()
    if _signed_in(viewer) and people:
        mine = set(
            Follow.objects.filter(follower_id=viewer.pk, followed_id__in=[p.pk for p in people]).values_list(
                "followed_id", flat=True
            )
        )
    rows = [
        ReaderRow(
            username=p.username,
            display_name=p.display_name or p.username,
            since=f.created_at,
            is_following=p.pk in mine,
        )
        for f, p in zip(page.items, people, strict=True)
    ]
    return Page(items=rows, next_cursor=page.next_cursor)


def follower_page(*, username: str, viewer, cursor: str | None = None, limit: int | None = None) -> Page:
    """Who follows the reader, newest first; 403 ``followers_private`` when they keep it to themselves."""
    reader = reader_get_public(username=username)
    if not can_see_followers(reader=reader, viewer=viewer):
        raise MastheadError("followers_private", f"{reader.public_name} keeps their followers private.", 403)
    return _reader_page(
        Follow.objects.filter(followed_id=reader.pk),
        who="follower",
        viewer=viewer,
        cursor=cursor,
        limit=limit,
    )


def following_page(*, username: str, viewer, cursor: str | None = None, limit: int | None = None) -> Page:
    """Whom the reader follows, newest first."""
    reader = reader_get_public(username=username)
    return _reader_page(
        Follow.objects.filter(follower_id=reader.pk),
        who="followed",
        viewer=viewer,
        cursor=cursor,
        limit=limit,
    )


# --- Ignores.


def ignored_ids(viewer) -> set[int]:
    """The readers ``viewer`` ignores (their comments and notifications are hidden);
    remembered on the instance with ``followed_ids``: one query for both, per request."""
    if not _signed_in(viewer):
        return set()
    if getattr(viewer, "_masthead_ignored_ids", None) is None:
        _load_relations(viewer)
    return viewer._masthead_ignored_ids


def is_ignoring(*, reader, other) -> bool:
    return _signed_in(reader) and other.pk in ignored_ids(reader)


def ignoring_ids(*, reader_ids, actor_id: int) -> set[int]:
    """Which of ``reader_ids`` ignore ``actor_id`` (the fan-out leaves them out)."""
    return set(
        Ignore.objects.filter(ignored_id=actor_id, reader_id__in=list(reader_ids)).values_list(
            "reader_id", flat=True
        )
    )


def profile_controls(*, reader, viewer) -> dict:
    """What a profile page offers the viewer: follow, unfollow, ignore, the follower list."""
    profile = community_profile(reader)
    own = _signed_in(viewer) and viewer.pk == reader.pk
    following = not own and is_following(follower=viewer, followed=reader)
    return {
        "own": own,
        "signed_in": _signed_in(viewer),
        "is_following": following,
        "is_ignoring": not own and is_ignoring(reader=viewer, other=reader),
        "can_follow": not own and (profile.accepts_followers or following),
        "accepts_followers": profile.accepts_followers,
        "followers_private": profile.followers_private,
        "can_see_followers": can_see_followers(reader=reader, viewer=viewer, profile=profile),
    }


# --- Notification settings.


def notification_settings(*, reader) -> dict[str, str]:
    """Every kind's channel for the reader: their choice, else the default."""
    chosen = dict(NotificationSetting.objects.filter(reader_id=reader.pk).values_list("kind", "channel"))
    defaults = default_channels()
    return {kind: chosen.get(kind, defaults[kind]) for kind in KINDS}


def channels_for(*, kind: str, reader_ids) -> dict[int, str]:
    """Each reader's channel for ``kind``, in one query however many readers."""
    default = default_channels()[kind]
    ids = list(reader_ids)
    chosen = dict(
        NotificationSetting.objects.filter(kind=kind, reader_id__in=ids).values_list("reader_id", "channel")
    )
    return {pk: chosen.get(pk, default) for pk in ids}


def channel_for(*, kind: str, reader_id: int) -> str:
    return channels_for(kind=kind, reader_ids=[reader_id])[reader_id]


# --- Notifications.


def _visible_notifications(reader) -> QuerySet:
    """The reader's notifications minus those from readers they ignore and those about a
    comment nobody may see any more."""
    on_public_article = Q(article__isnull=True) | Q(
        article__status=Article.Status.PUBLISHED, article__published_at__lte=timezone.now()
    )
    return (
        Notification.objects.filter(recipient_id=reader.pk)
        .exclude(actor_id__in=Ignore.objects.filter(reader_id=reader.pk).values("ignored_id"))
        .filter(on_public_article)
        .filter(sources.visible_filter(SHOWN_WHATEVER_THE_COMMENT))
    )


def notification_page(
    *, reader, unread_only: bool = False, cursor: str | None = None, limit: int | None = None
) -> Page:
    """The reader's notifications, newest news first (a batched one moves up as it grows)."""
    notifications = _visible_notifications(reader).select_related("actor", "article")
    notifications = notifications.only(
        "id", "kind", "source", "actor_id", "article_id", "comment_id", "count", "data", "created_at",
        "read_at", "recipient_id", "actor__id", "actor__username", "actor__display_name",
        "article__id", "article__slug", "article__headline", "article__published_at", "article__status",
    )  # fmt: skip
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    page = keyset_page(notifications, order=LIST_ORDER, cursor=cursor, limit=limit)
    _describe(page.items)
    return page


def _describe(notifications: list[Notification]) -> None:
    """Give each its ``text`` and ``url``, quoting comments as they read now."""
    excerpts = sources.current_excerpts(n.comment_id for n in notifications if n.data.get("excerpt"))
    for notification in notifications:
        if notification.comment_id in excerpts:
            notification.data = {**notification.data, "excerpt": excerpts[notification.comment_id]}
        notification.text = notification_text(notification)
        notification.url = notification_url(notification)


def _unread_key(reader_id: int) -> str:
    return f"community:unread:{reader_id}"


def unread_count(*, reader) -> int:
    """How many visible notifications the reader has not read: the bell's number.

    Counted on a partial index and kept in the cache briefly; every change the community
    app makes to a reader's notifications forgets it (``forget_unread``).
    """
    if not _signed_in(reader):
        return 0
    key = _unread_key(reader.pk)
    count = cache.get(key)
    if count is None:
        count = _visible_notifications(reader).filter(read_at__isnull=True).count()
        cache.set(key, count, timeout=settings.COMMUNITY_UNREAD_CACHE_SECONDS)
    return count


def forget_unread(reader_ids) -> None:
    keys = [_unread_key(pk) for pk in reader_ids]
    if keys:
        cache.delete_many(keys)


def forget_unread_about(*, comment_id: int, chunk: int = 2000) -> int:
    """Forget the cached unread count of every reader with an unread notification about the
    comment (walked by id, ``chunk`` at a time); returns how many."""
    unread = Notification.objects.filter(comment_id=comment_id, read_at__isnull=True)
    after, total = 0, 0
    while True:
        rows = list(unread.filter(pk__gt=after).order_by("pk").values_list("pk", "recipient_id")[:chunk])
        if not rows:
            return total
        forget_unread({recipient for _, recipient in rows})
        total += len(rows)
        after = rows[-1][0]


def notification_get(*, reader, notification_id: int) -> Notification:
    """One of the reader's own notifications; NotFound for anyone else's."""
    from masthead.core.errors import NotFound

    found = (
        _visible_notifications(reader).select_related("actor", "article").filter(pk=notification_id).first()
    )
    if found is None:
        raise NotFound("No notification of yours by that number.")
    _describe([found])
    return found


def actor_name(notification: Notification) -> str:
    actor = notification.actor
    if actor is None:
        return "A former reader"
    return actor.display_name or actor.username


def notification_text(notification: Notification, *, name: str | None = None) -> str:
    """One plain sentence saying what happened (the API's ``text``; escaped wherever shown)."""
    name = name or actor_name(notification)
    headline = notification.article.headline if notification.article_id and notification.article else ""
    on = f" on “{headline}”" if headline else ""
    excerpt = (notification.data or {}).get("excerpt", "")
    quoted = f": “{excerpt}”" if excerpt else "."
    kind = notification.kind
    if kind == Kind.NEW_FOLLOWER:
        return f"{name} started following you."
    if kind == Kind.REPLY:
        return f"{name} replied to your comment{on}{quoted}"
    if kind == Kind.MENTION:
        return f"{name} mentioned you{on}{quoted}"
    if kind == Kind.FOLLOWED_READER_COMMENTED:
        return f"{name} commented{on}{quoted}"
    if kind == Kind.REACTION:
        verb = settings.COMMUNITY_REACTION_VERB
        if notification.count <= 1:
            return f"{name} {verb} your comment{on}."
        return f"{notification.count} readers {verb} your comment{on}."
    if kind == Kind.COMMENT_FEATURED:
        return f"The editors featured your comment{on}."
    if kind == Kind.COMMENT_REJECTED:
        reason = (notification.data or {}).get("reason", "")
        return f"Your comment{on} was not published" + (f": {reason}" if reason else ".")
    return "Something happened."


def notification_url(notification: Notification) -> str:
    """Where the notification leads: the comment it is about, or the reader who followed."""
    if notification.comment_id and notification.article_id and notification.article:
        return sources.comment_url(article=notification.article, comment_id=notification.comment_id)
    if notification.actor is not None:
        return reverse("accounts:profile", args=[notification.actor.username])
    return reverse("community:notifications")


# --- The following feed.


def reader_feed(*, viewer, cursor: str | None = None, limit: int | None = None) -> Page:
    """The latest published comments by the readers ``viewer`` follows, across every
    article, newest first; each decorated for the viewer (badges, reactions) and with its
    ``in_reply_to`` (the comment it answers, None at the top of a thread). Readers the
    viewer ignores are left out. The same few queries whatever the page size, and however
    many readers the viewer follows (``sources.feed_page``)."""
    page = sources.feed_page(follower_id=viewer.pk, cursor=cursor, limit=limit)
    return _listed(page, viewer)


def reader_comments(*, username: str, viewer, cursor: str | None = None, limit: int | None = None) -> Page:
    """A reader's published comments, newest first (their profile's list, the API's
    ``/readers/{username}/comments``), each with its article and ``in_reply_to``."""
    reader = reader_get_public(username=username)
    page = sources.reader_comment_page(author_id=reader.pk, cursor=cursor, limit=limit)
    return _listed(page, viewer)


def _listed(page: Page, viewer) -> Page:
    sources.decorate_for(page.items, viewer=viewer)
    for comment in page.items:
        comment.in_reply_to = _replied_to(comment, viewer)
    return page


def _replied_to(comment, viewer) -> dict | None:
    parent = comment.parent
    if parent is None:
        return None
    shown = parent.status == "published" and parent.deleted_at is None
    author = parent.author if shown else None
    if author is not None and author.pk in ignored_ids(viewer):
        shown, author = False, None
    return {
        "id": parent.pk,
        "author": {"username": author.username, "display_name": author.display_name or author.username}
        if author
        else None,
        "body_html": parent.body_html if shown else "",
        "deleted": parent.deleted_at is not None,
        "url": sources.comment_url(article=comment.article, comment_id=parent.pk),
    }


def pending_email_notifications(*, reader_id: int, delivery: str) -> QuerySet:
    """The reader's notifications waiting for an email of ``delivery``, oldest first."""
    return (
        Notification.objects.filter(recipient_id=reader_id, delivery=delivery, email_pending=True)
        .select_related("actor", "article", "recipient")
        .order_by("created_at", "id")
    )


def readers_with_pending_digest() -> QuerySet:
    """Ids of readers with something waiting for their daily digest."""
    return (
        Notification.objects.filter(delivery=Channel.EMAIL_DAILY, email_pending=True)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )
