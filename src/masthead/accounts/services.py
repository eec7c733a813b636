"""Every write about readers: accounts, profiles, roles, sanctions, tokens, erasure."""

import hashlib
from datetime import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from masthead.accounts import selectors, signals, tokens
from masthead.accounts.models import PersonalAccessToken, Reader, RetiredUsername, SignIn
from masthead.accounts.roles import ADMIN, ROLES, STAFF_ROLES, sync_role_groups
from masthead.accounts.tokens import token_digest, token_generate, token_visible_prefix
from masthead.core.audit import audit_log
from masthead.core.errors import MastheadError, NotFound

MAX_ACTIVE_TOKENS = 25
SIGN_IN_HISTORY = 20


def _invalid(error: ValidationError) -> MastheadError:
    fields = {name: [str(m) for m in messages] for name, messages in error.message_dict.items()}
    first = next(iter(fields.values()))[0]
    return MastheadError("validation_error", first, 422, fields=fields)


@transaction.atomic
def reader_create(
    *,
    username: str,
    email: str,
    password: str | None,
    role: str = "reader",
    display_name: str = "",
    bio: str = "",
    email_verified: bool = False,
) -> Reader:
    """Create an account with one role and its primary email address.

    Staff roles may use the admin; admins are superusers. ``email_verified`` is for
    operators (createreader --verified) and tests; readers confirm through the emailed link.
    """
    if role not in ROLES:
        raise MastheadError(
            "validation_error",
            f"Unknown role {role!r}.",
            422,
            fields={"role": [f"One of {', '.join(ROLES)}."]},
        )
    if not selectors.username_is_available(username):
        raise MastheadError("conflict", f"The username {username!r} is taken.", 409)
    reader = Reader(
        username=username,
        email=email.strip(),
        display_name=display_name,
        bio=bio,
        is_staff=role in STAFF_ROLES,
        is_superuser=role == ADMIN,
    )
    if password:
        reader.set_password(password)
    else:
        reader.set_unusable_password()
    try:
        reader.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise _invalid(exc) from exc
    reader.save()
    if reader.email:
        EmailAddress.objects.create(user=reader, email=reader.email, primary=True, verified=email_verified)
    reader_set_role(reader=reader, role=role)
    return reader


def reader_set_role(*, reader: Reader, role: str) -> None:
    if not Group.objects.filter(name=role).exists():
        sync_role_groups()
    reader.groups.set([Group.objects.get(name=role)])
    reader.is_staff = role in STAFF_ROLES
    reader.is_superuser = role == ADMIN
    reader.save(update_fields=["is_staff", "is_superuser"])


def reader_profile_update(*, reader: Reader, display_name: str, bio: str) -> Reader:
    """Change what other readers see. The username never changes."""
    reader.display_name = " ".join(display_name.split())
    reader.bio = bio.strip().replace("\r\n", "\n")
    try:
        reader.clean_fields(
            exclude=[f.name for f in Reader._meta.fields if f.name not in ("display_name", "bio")]
        )
    except ValidationError as exc:
        reader.refresh_from_db(fields=["display_name", "bio"])
        raise _invalid(exc) from exc
    reader.save(update_fields=["display_name", "bio"])
    return reader


# --- Sanctions. The moderation desk calls these; each is written to the audit log.


@transaction.atomic
def reader_suspend(*, reader: Reader, until: datetime, message: str, actor: Reader | None) -> Reader:
    if until <= timezone.now():
        raise MastheadError(
            "validation_error",
            "A suspension ends in the future.",
            422,
            fields={"until": ["Must be in the future."]},
        )
    reader.suspended_until = until
    reader.sanction_message = message[:500]
    reader.save(update_fields=["suspended_until", "sanction_message"])
    audit_log(actor=actor, action="reader.suspend", target=reader, reason=message, until=until.isoformat())
    return reader


