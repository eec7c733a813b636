"""What a reader can be notified about, and how (shared API.md, "Readers and community").

Each kind has a default channel (``COMMUNITY_NOTIFICATION_DEFAULTS``); a reader overrides
it per kind on their notification settings. ``off`` creates nothing, ``in_app`` only the
bell, ``email_now`` the bell and an email at once, ``email_daily`` the bell and a line in
the next daily digest.
"""

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    REPLY = "reply", "Replies to my comments"
    MENTION = "mention", "Mentions of me (@username)"
    FOLLOWED_READER_COMMENTED = "followed_reader_commented", "Comments by readers I follow"
    NEW_FOLLOWER = "new_follower", "New followers"
    REACTION = "reaction", "Reactions to my comments"
    COMMENT_FEATURED = "comment_featured", "My comment featured by the editors"
    COMMENT_REJECTED = "comment_rejected", "My comment not published"


class Channel(models.TextChoices):
    OFF = "off", "Off"
    IN_APP = "in_app", "On the site only"
    EMAIL_NOW = "email_now", "On the site, and by email at once"
    EMAIL_DAILY = "email_daily", "On the site, and in a daily email"


KINDS: tuple[str, ...] = tuple(Kind.values)
CHANNELS: tuple[str, ...] = tuple(Channel.values)
EMAIL_CHANNELS = frozenset({Channel.EMAIL_NOW, Channel.EMAIL_DAILY})

# Used when COMMUNITY_NOTIFICATION_DEFAULTS leaves a kind out: what concerns the reader's
# own words reaches them by email; what is merely news stays on the site.
BUILTIN_DEFAULTS: dict[str, str] = {
    Kind.REPLY: Channel.EMAIL_NOW,
    Kind.MENTION: Channel.EMAIL_NOW,
    Kind.FOLLOWED_READER_COMMENTED: Channel.IN_APP,
    Kind.NEW_FOLLOWER: Channel.IN_APP,
    Kind.REACTION: Channel.IN_APP,
    Kind.COMMENT_FEATURED: Channel.EMAIL_NOW,
    Kind.COMMENT_REJECTED: Channel.EMAIL_NOW,
}


def default_channels() -> dict[str, str]:
    """Every kind's default channel: the settings' choice, else the built-in one."""
    configured = getattr(settings, "COMMUNITY_NOTIFICATION_DEFAULTS", None) or {}
    return {kind: configured.get(kind) or BUILTIN_DEFAULTS[kind] for kind in KINDS}
