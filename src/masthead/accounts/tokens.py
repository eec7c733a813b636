"""Personal access tokens: how they look, how they are stored, how one is checked.

A token is ``mhp_`` followed by 40 random URL-safe characters (240 bits). The database
keeps its SHA-256 digest and the first 12 characters, shown so a reader can recognise it.
A fast hash is right here: the secret is random, not a password, so nothing is gained by
stretching it, and every API call has to check it.
"""

import hashlib
import secrets
from datetime import timedelta

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


def token_authenticate(raw: str) -> Reader | None:
    """The active reader a raw token belongs to, or None (unknown, revoked, inactive)."""
    raw = raw.strip()
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        PersonalAccessToken.objects.select_related("reader")
        .filter(digest=token_digest(raw), revoked_at__isnull=True, reader__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_PRECISION:
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.reader
