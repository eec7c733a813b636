"""Keyset ("cursor") pagination: stable while new rows arrive, never page offsets.

A cursor is the ordering values of the last row served, signed so clients treat it as
opaque and cannot smuggle anything into the query.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from masthead.core.errors import MastheadError

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
_SALT = "masthead.cursor"


@dataclass
class Page:
    items: list
    next_cursor: str | None


def bad_cursor() -> MastheadError:
    return MastheadError(
        "validation_error",
        "That cursor is not one we issued; start again from the first page.",
        422,
        fields={"cursor": ["Invalid or expired cursor."]},
    )


def _salt(scope: str) -> str:
    return f"{_SALT}:{scope}" if scope else _SALT


def encode_cursor(values: Sequence[Any], *, scope: str = "") -> str:
    """``scope`` names the ordering; a cursor is only accepted back with the same scope."""
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return signing.dumps(plain, salt=_salt(scope), compress=True)


def decode_cursor(cursor: str, length: int, *, scope: str = "") -> list:
    try:
        values = signing.loads(cursor, salt=_salt(scope))
    except (signing.BadSignature, ValueError, TypeError, UnicodeError) as exc:
        raise bad_cursor() from exc
    if not isinstance(values, list) or len(values) != length:
        raise bad_cursor()
    if not all(isinstance(v, str | int | float) for v in values):
        raise bad_cursor()
    return values


def clamp_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise MastheadError(
            "validation_error",
            f"limit must be between 1 and {MAX_LIMIT}.",
            422,
            fields={"limit": [f"Must be between 1 and {MAX_LIMIT}."]},
        )
    return limit


def _after(order: Sequence[str], values: Sequence[Any]) -> Q:
    """Rows strictly after ``values`` in ``order`` (each field prefixed '-' for descending)."""
    condition = Q()
    for i, field in enumerate(order):
        name = field.lstrip("-")
        lookup = "lt" if field.startswith("-") else "gt"
        step = Q(**{f"{name}__{lookup}": values[i]})
        for prev_field, prev_value in zip(order[:i], values[:i], strict=True):
            step &= Q(**{prev_field.lstrip("-"): prev_value})
        condition |= step
    return condition


def keyset_page(queryset: QuerySet, *, order: Sequence[str], cursor: str | None, limit: int | None) -> Page:
    """One page of ``queryset`` in ``order``; the last field must be unique (the id)."""
    size = clamp_limit(limit)
    scope = ",".join(order)
    queryset = queryset.order_by(*order)
    if cursor:
        values = decode_cursor(cursor, len(order), scope=scope)
        try:
            queryset = queryset.filter(_after(order, values))
        except (TypeError, ValueError, ValidationError) as exc:
            # The signature proves we issued the cursor, not that this listing did: another
            # keyset's cursor (a search score where a date belongs) must not become a 500.
            raise bad_cursor() from exc
    rows = list(queryset[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = encode_cursor([_value(last, f.lstrip("-")) for f in order], scope=scope)
    return Page(items=rows, next_cursor=next_cursor)


def _value(row, path: str):
    if isinstance(row, dict):  # a ``values()`` row
        return row[path]
    for part in path.split("__"):
        row = getattr(row, part)
    return row
