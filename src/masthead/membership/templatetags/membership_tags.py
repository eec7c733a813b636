from django import template

from masthead.membership import selectors
from masthead.membership.money import format_money

register = template.Library()


@register.inclusion_tag("membership/_bookmark_button.html", takes_context=True)
def bookmark_button(context, article, compact=False):
    """ "Save for later": a form for Premium readers (no JavaScript needed), a link to
    /premium/ for everyone else. Per-reader state only for signed-in readers, whose pages
    are never cached (core.pagecache caches anonymous pages only)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    premium = selectors.is_premium(user)
    return {
        "article": article,
        "premium": premium,
        "saved": premium and article.pk in selectors.bookmarked_article_ids(user),
        "compact": compact,
        "next": request.get_full_path() if request else article.get_absolute_url(),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def money(amount_minor, currency):
    return format_money(int(amount_minor or 0), currency or "")
