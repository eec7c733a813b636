"""Reactions to Django's and allauth's signals, connected in AccountsConfig.ready()."""

from masthead.accounts import services
from masthead.accounts.client import client_ip


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    if request is None:
        return
    services.sign_in_record(
        reader=user,
        ip_address=client_ip(request),
        user_agent=request.headers.get("User-Agent", ""),
    )
