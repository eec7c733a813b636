"""Username rules: short, plain ASCII, and never a name that could pass for the newsroom.

ASCII only on purpose: with Unicode letters, "admin" spelled with a Cyrillic "a" would pass
every check yet look exactly like "admin" on the page.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

USERNAME_MIN_LENGTH = 3
USERNAME_MAX_LENGTH = 30
_PATTERN = re.compile(r"^[A-Za-z0-9_]+$")

# Names a reader may not take because they name the site, a role, or a URL of ours.
# fmt: off
RESERVED_USERNAMES = frozenset({
    # The site and its people.
    "masthead", "newsroom", "official", "owner", "team", "staff", "support", "help", "contact",
    "admin", "admins", "administrator", "root", "system", "security", "abuse", "postmaster",
    "webmaster", "noreply", "no_reply", "moderation", "moderator", "moderators", "mod", "mods",
    "editor", "editors", "reader", "readers", "member", "members", "membership", "billing",
    # Our URLs and words that read as machinery.
    "me", "api", "app", "apps", "auth", "account", "accounts", "login", "logout", "signin",
    "signout", "signup", "settings", "privacy", "search", "sitemap", "site", "static", "media",
    "feeds", "webhooks", "dashboard", "healthz", "readyz", "about", "home", "info", "mail",
    "email", "www", "anonymous", "deleted", "unknown", "null", "undefined",
})
# fmt: on
# Words that claim authority: refused also as one part of a name ("admin_2", "the_staff").
AUTHORITY_WORDS = frozenset({"admin", "administrator", "moderator", "mod", "staff", "support", "masthead"})
_PARTS = re.compile(r"[A-Za-z]+")


def username_is_reserved(username: str) -> bool:
    name = username.casefold()
    if name in RESERVED_USERNAMES:
        return True
    return any(part in AUTHORITY_WORDS for part in _PARTS.findall(name))


@deconstructible
class UsernameValidator:
    """Length, alphabet and reserved names; availability is checked by the service."""

    def __call__(self, value: str) -> None:
        if not USERNAME_MIN_LENGTH <= len(value) <= USERNAME_MAX_LENGTH:
            raise ValidationError(
                f"Usernames are {USERNAME_MIN_LENGTH} to {USERNAME_MAX_LENGTH} characters long.",
                code="username_length",
            )
        if not _PATTERN.match(value):
            raise ValidationError(
                "Use only letters (a to z), digits and underscores.",
                code="username_characters",
            )
        if username_is_reserved(value):
            raise ValidationError(
                "That username is reserved; please choose another.", code="username_reserved"
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, UsernameValidator)


validate_username = UsernameValidator()
