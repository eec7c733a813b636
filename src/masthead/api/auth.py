"""Who is calling the API: a personal access token, the browser session, or nobody.

Two ways in (shared API.md, Conventions):

- ``Authorization: Bearer <token>``: a personal access token. No CSRF: a browser never
  attaches this header on its own, so a forged cross-site request cannot carry it. A
  token that is unknown, revoked or malformed is refused with 401 ``not_authenticated``
  wherever it is sent, even to a public route, rather than silently ignored.
- The session cookie: state-changing calls (anything but GET, HEAD, OPTIONS) must send
  the CSRF token in ``X-CSRFToken``, else 403 ``csrf_failed``.

Routers pick one of two auth lists:

- ``reader_required`` for calls that need a signed-in reader (401 otherwise);
- ``reader_optional`` for calls anyone may make but that read ``request.user`` (the
  API's default, set in api/api.py, so CSRF is enforced everywhere a session is used).

Either way the handler finds the reader in ``request.user``.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from masthead.accounts.tokens import token_authenticate
from masthead.core.errors import MastheadError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class BearerToken(HttpBearer):
    """`Authorization: Bearer mhp_…`: a reader's personal access token."""

    def __call__(self, request: HttpRequest):
        header = request.headers.get("Authorization")
        if not header:
            return None
        scheme, _, credentials = header.partition(" ")
        if scheme.lower() != "bearer" or not credentials.strip():
            raise AuthenticationError()
        return self.authenticate(request, credentials.strip())

    def authenticate(self, request: HttpRequest, token: str):
        reader = token_authenticate(token)
        if reader is None:
            raise AuthenticationError()
        request.user = reader
        request.auth_method = "token"
        return reader


class SessionCookie(APIKeyCookie):
    """The browser's session; state-changing calls must also send X-CSRFToken."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)  # checked below, only where it matters

    def __call__(self, request: HttpRequest):
        return self.authenticate(request, None)

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise MastheadError(
                "csrf_failed",
                "Send the CSRF token in an X-CSRFToken header, or use a personal access token.",
                403,
            )
        request.auth_method = "session"
        return user


class _Anonymous:
    """Lets anonymous callers through to routes that allow them."""

    def __call__(self, request: HttpRequest):
        if not hasattr(request, "user"):
            request.user = AnonymousUser()
        request.auth_method = None
        return _ANONYMOUS


class _AnonymousMarker:
    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return "<anonymous>"


_ANONYMOUS = _AnonymousMarker()

bearer_token = BearerToken()
session_cookie = SessionCookie()
anonymous = _Anonymous()

reader_required = [bearer_token, session_cookie]
reader_optional = [bearer_token, session_cookie, anonymous]
