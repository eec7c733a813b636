"""Notification emails: one at once (``email_now``) or a daily digest (``email_daily``).

Each email has a plain-text and an HTML part rendered from templates (what readers wrote
is escaped there, and reaches them as plain words: ``sources.plain_excerpt`` dropped the
links and images), a one-click unsubscribe (``List-Unsubscribe`` and
``List-Unsubscribe-Post``, RFC 8058) and a link to the notification settings. Every
header value is built here from single-line text, so nothing a reader typed can add a
header of its own.

Sending claims each notification (``email_pending`` off) just before its email goes, so a
task that runs twice, two workers, or a task run again after its worker died send each
email once; a failed send puts the claim back for the next attempt.
"""

import logging
import re
import unicodedata
from datetime import timedelta
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from masthead.community import selectors, sources
from masthead.community.kinds import EMAIL_CHANNELS, Channel
from masthead.community.models import Digest, Ignore, Notification
from masthead.community.tokens import unsubscribe_token

log = logging.getLogger(__name__)

SUBJECT_LENGTH = 150
DIGEST_SHOWN = 50  # notifications listed in one digest; the rest are on the site
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def header_text(value: str, *, limit: int = SUBJECT_LENGTH) -> str:
    """``value`` as a safe header: one line, no control characters, at most ``limit`` long."""
    cleaned = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in str(value))
    cleaned = " ".join(cleaned.split())
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "…"
    return cleaned


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _unsubscribe_url(reader_id: int, scope: str) -> str:
    token = unsubscribe_token(reader_id=reader_id, scope=scope)
    return absolute(reverse("community:unsubscribe", args=[token]))


def _list_id() -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"{header_text(settings.SITE_NAME, limit=80)} notifications <notifications.{host}>"


def _headers(unsubscribe_url: str) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": _list_id(),
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
    }


def _plain_name(name: str) -> str:
    """A reader's name as emails show it: no addresses that a mail client would make a link of."""
    return header_text(_URL.sub("", name), limit=60) or "A reader"


def _entry(notification: Notification) -> dict:
    """What the templates show of one notification: plain text, escaped where they render."""
    # Emails name the reader without anything a mail client would turn into a link.
    text = selectors.notification_text(notification, name=_plain_name(selectors.actor_name(notification)))
    return {
        "text": header_text(text, limit=600),
        "url": absolute(selectors.notification_url(notification)),
        "kind": notification.kind,
        "kind_label": notification.get_kind_display(),
        "at": notification.created_at,
    }


def _message(*, reader, subject: str, template: str, context: dict, scope: str) -> EmailMultiAlternatives:
    unsubscribe_url = _unsubscribe_url(reader.pk, scope)
    context = {
        **context,
        "reader_name": _plain_name(reader.display_name or reader.username),
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "settings_url": absolute(reverse("community:settings")),
        "notifications_url": absolute(reverse("community:notifications")),
        "unsubscribe_url": unsubscribe_url,
    }
    text = render_to_string(f"community/email/{template}.txt", context)
    html = render_to_string(f"community/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=header_text(f"[{settings.SITE_NAME}] {subject}"),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reader.email],
        headers=_headers(unsubscribe_url),
    )
    message.attach_alternative(html, "text/html")
    return message


def notification_message(notification: Notification) -> EmailMultiAlternatives:
    entry = _entry(notification)
    return _message(
        reader=notification.recipient,
        subject=entry["text"],
        template="notification",
        context={"entry": entry},
        scope=f"kind:{notification.kind}",
    )


def digest_message(*, reader, entries: list[dict], more: int) -> EmailMultiAlternatives:
    total = len(entries) + more
    subject = f"Your daily notifications: {total} new" if total != 1 else "Your daily notifications: 1 new"
    return _message(
        reader=reader,
        subject=subject,
        template="digest",
        context={"entries": entries, "more": more, "total": total},
        scope="digest",
    )


# --- Who may still be emailed.


def _verified_readers(readers) -> set[int]:
    """Readers whose address is confirmed: nothing is emailed to an address nobody confirmed."""
    readers = [r for r in readers if r.is_active and r.email]
    confirmed = EmailAddress.objects.filter(user_id__in=[r.pk for r in readers], verified=True)
    pairs = {(pk, email.casefold()) for pk, email in confirmed.values_list("user_id", "email")}
    return {r.pk for r in readers if (r.pk, r.email.casefold()) in pairs}


def _still_wanted(notifications: list[Notification]) -> list[Notification]:
    """Those whose recipient still wants the email and may still see what it is about."""
    if not notifications:
        return []
    recipients = {n.recipient_id: n.recipient for n in notifications}
    verified = _verified_readers(recipients.values())
    ignored = set(
        Ignore.objects.filter(
            reader_id__in=list(recipients), ignored_id__in={n.actor_id for n in notifications if n.actor_id}
        ).values_list("reader_id", "ignored_id")
    )
    channels = {}
    for kind in {n.kind for n in notifications}:
        for pk, channel in selectors.channels_for(kind=kind, reader_ids=list(recipients)).items():
            channels[pk, kind] = channel
    comment_ids = {n.comment_id for n in notifications if n.comment_id}
    visible = _visible_comment_ids(comment_ids)
    wanted = []
    for n in notifications:
        about_comment_ok = (
            n.comment_id is None or n.kind in selectors.SHOWN_WHATEVER_THE_COMMENT or n.comment_id in visible
        )
        if (
            n.recipient_id in verified
            and (n.recipient_id, n.actor_id) not in ignored
            and channels[n.recipient_id, n.kind] in EMAIL_CHANNELS
            and about_comment_ok
            and (n.article is None or n.article.is_published)
        ):
            wanted.append(n)
    return wanted


