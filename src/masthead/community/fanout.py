"""Writing notifications: who is told about what, once. Run from background tasks only.

Every function takes plain ids, reads the current state of things (a comment may have
been removed since the task was queued), and may run twice without telling anyone twice:
each notification is unique on (recipient, kind, source). Each returns the ids of the
notifications to email at once; ``community.tasks`` queues those emails.

Nobody is notified about a comment they may not see (it must be published, not deleted,
on a published article), by a reader they ignore, about their own doing, or about a kind
they switched off.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from masthead.community import selectors, sources
from masthead.community.kinds import EMAIL_CHANNELS, Channel, Kind
from masthead.community.models import Follow, Ignore, Notification


def _readers():
    from django.contrib.auth import get_user_model

    return get_user_model().objects


def notify(
    *,
    kind: str,
    recipient_ids,
    actor_id: int | None,
    source: str,
    article_id: int | None = None,
    comment_id: int | None = None,
    data: dict | None = None,
) -> list[int]:
    """Tell each of ``recipient_ids`` who wants to hear (one batch: a few queries whatever
    its size); returns the ids of the notifications to email now."""
    ids = {pk for pk in recipient_ids if pk is not None and pk != actor_id}
    if actor_id is not None and ids:
        ids -= selectors.ignoring_ids(reader_ids=ids, actor_id=actor_id)
    if not ids:
        return []
    active = _readers().filter(pk__in=ids, is_active=True).values_list("pk", flat=True)
    channels = selectors.channels_for(kind=kind, reader_ids=active)
    now = timezone.now()
    rows = [
        Notification(
            recipient_id=pk,
            kind=kind,
            source=source,
            actor_id=actor_id,
            article_id=article_id,
            comment_id=comment_id,
            data=data or {},
            delivery=channel,
            email_pending=channel in EMAIL_CHANNELS,
            created_at=now,
        )
        for pk, channel in channels.items()
        if channel != Channel.OFF
    ]
    if not rows:
        return []
    recipients = [row.recipient_id for row in rows]
    with transaction.atomic():
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        transaction.on_commit(lambda: selectors.forget_unread(recipients))
    return list(
        Notification.objects.filter(
            kind=kind,
            source=source,
            recipient_id__in=recipients,
            delivery=Channel.EMAIL_NOW,
            email_pending=True,
        ).values_list("pk", flat=True)
    )


# --- Followers.


def notify_new_follower(*, follower_id: int, followed_id: int) -> list[int]:
    """``followed_id`` gains a follower (if the follow still stands when this runs)."""
    if not Follow.objects.filter(follower_id=follower_id, followed_id=followed_id).exists():
        return []
    return notify(
        kind=Kind.NEW_FOLLOWER,
        recipient_ids=[followed_id],
        actor_id=follower_id,
        source=f"reader:{follower_id}",
    )


# --- Comments. Wired to the comments app in community.receivers.


def _comment_source(comment_id: int) -> str:
    return f"comment:{comment_id}"


def _common(info: sources.CommentInfo) -> dict:
    return {
        "actor_id": info.author_id,
        "source": _comment_source(info.id),
        "article_id": info.article_id,
        "comment_id": info.id,
        "data": {"excerpt": sources.plain_excerpt(info.body_html)},
    }


@dataclass
class Direct:
    """The readers a comment speaks to directly: told as such, not as followers."""

    reply_to: int | None = None
    mentioned: set[int] = field(default_factory=set)

    @property
    def everyone(self) -> set[int]:
        return self.mentioned | ({self.reply_to} if self.reply_to else set())


def _direct(info: sources.CommentInfo) -> Direct:
    direct = Direct(reply_to=info.parent_author_id if info.parent_author_id != info.author_id else None)
    names = sources.mentioned_usernames(info.body, limit=settings.COMMUNITY_MAX_MENTIONS)
    if names:
        match = Q()
        for name in names:
            match |= Q(username__iexact=name)
        found = _readers().filter(match, is_active=True).values_list("pk", flat=True)
        direct.mentioned = set(found) - {info.author_id, direct.reply_to}
    return direct


def _published(comment_id: int) -> sources.CommentInfo | None:
    info = sources.comment_info(comment_id)
    if info is None or not info.visible or info.author_id is None:
        return None
    return info


def notify_comment_published(*, comment_id: int) -> list[int]:
    """A comment was published: its parent's author hears of the reply, the readers it
    @mentions of the mention. (Its author's followers are told in batches:
    ``notify_followers``.)"""
    info = _published(comment_id)
    if info is None:
        return []
    direct = _direct(info)
    emails = []
    if direct.reply_to:
        emails += notify(kind=Kind.REPLY, recipient_ids=[direct.reply_to], **_common(info))
    if direct.mentioned:
        emails += notify(kind=Kind.MENTION, recipient_ids=direct.mentioned, **_common(info))
    return emails


@dataclass
class Batch:
    emails: list[int]
    next_after: int | None  # the follower id to continue after; None when done


def notify_followers(*, comment_id: int, after: int = 0, size: int | None = None) -> Batch:
    """One batch of the comment's author's followers (by follower id, after ``after``)
    hear that they commented; those it replies to or mentions were told already."""
    size = size or settings.COMMUNITY_FANOUT_BATCH_SIZE
    info = _published(comment_id)
    if info is None:
        return Batch(emails=[], next_after=None)
    followers = list(
        Follow.objects.filter(followed_id=info.author_id, follower_id__gt=after)
        .order_by("follower_id")
        .values_list("follower_id", flat=True)[:size]
    )
    if not followers:
        return Batch(emails=[], next_after=None)
    direct = _direct(info).everyone
    recipients = [pk for pk in followers if pk not in direct]
    emails = _notify_follower_range(
        info=info, after=after, last=followers[-1], direct=direct, recipients=recipients
    )
    return Batch(emails=emails, next_after=followers[-1] if len(followers) == size else None)


def _notify_follower_range(
    *, info: sources.CommentInfo, after: int, last: int, direct: set[int], recipients: list[int]
) -> list[int]:
    """``notify`` for the author's followers with ids in (``after``, ``last``], done by the
    database in one ``INSERT … SELECT … ON CONFLICT DO NOTHING``: it leaves out those who
    ignore the author, inactive accounts, ``direct`` (told as such) and those who switched
    the kind off, takes each one's channel (their choice, else the default), and skips
    whoever was told already; no row is built in Python. Returns the ids to email now.
    SQLite (3.24 and later) and PostgreSQL read the same statement; its WHERE keeps SQLite
    from taking ON CONFLICT for a join's ON."""
    from django.db import connection

    from masthead.community.kinds import default_channels
    from masthead.community.models import NotificationSetting

    kind = str(Kind.FOLLOWED_READER_COMMENTED)
    common = _common(info)
    default = str(default_channels()[kind])
    now = timezone.now()
    data = Notification._meta.get_field("data").get_db_prep_value(common["data"], connection)
    leave_out = sorted(pk for pk in direct if pk is not None)
    not_direct = f"AND f.follower_id NOT IN ({', '.join(['%s'] * len(leave_out))})" if leave_out else ""
    sql = f"""
        INSERT INTO {Notification._meta.db_table}
            (recipient_id, kind, source, actor_id, article_id, comment_id, count, data, delivery,
             created_at, read_at, email_pending, emailed_at)
        SELECT f.follower_id, %s, %s, %s, %s, %s, 1, %s, COALESCE(s.channel, %s),
               %s, NULL, COALESCE(s.channel, %s) IN (%s, %s), NULL
        FROM {Follow._meta.db_table} f
        JOIN {_readers().model._meta.db_table} r ON r.id = f.follower_id
        LEFT JOIN {NotificationSetting._meta.db_table} s ON s.reader_id = f.follower_id AND s.kind = %s
        WHERE f.followed_id = %s AND f.follower_id > %s AND f.follower_id <= %s AND r.is_active = %s
          AND NOT EXISTS (
              SELECT 1 FROM {Ignore._meta.db_table} i
              WHERE i.reader_id = f.follower_id AND i.ignored_id = %s
          )
          AND COALESCE(s.channel, %s) <> %s {not_direct}
        ON CONFLICT DO NOTHING
    """  # noqa: S608 - table names from the models; every value is a parameter
    params = [
        kind, common["source"], info.author_id, info.article_id, info.id, data, default,
        connection.ops.adapt_datetimefield_value(now), default, *sorted(map(str, EMAIL_CHANNELS)),
        kind,
        info.author_id, after, last, True,
        info.author_id,
        default, str(Channel.OFF), *leave_out,
    ]  # fmt: skip
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        transaction.on_commit(lambda: selectors.forget_unread(recipients))
    return list(
        Notification.objects.filter(
            kind=kind,
            source=common["source"],
            recipient_id__gt=after,
            recipient_id__lte=last,
            delivery=Channel.EMAIL_NOW,
            email_pending=True,
        ).values_list("pk", flat=True)
    )


