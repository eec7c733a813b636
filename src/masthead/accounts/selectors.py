"""Every read about readers, with who-may-see-what built in."""

import hashlib

from allauth.account.models import EmailAddress
from django.db.models import F, QuerySet
from django.utils import dateformat, timezone

from masthead.accounts.models import PersonalAccessToken, Reader, RetiredUsername, SignIn
from masthead.accounts.roles import ADMIN, ROLES
from masthead.core.errors import MastheadError, NotFound


def reader_is_verified(reader) -> bool:
    """True once the reader confirmed the address they use (their primary email).

    Remembered on the instance, so a page that asks several times costs one query.
    """
    if not getattr(reader, "is_authenticated", False) or not reader.email:
        return False
    cached = getattr(reader, "_masthead_email_verified", None)
    if cached is None:
        cached = EmailAddress.objects.filter(user=reader, email__iexact=reader.email, verified=True).exists()
        reader._masthead_email_verified = cached
    return cached


def reader_standing(reader: Reader) -> dict:
    """``{"status": "active"|"suspended"|"banned", "until": datetime|None, "message": str}``."""
    if reader.is_banned:
        return {"status": "banned", "until": None, "message": reader.sanction_message}
    if reader.is_suspended:
        return {"status": "suspended", "until": reader.suspended_until, "message": reader.sanction_message}
    return {"status": "active", "until": None, "message": ""}


def reader_can_post(reader) -> None:
    """Raise the reason ``reader`` may not write to the community right now, if any.

    Services that let readers write (comments, reports, follows) call this first. Codes:
    ``not_authenticated`` (401), then ``banned``, ``suspended``, ``email_unverified`` (403).
    """
    if not getattr(reader, "is_authenticated", False) or not reader.is_active:
        raise MastheadError("not_authenticated", "Sign in to take part.", 401)
    standing = reader_standing(reader)
    if standing["status"] == "banned":
        message = "Your account is banned from taking part."
        raise MastheadError("banned", _with_reason(message, standing["message"]), 403)
    if standing["status"] == "suspended":
        until = dateformat.format(timezone.localtime(standing["until"]), "j F Y, H:i T")
        message = f"Your account is suspended until {until}."
        raise MastheadError("suspended", _with_reason(message, standing["message"]), 403)
    if not reader_is_verified(reader):
        raise MastheadError(
            "email_unverified",
            "Confirm your email address before taking part: use the link we emailed you.",
            403,
        )


def _with_reason(message: str, reason: str) -> str:
    return f"{message} {reason}" if reason else message


def reader_roles(reader: Reader) -> list[str]:
    """The reader's roles in the fixed order of accounts.roles.ROLES; admins are superusers."""
    names = set(reader.groups.values_list("name", flat=True))
    if reader.is_superuser:
        names.add(ADMIN)
    return [role for role in ROLES if role in names]


def reader_membership(reader: Reader) -> dict:
    """The reader's Premium membership, as `/api/v1/me` shows it.

    Premium is not a role: it derives from the membership's state, decided in one place,
    the membership app's selectors (imported here, not at the top: membership builds on
    accounts).
    """
    from masthead.membership.selectors import reader_membership as membership_of

    return membership_of(reader)


def reader_comment_count(reader: Reader) -> int:
    """How many published comments the reader has (deleted ones not counted).

    Counted by the comments app (imported here, not at the top: comments builds on accounts).
    """
    from masthead.comments.selectors import reader_comment_count as count_of

    return count_of(reader)


def reader_follow_summary(*, reader: Reader, viewer) -> dict:
    """Follower and following counts, and whether ``viewer`` follows ``reader``.

    Follows belong to the community app, which answers (imported here, not at the top:
    community builds on accounts, not the other way round).
    """
    from masthead.community.selectors import follow_summary

    return follow_summary(reader=reader, viewer=viewer)


def reader_get_public(*, username: str) -> Reader:
    """An active reader by username, case-insensitively; NotFound otherwise."""
    reader = Reader.objects.filter(username__iexact=username, is_active=True).first()
    if reader is None:
        raise NotFound("No reader by that name.")
    return reader


def reader_public_profile(*, username: str, viewer) -> dict:
    """What anyone may see about a reader: never an email, an IP or a sanction."""
    reader = reader_get_public(username=username)
    return {
        "reader": reader,
        "username": reader.username,
        "display_name": reader.public_name,
        "bio": reader.bio,
        "joined_at": reader.date_joined,
        "comment_count": reader_comment_count(reader),
        **reader_follow_summary(reader=reader, viewer=viewer),
    }


def reader_own_profile(*, reader: Reader) -> dict:
    """Everything the reader sees about themselves on `/api/v1/me`."""
    standing = reader_standing(reader)
    return {
        "username": reader.username,
        "display_name": reader.public_name,
        "bio": reader.bio,
        "joined_at": reader.date_joined,
        "email": reader.email,
        "email_verified": reader_is_verified(reader),
        "roles": reader_roles(reader),
        "membership": reader_membership(reader),
        "standing": {
            "status": standing["status"],
            "until": standing["until"],
            "message": standing["message"],
        },
        "comment_count": reader_comment_count(reader),
        **reader_follow_summary(reader=reader, viewer=reader),
    }


def username_is_retired(username: str) -> bool:
    digest = hashlib.sha256(username.casefold().encode()).hexdigest()
    return RetiredUsername.objects.filter(digest=digest).exists()


def username_is_available(username: str) -> bool:
    return not (Reader.objects.filter(username__iexact=username).exists() or username_is_retired(username))


def token_list(*, reader: Reader) -> QuerySet[PersonalAccessToken]:
    """The reader's tokens, active first, newest first."""
    return PersonalAccessToken.objects.filter(reader=reader).order_by(
        F("revoked_at").desc(nulls_first=True), "-created_at", "-id"
    )


def sign_in_list(*, reader: Reader) -> QuerySet[SignIn]:
    return SignIn.objects.filter(reader=reader).order_by("-at", "-id")


def email_address_list(*, reader: Reader) -> QuerySet[EmailAddress]:
    return EmailAddress.objects.filter(user=reader).order_by("-primary", "email")


def reader_display_name(reader) -> str:
    """How allauth names the signed-in reader on its pages and in its messages."""
    return getattr(reader, "public_name", None) or str(reader)