def _visible_comment_ids(comment_ids: set[int]) -> set[int]:
    visible = set()
    for pk in comment_ids:
        info = sources.comment_info(pk)
        if info is not None and info.visible:
            visible.add(pk)
    return visible


# --- Sending.


def _claim(queryset) -> list[int]:
    """Take the notifications waiting in ``queryset`` for this sender alone."""
    with transaction.atomic():
        ids = list(queryset.select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True))
        Notification.objects.filter(pk__in=ids).update(email_pending=False, emailed_at=timezone.now())
    return ids


def _unclaim(ids: list[int]) -> None:
    Notification.objects.filter(pk__in=ids).update(email_pending=True, emailed_at=None)


def _claim_one(pk: int) -> bool:
    """Take one waiting notification for this sender alone: of two senders (a task run
    twice, two workers), the conditional update lets one win."""
    taken = Notification.objects.filter(pk=pk, email_pending=True)
    return bool(taken.update(email_pending=False, emailed_at=timezone.now()))


def send_now(*, notification_ids: list[int]) -> int:
    """Email the ``email_now`` notifications named, each once; returns how many were sent.

    Each is claimed just before its message goes, over one connection, so a task whose
    worker dies half-way leaves the rest waiting for its next run (``core/tasks_recovery``),
    which sends those and nothing twice. Only the message in flight when the worker died
    may be lost: whether the mail server took it cannot be known."""
    waiting = list(
        Notification.objects.filter(
            pk__in=notification_ids, delivery=Channel.EMAIL_NOW, email_pending=True
        ).select_related("recipient", "actor", "article")
    )
    if not waiting:
        return 0
    wanted = _still_wanted(waiting)
    dropped = {n.pk for n in waiting} - {n.pk for n in wanted}
    if dropped:  # no longer wanted: nothing to send, now or later
        Notification.objects.filter(pk__in=dropped, email_pending=True).update(email_pending=False)
    sent = 0
    with mailers.default as connection:
        for notification in wanted:
            message = notification_message(notification)
            if not _claim_one(notification.pk):
                continue  # another sender has it
            try:
                sent += connection.send_messages([message]) or 0
            except Exception:
                _unclaim([notification.pk])
                log.exception("could not email notification %s (%d sent before it)", notification.pk, sent)
                raise
    return sent


def _today():
    return timezone.localdate()


def send_digest(*, reader_id: int, day=None) -> int:
    """Email the reader their daily digest for ``day`` (today), at most once per day;
    returns how many notifications it listed (0: nothing sent)."""
    from django.contrib.auth import get_user_model

    day = day or _today()
    reader = get_user_model().objects.filter(pk=reader_id).first()
    if reader is None or Digest.objects.filter(reader_id=reader_id, day=day).exists():
        return 0
    waiting = selectors.pending_email_notifications(reader_id=reader_id, delivery=Channel.EMAIL_DAILY)
    with transaction.atomic():
        claimed = _claim(waiting)
        notifications = list(
            Notification.objects.filter(pk__in=claimed)
            .select_related("recipient", "actor", "article")
            .order_by("-created_at", "-id")
        )
        # Read on the site already: no need to tell them again.
        unread = [n for n in notifications if n.read_at is None]
        wanted = _still_wanted(unread)
        if not wanted:
            return 0
        try:
            with transaction.atomic():
                digest = Digest.objects.create(reader_id=reader_id, day=day, notification_count=len(wanted))
        except IntegrityError:  # another run got there first: that one sends it
            transaction.set_rollback(True)
            return 0
    entries = [_entry(n) for n in wanted[:DIGEST_SHOWN]]
    message = digest_message(reader=reader, entries=entries, more=max(len(wanted) - DIGEST_SHOWN, 0))
    try:
        mailers.default.send_messages([message])
    except Exception:
        Digest.objects.filter(pk=digest.pk).delete()
        _unclaim([n.pk for n in wanted])
        log.exception("could not send the daily digest to reader %s", reader_id)
        raise
    Digest.objects.filter(pk=digest.pk).update(sent_at=timezone.now())
    return len(wanted)


def overdue_email_now_ids(*, older_than_seconds: int = 600) -> list[int]:
    """``email_now`` notifications still waiting well after they were made (their task
    failed or was lost): the daily run sends them."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        Notification.objects.filter(
            delivery=Channel.EMAIL_NOW, email_pending=True, created_at__lt=cutoff
        ).values_list("pk", flat=True)[:10_000]
    )
