from django import template

from masthead.accounts import selectors

register = template.Library()


@register.simple_tag
def reader_is_verified(user) -> bool:
    """``{% reader_is_verified user as verified %}``: has the reader confirmed their email?"""
    return selectors.reader_is_verified(user)
