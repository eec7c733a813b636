"""Every write a reader makes in the community: follows, ignores, options, read marks.

Notifications themselves are written by ``community.fanout``, always from a background
task after the change that caused them committed (``community.tasks``).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction

from masthead.accounts.selectors import reader_can_post
from masthead.community import selectors
from masthead.community.kinds import CHANNELS, EMAIL_CHANNELS, KINDS, Channel, default_channels
from masthead.community.models import CommunityProfile, Follow, Ignore, Notification, NotificationSetting
from masthead.community.tokens import unsubscribe_read
from masthead.core import ratelimit
from masthead.core.errors import MastheadError, NotFound


def _signed_in(reader) -> None:
    if not getattr(reader, "is_authenticated", False) or not reader.is_active:
        raise MastheadError("not_authenticated", "Sign in first.", 401)


def _not_self(actor, other, message: str) -> None:
    if actor.pk == other.pk:
        raise MastheadError("validation_error", message, 422, fields={"username": [message]})


def _forget(reader, *names: str) -> None:
    """Drop what selectors remembered on the instance (``followed_ids``, ``ignored_ids``)."""
    for name in names:
        reader.__dict__.pop(name, None)


# --- Follows.


def follow_create(*, follower, followed) -> bool:
    """``follower`` follows ``followed``; following again changes nothing. True if new.

    Following is taking part, so the follower must be allowed to (verified, not suspended
    or banned). Nobody follows themselves (422) or a reader who takes no followers (403
    ``not_followable``). ``followed`` hears about it from a background task, unless they
    ignore the follower.
    """
    reader_can_post(follower)
    _not_self(follower, followed, "You cannot follow yourself.")
    with transaction.atomic():
        if Follow.objects.filter(follower_id=follower.pk, followed_id=followed.pk).exists():
            return False
        if not selectors.community_profile(followed).accepts_followers:
            raise MastheadError(
                "not_followable", f"{followed.public_name} has chosen not to have followers.", 403
            )
        if not follower.is_staff:
            ratelimit.consume(
                scope="community_follow",
                key=str(follower.pk),
                rate=settings.COMMUNITY_FOLLOW_RATE_LIMIT,
                message="You are following readers faster than we allow.",
            )
        try:
            with transaction.atomic():
                Follow.objects.create(follower_id=follower.pk, followed_id=followed.pk)
        except IntegrityError:
            return False  # a concurrent request got there first: following either way
        _forget(follower, "_masthead_followed_ids")
        from masthead.community import tasks

        # With the follow's transaction: on the database queue the task commits with it.
        tasks.enqueue_on_commit(tasks.notify_new_follower, follower_id=follower.pk, followed_id=followed.pk)
    return True


def follow_delete(*, follower, followed) -> bool:
    """``follower`` stops following ``followed``; doing it again changes nothing. True if it
    was a follow. Anyone signed in may unfollow, sanctioned or not."""
    _signed_in(follower)
    removed, _ = Follow.objects.filter(follower_id=follower.pk, followed_id=followed.pk).delete()
    _forget(follower, "_masthead_followed_ids")
    return bool(removed)


# --- Ignores.


def ignore_create(*, reader, ignored) -> bool:
    """``reader`` ignores ``ignored``: their comments and notifications disappear for the
    reader, who stops being notified about them; ``ignored`` is never told. Idempotent.
    Anyone signed in may ignore: it protects, it does not take part."""
    _signed_in(reader)
    _not_self(reader, ignored, "You cannot ignore yourself.")
    try:
        with transaction.atomic():
            _, created = Ignore.objects.get_or_create(reader_id=reader.pk, ignored_id=ignored.pk)
    except IntegrityError:
        created = False
    _forget(reader, "_masthead_ignored_ids")
    reader_id = reader.pk
    transaction.on_commit(lambda: selectors.forget_unread([reader_id]))
    return created


def ignore_delete(*, reader, ignored) -> bool:
    _signed_in(reader)
    removed, _ = Ignore.objects.filter(reader_id=reader.pk, ignored_id=ignored.pk).delete()
    _forget(reader, "_masthead_ignored_ids")
    reader_id = reader.pk
    transaction.on_commit(lambda: selectors.forget_unread([reader_id]))
    return bool(removed)


# --- Privacy options.


@transaction.atomic
def community_profile_update(
    *, reader, followers_private: bool | None = None, accepts_followers: bool | None = None
) -> CommunityProfile:
    """Change the reader's options; ``None`` leaves one as it is. Taking no followers
    removes the current ones too: nobody keeps following a reader who asked not to be."""
    _signed_in(reader)
    profile, _ = CommunityProfile.objects.select_for_update().get_or_create(reader_id=reader.pk)
    if followers_private is not None:
        profile.followers_private = followers_private
    if accepts_followers is not None:
        profile.accepts_followers = accepts_followers
    profile.save()
    if not profile.accepts_followers:
        Follow.objects.filter(followed_id=reader.pk).delete()
    return profile


# --- Notification settings.


def _invalid_settings(fields: dict[str, list[str]]) -> MastheadError:
    return MastheadError("validation_error", "Some notification settings are not valid.", 422, fields=fields)


@transaction.atomic
def notification_settings_update(*, reader, changes: dict[str, str]) -> dict[str, str]:
    """Set the reader's channel for the kinds in ``changes``; returns every kind's channel.

    Only choices that differ from the default are stored, so a later change of a default
    reaches every reader who never chose otherwise.
    """
    _signed_in(reader)
    errors = {}
    for kind, channel in changes.items():
        if kind not in KINDS:
            errors[kind] = [f"Not a kind of notification; kinds are: {', '.join(KINDS)}."]
        elif channel not in CHANNELS:
            errors[kind] = [f"Choose one of: {', '.join(CHANNELS)}."]
    if errors:
        raise _invalid_settings(errors)
    defaults = default_channels()
    for kind, channel in changes.items():
        rows = NotificationSetting.objects.filter(reader_id=reader.pk, kind=kind)
        if channel == defaults[kind]:
            rows.delete()
        else:
            NotificationSetting.objects.update_or_create(
                reader_id=reader.pk, kind=kind, defaults={"channel": channel}
            )
        if channel not in EMAIL_CHANNELS:
            # What was waiting to be emailed stays on the bell, and is not emailed.
            Notification.objects.filter(recipient_id=reader.pk, kind=kind, email_pending=True).update(
                email_pending=False
            )
    return selectors.notification_settings(reader=reader)


# --- Reading.


def notifications_mark_read(*, reader, ids: list[int] | None = None, everything: bool = False) -> int:
    """Mark some of the reader's notifications read (others' ids are ignored), or all of
    them; returns how many are still unread."""
    from django.utils import timezone

    _signed_in(reader)
    unread = Notification.objects.filter(recipient_id=reader.pk, read_at__isnull=True)
    if not everything:
        if not ids:
            raise MastheadError(
                "validation_error",
                "Send the ids of the notifications to mark read, or all: true.",
                422,
                fields={"ids": ["Give at least one id, or send all: true."]},
            )
        unread = unread.filter(pk__in=ids)
    unread.update(read_at=timezone.now())
    selectors.forget_unread([reader.pk])
    return selectors.unread_count(reader=reader)


def notification_open(*, reader, notification_id: int) -> Notification:
    """The reader follows a notification: it is read now; returns it, with its ``url``."""
    from django.utils import timezone

    _signed_in(reader)
    notification = selectors.notification_get(reader=reader, notification_id=notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
        selectors.forget_unread([reader.pk])
    return notification


# --- Unsubscribing from an email's link.


@dataclass
class Unsubscribed:
    reader: object
    scope: str
    kinds: list[str]  # the kinds whose emails stopped


def unsubscribe_check(*, token: str):
    """(reader, scope) for a valid unsubscribe token of an existing account; NotFound else."""
    from masthead.accounts.models import Reader

    found = unsubscribe_read(token)
    reader = Reader.objects.filter(pk=found[0], is_active=True).first() if found else None
    if reader is None:
        raise NotFound("That unsubscribe link is not valid, or the account no longer exists.")
    return reader, found[1]


@transaction.atomic
def unsubscribe(*, token: str) -> Unsubscribed:
    """Stop the emails a signed link names, with no session (RFC 8058 one-click): a kind's
    emails, the daily digest (every kind sent in it) or all of them. The notifications
    stay on the site; the reader can email themselves again from their settings."""
    reader, scope = unsubscribe_check(token=token)
    current = selectors.notification_settings(reader=reader)
    if scope.startswith("kind:"):
        kinds = [scope.removeprefix("kind:")]
    elif scope == "digest":
        kinds = [k for k, channel in current.items() if channel == Channel.EMAIL_DAILY]
    else:
        kinds = [k for k, channel in current.items() if channel in EMAIL_CHANNELS]
    changes = {kind: Channel.IN_APP for kind in kinds if current[kind] in EMAIL_CHANNELS}
    if changes:
        notification_settings_update(reader=reader, changes=changes)
    return Unsubscribed(reader=reader, scope=scope, kinds=sorted(changes))
