"""``{% load community %}``: the bell's number, and a profile's follow and ignore buttons."""

from django import template
from django.conf import settings

from masthead.community import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """``{% unread_notifications as unread %}``: the signed-in reader's unread count."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return selectors.unread_count(reader=user) if getattr(user, "is_authenticated", False) else 0


@register.simple_tag
def unread_poll_seconds() -> int:
    return settings.COMMUNITY_UNREAD_POLL_SECONDS


@register.inclusion_tag("community/_follow_controls.html", takes_context=True)
def follow_controls(context, reader) -> dict:
    """Follow / unfollow and ignore / stop ignoring, as forms that need no JavaScript."""
    request = context.get("request")
    viewer = getattr(request, "user", None)
    return {
        "reader": reader,
        "controls": selectors.profile_controls(reader=reader, viewer=viewer),
        "csrf_token": context.get("csrf_token"),
        "request": request,
        "next": request.get_full_path() if request else "",
    }
