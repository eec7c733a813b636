"""The reader's copy of everything stored about them (`GET /api/v1/me/export`).

Each app that stores something about a reader registers one export section, from its
AppConfig.ready()::

    from masthead.accounts.privacy import register_export_section

    @register_export_section("comments")
    def export_comments(reader):
        return [{"id": c.pk, "article": c.article.slug, "body": c.body, ...} for c in ...]

A section returns JSON-ready data (datetimes are fine). Secrets are never exported:
password hashes and token digests stay out, token metadata goes in. Erasure goes the
other way, through ``accounts.signals.reader_deleting``.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from masthead.accounts import selectors
from masthead.accounts.models import Reader

EXPORT_FORMAT = "masthead.reader-export/1"

ExportSection = Callable[[Reader], Any]
_sections: dict[str, ExportSection] = {}


def register_export_section(name: str):
    """Decorator: add ``name`` to every export, filled by the decorated function."""

    def decorator(collect: ExportSection) -> ExportSection:
        existing = _sections.get(name)
        if existing is not None and existing.__qualname__ != collect.__qualname__:
            raise ImproperlyConfigured(f"Two export sections are both called {name!r}.")
        _sections[name] = collect
        return collect

    return decorator


def export_section_names() -> list[str]:
    return list(_sections)


def reader_export(*, reader: Reader) -> dict:
    """Everything stored about ``reader``, section by section."""
    return {
        "format": EXPORT_FORMAT,
        "generated_at": timezone.now(),
        "site": settings.SITE_URL,
        "sections": {name: collect(reader) for name, collect in _sections.items()},
    }


# --- What accounts itself stores.


@register_export_section("profile")
def _profile(reader: Reader) -> dict:
    return {
        "username": reader.username,
        "display_name": reader.display_name,
        "bio": reader.bio,
        "email": reader.email,
        "joined_at": reader.date_joined,
        "last_sign_in_at": reader.last_login,
        "first_name": reader.first_name,
        "last_name": reader.last_name,
    }


@register_export_section("email_addresses")
def _email_addresses(reader: Reader) -> list[dict]:
    return [
        {"email": a.email, "verified": a.verified, "primary": a.primary}
        for a in selectors.email_address_list(reader=reader)
    ]


@register_export_section("roles")
def _roles(reader: Reader) -> dict:
    return {"roles": selectors.reader_roles(reader), "membership": selectors.reader_membership(reader)}


@register_export_section("standing")
def _standing(reader: Reader) -> dict:
    return {
        "suspended_until": reader.suspended_until,
        "banned_at": reader.banned_at,
        "message": reader.sanction_message,
    }


@register_export_section("access_tokens")
def _tokens(reader: Reader) -> list[dict]:
    return [
        {
            "name": t.name,
            "prefix": t.prefix,
            "created_at": t.created_at,
            "last_used_at": t.last_used_at,
            "revoked_at": t.revoked_at,
        }
        for t in selectors.token_list(reader=reader)
    ]


@register_export_section("sign_ins")
def _sign_ins(reader: Reader) -> list[dict]:
    return [
        {"at": s.at, "ip_address": s.ip_address, "user_agent": s.user_agent}
        for s in selectors.sign_in_list(reader=reader)
    ]
