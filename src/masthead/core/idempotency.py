"""``Idempotency-Key`` for any POST that creates something (shared API.md, Conventions).

The same key sent again by the same owner within 24 hours returns the first result and
creates nothing, whether the retry comes after the first request finished or while it
is still running. The key is stored (as a SHA-256 digest) on the row it created, under a
unique constraint: two concurrent requests cannot both insert, and the loser reads the
winner's row. No separate table, no lock, nothing to clean up: a key older than the
window is released the next time it is used.

To make a model's creation idempotent:

    class Donation(IdempotentModel, BaseModel):
        ...
        class Meta:
            constraints = [idempotency_constraint("reader", name="donation_idempotency_key")]

    def donation_create(*, reader, amount, idempotency_key=None):
        donation, created = idempotent_create(
            queryset=Donation.objects.filter(reader=reader),
            key=idempotency_key,
            fingerprint=fingerprint(amount),
            create=lambda stamp: Donation.objects.create(reader=reader, amount=amount, **stamp),
        )

and in the API handler ``idempotency_key=key_from_request(request)``. HTML forms carry a
key too (``new_key()`` in a hidden field), so a double-clicked submit posts once.
"""

import hashlib
import json
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from masthead.core.errors import MastheadError

HEADER = "Idempotency-Key"
WINDOW = timedelta(hours=24)
MAX_KEY_LENGTH = 255


class IdempotentModel(models.Model):
    """The columns an idempotently created row keeps: which key created it, and a digest
    of what was asked for (a key reused for a different request is refused, not replayed)."""

    idempotency_key = models.CharField(max_length=64, null=True, blank=True, editable=False)
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True


def idempotency_constraint(*owner_fields: str, name: str) -> models.UniqueConstraint:
    """One key per owner: the constraint that makes concurrent retries safe."""
    return models.UniqueConstraint(
        fields=[*owner_fields, "idempotency_key"],
        condition=Q(idempotency_key__isnull=False),
        name=name,
    )


def _invalid(message: str) -> MastheadError:
    return MastheadError("validation_error", message, 422, fields={HEADER: [message]})


def validate_key(raw: str | None) -> str | None:
    """The key as given (``None`` when absent); 422 ``validation_error`` when malformed."""
    if raw is None:
        return None
    key = raw.strip()
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise _invalid(f"An {HEADER} is 1 to {MAX_KEY_LENGTH} characters.")
    if not key.isprintable() or not key.isascii():
        raise _invalid(f"An {HEADER} is printable ASCII (a UUID is a good choice).")
    return key


def key_from_request(request) -> str | None:
    """The request's ``Idempotency-Key`` header, validated."""
    return validate_key(request.headers.get(HEADER))


def new_key() -> str:
    """A fresh key, for a form to send back with its submission."""
    return uuid.uuid4().hex


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def fingerprint(*parts) -> str:
    """A digest of what a request asked for, to tell a retry from a reused key."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _replay[T: models.Model](existing: T, expected_fingerprint: str) -> T:
    stored = existing.idempotency_fingerprint
    if stored and expected_fingerprint and stored != expected_fingerprint:
        raise MastheadError(
            "conflict",
            f"This {HEADER} was already used for a different request; send a new key.",
            409,
        )
    return existing


def idempotent_create[T: models.Model](
    *,
    queryset: models.QuerySet,
    key: str | None,
    fingerprint: str = "",
    create: Callable[[dict], T],
    created_field: str = "created_at",
) -> tuple[T, bool]:
    """Create through ``create(stamp)`` unless ``key`` already created something.

    ``queryset`` is the owner's rows (``Comment.objects.filter(author=reader)``).
    ``create`` must save the new row with ``**stamp`` (the key's columns) and return it; it
    runs in a savepoint, so if it loses a race to a concurrent request with the same key,
    everything it wrote is undone and the winner's row is returned instead. Returns
    ``(row, created)``; ``created`` is False for a replay.
    """
    if key is None:
        return create({}), True
    key_digest = digest(key)
    stamp = {"idempotency_key": key_digest, "idempotency_fingerprint": fingerprint}
    existing = queryset.filter(idempotency_key=key_digest).first()
    if existing is not None:
        if getattr(existing, created_field) >= timezone.now() - WINDOW:
            return _replay(existing, fingerprint), False
        # Expired: the key is free again.
        queryset.filter(pk=existing.pk, idempotency_key=key_digest).update(idempotency_key=None)
    try:
        with transaction.atomic():
            return create(stamp), True
    except IntegrityError:
        # A concurrent request with the same key committed first (PostgreSQL made this
        # insert wait for it, then refused it). Anything else is not ours to swallow.
        existing = queryset.filter(idempotency_key=key_digest).first()
        if existing is None:
            raise
        return _replay(existing, fingerprint), False
