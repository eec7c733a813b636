"""Small helpers for the conversation's templates."""

from django import template
from django.conf import settings

from masthead.comments.selectors import MAX_INDENT

register = template.Library()

BADGE_LABELS = {"staff": "Staff", "author": "Author", "supporter": "Supporter"}


@register.filter
def comment_level(comment) -> int:
    """How far the page indents it: its depth, up to MAX_INDENT."""
    return min(comment.depth, MAX_INDENT)


@register.filter
def replies_flat(comment) -> bool:
    """Whether its replies sit flat under it (they are deeper than the page indents)."""
    return comment.depth >= MAX_INDENT


@register.filter
def badge_label(name: str) -> str:
    return BADGE_LABELS.get(name, name.replace("_", " ").capitalize())


@register.filter
def comments_label(count: int) -> str:
    return "1 comment" if count == 1 else f"{count:,} comments"


@register.simple_tag
def reaction_label() -> str:
    return settings.COMMENT_REACTION_LABEL


@register.filter
def comment_form_id(parent) -> str:
    """The id of the form that posts a comment (or a reply to ``parent``)."""
    return f"reply-form-{parent.pk}" if parent else "comment-form"


@register.simple_tag
def idempotency_key(form=None) -> str:
    """The key a form sends back: the bound form's own (a re-shown form is the same
    attempt), else a fresh one."""
    from masthead.core.idempotency import new_key

    if form is not None:
        value = form["idempotency_key"].value()
        if value:
            return value
    return new_key()
