"""System checks for the community settings (``masthead check``)."""

from django.conf import settings
from django.core.checks import Error, register

from masthead.community.kinds import CHANNELS, KINDS


@register()
def check_notification_defaults(app_configs, **kwargs) -> list[Error]:
    errors = []
    configured = getattr(settings, "COMMUNITY_NOTIFICATION_DEFAULTS", None) or {}
    for kind, channel in configured.items():
        if kind not in KINDS:
            errors.append(
                Error(
                    f"COMMUNITY_NOTIFICATION_DEFAULTS names {kind!r}, which is not a kind of notification.",
                    hint=f"Kinds: {', '.join(KINDS)}.",
                    id="community.E001",
                )
            )
        elif channel not in CHANNELS:
            errors.append(
                Error(
                    f"COMMUNITY_NOTIFICATION_DEFAULTS gives {kind!r} the channel {channel!r}.",
                    hint=f"Channels: {', '.join(CHANNELS)}.",
                    id="community.E002",
                )
            )
    if settings.COMMUNITY_FANOUT_BATCH_SIZE < 1:
        errors.append(Error("COMMUNITY_FANOUT_BATCH_SIZE must be at least 1.", id="community.E003"))
    return errors
