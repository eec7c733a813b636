"""The header's "Moderation" link (for moderators) and the desk's small formatting filters."""

from datetime import datetime

from django import template
from django.utils import dateformat, timezone

from masthead.moderation import selectors

register = template.Library()

POLL_SECONDS = 20


@register.simple_tag
def moderation_link(user) -> dict | None:
    """For moderators: how many comments wait (pending + reported); None for everyone else.
    Staff only are asked about their role (no query for readers); the counts come from
    the shared cache (refreshed every few seconds)."""
    if not getattr(user, "is_authenticated", False) or not (user.is_staff or user.is_superuser):
        return None
    if not selectors.is_moderator(user):
        return None
    counts = selectors.queue_counts(viewer=user)
    return {**counts, "waiting": counts["pending"] + counts["reported"], "poll_seconds": POLL_SECONDS}


@register.simple_tag
def moderation_poll_seconds() -> int:
    return POLL_SECONDS


@register.filter
def duration(seconds) -> str:
    """3600 → "1 h 0 min"; 90 → "1 min 30 s"; None → "—"."""
    if seconds is None:
        return "—"
    seconds = round(float(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{secs} s"


@register.filter
def percent(share) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


@register.filter
def rule_label(rule: str) -> str:
    return {
        "mode": "pre-moderation",
        "banned_words": "banned words",
        "suspect_words": "suspect words",
        "links": "links",
        "new_readers": "new reader",
        "repeats": "repeats",
        "rejection_rate": "rejection rate",
        "toxicity": "toxicity",
    }.get(rule, rule.replace("_", " "))


@register.filter
def moment(value) -> str:
    """An ISO 8601 string kept in the log's data ("until") as "27 Nov 2026, 16:40"."""
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if timezone.is_aware(when):
        when = timezone.localtime(when)
    return dateformat.format(when, "j M Y, H:i")
