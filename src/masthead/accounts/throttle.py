"""Rate limits for accounts' own sensitive calls, counted like allauth's (ACCOUNT_RATE_LIMITS)."""

from allauth.account import app_settings
from allauth.core import ratelimit
from allauth.core.internal.ratelimit import parse_rates
from django.http import HttpRequest

from masthead.core.errors import MastheadError


def throttle(request: HttpRequest, *, action: str, user=None, key: str | None = None) -> None:
    """Count one attempt at ``action``; raise 429 ``rate_limited`` once over the limit."""
    if ratelimit.consume(request, action=action, user=user, key=key):
        return
    rates = parse_rates(app_settings.RATE_LIMITS.get(action))
    retry_after = int(max((rate.duration for rate in rates), default=60))
    raise MastheadError(
        "rate_limited",
        "Too many attempts. Wait a few minutes, then try again.",
        429,
        headers={"Retry-After": str(retry_after)},
    )
