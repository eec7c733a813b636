"""``{% live_client article %}``: the script tag that keeps an article page live."""

from django import template
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from masthead.live.events import page_cursor

register = template.Library()


@register.simple_tag(takes_context=True)
def live_client(context, article) -> str:
    """The live client with everything it needs in data attributes (the CSP allows no inline
    script). Under a WSGI server a stream would hold a whole thread, so there the page polls
    from the start."""
    request = context.get("request")
    mode = "sse" if isinstance(request, ASGIRequest) else "poll"
    events = reverse("api:live_article_events", kwargs={"slug": article.slug})
    return format_html(
        '<script src="{}" defer id="live-client" data-events-url="{}" data-poll-url="{}" '
        'data-cursor="{}" data-mode="{}" data-poll-seconds="{}" data-time-zone="{}" '
        'data-comment-card-url="{}"></script>',
        static("live/live.js"),
        events,
        reverse("api:live_article_events_poll", kwargs={"slug": article.slug}),
        page_cursor(),
        mode,
        settings.LIVE_POLL_SECONDS,
        settings.TIME_ZONE,
        _comment_card_url(),
    )


def _comment_card_url() -> str:
    """Where a new comment's card is rendered as on the page (the comments app's partial),
    with ``{id}`` for the comment; empty if there is no such view."""
    marker = 987654321
    try:
        url = reverse("comments:detail", kwargs={"pk": marker})
    except NoReverseMatch:
        return ""
    return url.replace(str(marker), "{id}") + "?partial=1"
