"""Small template helpers for the newsroom's pages."""

from django import template

from masthead.newsroom import selectors

register = template.Library()

# Section accents rotate through colours that all keep AA contrast on the page background
# (static/masthead/site.css, .accent-0 … .accent-5).
ACCENT_COUNT = 6


@register.inclusion_tag("newsroom/_section_nav.html", takes_context=True)
def section_nav(context) -> dict:
    """The sections bar; marks the section the reader is in."""
    current = context.get("section")
    if current is None and context.get("article") is not None:
        current = context["article"].section
    return {"sections": selectors.section_list(), "current_id": getattr(current, "pk", None)}


@register.filter
def accent(section) -> str:
    """A stable colour class for a section, so each keeps its colour on every page."""
    pk = getattr(section, "pk", None) or 0
    return f"accent-{pk % ACCENT_COUNT}"


@register.filter
def byline_names(article) -> list:
    """The article's authors in byline order, from the prefetched bylines."""
    return [byline.author for byline in article.bylines.all()]
