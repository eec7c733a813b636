"""``{% load community %}``: the bell's number, a profile's follow and ignore buttons and its
latest comments."""

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


RECENT_ON_PROFILE = 5


@register.inclusion_tag("community/_recent_comments.html", takes_context=True)
def recent_comments(context, reader) -> dict:
    """The reader's latest published comments, for their profile, with a link to them all."""
    request = context.get("request")
    page = selectors.reader_comments(
        username=reader.username, viewer=getattr(request, "user", None), limit=RECENT_ON_PROFILE
    )
    return {"reader": reader, "page": page}
