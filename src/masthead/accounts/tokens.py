"""Personal access tokens: how they look, how they are stored, how one is checked.

A token is ``mhp_`` followed by 40 random URL-safe characters (240 bits). The database
keeps its SHA-256 digest and the first 12 characters, shown so a reader can recognise it.
A fast hash is right here: the secret is random, not a password, so nothing is gained by
stretching it, and every API call has to check it.

Each worker remembers a checked token (its reader, and whether their address is confirmed)
for ``TOKEN_CACHE_SECONDS``, so a client calling again costs one shared-cache read instead
of two queries. Revoking a token, or any change to a reader, their tokens or their email
addresses, makes every worker's memory stale at once (``forget``: a version in the shared
cache); each call gets its own copy of the reader, so nothing one request notes on it
(their roles) outlives the request. An unknown token is never remembered: a new one works
at once.
"""

import copy
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from masthead.accounts.models import PersonalAccessToken, Reader

TOKEN_PREFIX = "mhp_"  # noqa: S105 (a public marker that says what the secret is, not a secret)
VISIBLE_LENGTH = 12
# last_used_at is written at most this often per token, not on every call.
LAST_USED_PRECISION = timedelta(minutes=1)


def token_generate() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(30)


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_visible_prefix(raw: str) -> str:
    return raw[:VISIBLE_LENGTH]


VERSION_NAME = "tokens"
_MAX_REMEMBERED = 10_000


@dataclass
class _Checked:
    version: str
    expires: float
    token_id: int
    reader: Reader
    last_used_at: datetime | None


_remembered: dict[str, _Checked] = {}
_lock = threading.Lock()


def forget() -> None:
    """Every worker checks tokens against the database again (now, and after commit)."""
    from masthead.core import pagecache

    pagecache.bump(VERSION_NAME)
    transaction.on_commit(lambda: pagecache.bump(VERSION_NAME))


def on_change(sender=None, update_fields=None, action=None, **kwargs) -> None:
    """Receiver for saves and deletions of readers, tokens and email addresses."""
    if action is not None and not action.startswith("post_"):
        return
    if update_fields is not None and set(update_fields) <= {"last_login", "last_used_at"}:
        return  # a sign-in, or a token's use, changes nothing remembered here
    forget()


def _lookup(digest: str) -> PersonalAccessToken | None:
    return (
        PersonalAccessToken.objects.select_related("reader")
        .filter(digest=digest, revoked_at__isnull=True, reader__is_active=True)
        .first()
    )


def token_authenticate(raw: str) -> Reader | None:
    """The active reader a raw token belongs to, or None (unknown, revoked, inactive)."""
    raw = raw.strip()
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    digest = token_digest(raw)
    seconds = getattr(settings, "TOKEN_CACHE_SECONDS", 60)
    if seconds <= 0:
        token = _lookup(digest)
        if token is None:
            return None
        checked = _Checked("", 0.0, token.pk, token.reader, token.last_used_at)
    else:
        from masthead.accounts.selectors import reader_is_verified
        from masthead.core import pagecache

        (version,) = pagecache.versions([VERSION_NAME])
        checked = _remembered.get(digest)
        if checked is None or checked.version != version or checked.expires <= time.monotonic():
            token = _lookup(digest)
            if token is None:
                _remembered.pop(digest, None)
                return None
            reader_is_verified(token.reader)  # noted on the reader, so remembered with it
            checked = _Checked(
                version, time.monotonic() + seconds, token.pk, token.reader, token.last_used_at
            )
            with _lock:
                if len(_remembered) >= _MAX_REMEMBERED:
                    _remembered.clear()
                _remembered[digest] = checked
    now = timezone.now()
    if checked.last_used_at is None or checked.last_used_at < now - LAST_USED_PRECISION:
        PersonalAccessToken.objects.filter(pk=checked.token_id).update(last_used_at=now)
        checked.last_used_at = now
    return copy.copy(checked.reader)
