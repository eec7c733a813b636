"""Who is on the other end of a request, as far as we can trust it."""

from allauth.account.adapter import get_adapter
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or what our own proxies forwarded.

    Forwarded headers are believed only as far as TRUSTED_PROXY_COUNT and
    TRUSTED_CLIENT_IP_HEADER allow (settings, "Accounts"): the same rule allauth's sign-in
    throttling uses. Anything else in X-Forwarded-For is the client's to invent.
    """
    if request is None:
        return None
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return None