@transaction.atomic
def reader_ban(*, reader: Reader, message: str, actor: Reader | None) -> Reader:
    reader.banned_at = timezone.now()
    reader.suspended_until = None
    reader.sanction_message = message[:500]
    reader.save(update_fields=["banned_at", "suspended_until", "sanction_message"])
    audit_log(actor=actor, action="reader.ban", target=reader, reason=message)
    return reader


@transaction.atomic
def reader_reinstate(*, reader: Reader, actor: Reader | None, reason: str = "") -> Reader:
    reader.banned_at = None
    reader.suspended_until = None
    reader.sanction_message = ""
    reader.save(update_fields=["banned_at", "suspended_until", "sanction_message"])
    audit_log(actor=actor, action="reader.reinstate", target=reader, reason=reason)
    return reader


# --- Personal access tokens.


@transaction.atomic
def token_create(*, reader: Reader, name: str) -> tuple[PersonalAccessToken, str]:
    """A new token for ``reader``; returns the row and the secret, which is never shown again."""
    name = " ".join(name.split())
    if not 1 <= len(name) <= 60:
        raise MastheadError(
            "validation_error",
            "Give the token a name of 1 to 60 characters.",
            422,
            fields={"name": ["1 to 60 characters."]},
        )
    active = PersonalAccessToken.objects.select_for_update().filter(reader=reader, revoked_at__isnull=True)
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise MastheadError(
            "too_many_tokens", f"You can have {MAX_ACTIVE_TOKENS} active tokens; revoke one first.", 409
        )
    raw = token_generate()
    token = PersonalAccessToken.objects.create(
        reader=reader, name=name, prefix=token_visible_prefix(raw), digest=token_digest(raw)
    )
    return token, raw


def token_revoke(*, reader: Reader, token_id: int) -> PersonalAccessToken:
    """Revoke one of the reader's tokens; it stops working at once. Revoking twice is fine."""
    token = PersonalAccessToken.objects.filter(pk=token_id, reader=reader).first()
    if token is None:
        raise NotFound("No token of yours by that id.")
    if token.revoked_at is None:
        PersonalAccessToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        token.refresh_from_db(fields=["revoked_at"])
        tokens.forget()  # workers that remember it checked forget it
    return token


# --- Sign-in history.


def sign_in_record(*, reader: Reader, ip_address: str | None, user_agent: str) -> SignIn:
    """Remember a successful sign-in, keeping only the latest SIGN_IN_HISTORY."""
    entry = SignIn.objects.create(reader=reader, ip_address=ip_address or None, user_agent=user_agent[:255])
    stale = (
        SignIn.objects.filter(reader=reader)
        .order_by("-at", "-id")
        .values_list("pk", flat=True)[SIGN_IN_HISTORY:]
    )
    SignIn.objects.filter(pk__in=list(stale)).delete()
    return entry


# --- Erasure.


def username_retire(username: str) -> None:
    digest = hashlib.sha256(username.casefold().encode()).hexdigest()
    try:
        with transaction.atomic():
            RetiredUsername.objects.get_or_create(digest=digest)
    except IntegrityError:  # retired concurrently: the name is retired either way
        pass


def reader_delete(*, reader: Reader, password: str) -> None:
    """Erase the reader's account after they confirmed their password.

    Other apps clean up through ``signals.reader_deleting`` (comments become tombstones).
    The row and everything hanging off it goes (email addresses, tokens, sign-ins); the
    username is retired so nobody can sign up under it to pass as the reader.
    """
    if not password or not reader.check_password(password):
        raise MastheadError("password_incorrect", "That is not your current password.", 403)
    reader_erase(reader=reader)


@transaction.atomic
def reader_erase(*, reader: Reader) -> None:
    """Erase without a password check (the admin, or reader_delete once it checked)."""
    reader_id, username = reader.pk, reader.username
    signals.reader_deleting.send(sender=Reader, reader=reader)
    username_retire(username)
    reader.delete()
    transaction.on_commit(
        lambda: signals.reader_deleted.send(sender=Reader, reader_id=reader_id, username=username)
    )