def notify_reaction(*, comment_id: int) -> list[int]:
    """Readers reacted to a comment: its author has one notification for it, saying how
    many ("12 readers respected your comment"), which comes back unread as more react.
    Readers the author ignores are not counted."""
    info = _published(comment_id)
    if info is None:
        return []
    author = info.author_id
    if not _readers().filter(pk=author, is_active=True).exists():
        return []
    ignored = set(Ignore.objects.filter(reader_id=author).values_list("ignored_id", flat=True))
    count, latest = sources.reactions_from(comment_id=comment_id, excluding_reader_ids=ignored | {author})
    if not count:
        return []
    channel = selectors.channel_for(kind=Kind.REACTION, reader_id=author)
    if channel == Channel.OFF:
        return []
    common = {"recipient_id": author, "kind": Kind.REACTION, "source": _comment_source(comment_id)}
    news = {
        "count": count,
        "actor_id": latest,
        "article_id": info.article_id,
        "comment_id": comment_id,
        "data": {"excerpt": sources.plain_excerpt(info.body_html)},
        "delivery": channel,
        "email_pending": channel in EMAIL_CHANNELS,
        "created_at": timezone.now(),
        "read_at": None,
    }
    with transaction.atomic():
        existing = Notification.objects.select_for_update().filter(**common).first()
        if existing is None:
            try:
                with transaction.atomic():
                    existing = Notification.objects.create(**common, **news)
            except IntegrityError:  # another run created it meanwhile: count again next time
                return []
        elif count > existing.count:
            Notification.objects.filter(pk=existing.pk).update(**news)
        else:
            if count < existing.count:  # someone took theirs back: say so, quietly
                Notification.objects.filter(pk=existing.pk).update(count=count)
            return []
        transaction.on_commit(lambda: selectors.forget_unread([author]))
    return [existing.pk] if channel == Channel.EMAIL_NOW else []


def notify_comment_featured(*, comment_id: int) -> list[int]:
    """The editors featured a comment: its author hears of it."""
    info = _published(comment_id)
    if info is None:
        return []
    return notify(
        kind=Kind.COMMENT_FEATURED,
        recipient_ids=[info.author_id],
        **{**_common(info), "actor_id": None},
    )


def notify_comment_rejected(*, comment_id: int, reason: str = "") -> list[int]:
    """A moderator (or the pipeline) rejected a comment: its author hears why. Nothing is
    sent if it was published again, or deleted, before this ran."""
    info = sources.comment_info(comment_id)
    if info is None or info.status != "rejected" or info.deleted or info.author_id is None:
        return []
    common = _common(info)
    common["data"]["reason"] = " ".join((reason or info.moderation_reason or "").split())[:300]
    return notify(
        kind=Kind.COMMENT_REJECTED,
        recipient_ids=[info.author_id],
        **{**common, "actor_id": None},
    )
