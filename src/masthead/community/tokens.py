"""Signed one-click unsubscribe links (RFC 8058): they work without signing in.

A token names a reader and what to stop: one kind's emails (``kind:reply``), the daily
digest (``digest``) or every notification email (``all``). It is signed with the
SECRET_KEY and does not expire: a link in an old email still has to work. The worst a
leaked link can do is stop some emails, which the reader can turn back on.
"""

from django.core import signing

from masthead.community.kinds import KINDS

_SALT = "masthead.community.unsubscribe"
SCOPES = ("digest", "all", *(f"kind:{kind}" for kind in KINDS))


def unsubscribe_token(*, reader_id: int, scope: str) -> str:
    if scope not in SCOPES:
        raise ValueError(f"Unknown unsubscribe scope {scope!r}")
    return signing.dumps([reader_id, scope], salt=_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str] | None:
    """(reader id, scope) from a token we issued; None for anything else."""
    try:
        value = signing.loads(token, salt=_SALT)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        return None
    if not (isinstance(value, list) and len(value) == 2):
        return None
    reader_id, scope = value
    if not isinstance(reader_id, int) or scope not in SCOPES:
        return None
    return reader_id, scope
