"""The ninja API object: version 1, every app's router mounted here."""

from django.urls import URLPattern
from ninja import NinjaAPI, Swagger

from masthead.accounts.api import router as accounts_router
from masthead.api import errors
from masthead.api.auth import reader_optional
from masthead.comments.api import router as comments_router
from masthead.community.api import router as community_router
from masthead.live.api import router as live_router
from masthead.membership.api import router as membership_router
from masthead.moderation.api import router as moderation_router
from masthead.newsroom.api import router as newsroom_router


class MastheadAPI(NinjaAPI):
    """NinjaAPI whose every answer, a wrong method's 405 included, keeps the error shape."""

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = errors.method_not_allowed_as_error(self, pattern.callback)
        return patterns, app_name, namespace


api = MastheadAPI(
    title="Masthead API",
    version="1",
    description="The public JSON API of a Masthead newsroom (shared/API.md is the contract).",
    urls_namespace="api",
    docs_url="/docs",
    # No validator badge: it would load an image from swagger.io (the CSP blocks it anyway).
    docs=Swagger(settings={"validatorUrl": None}),
    openapi_url="/openapi.json",
    # Every route sees the caller (token, session or nobody) and CSRF is checked wherever a
    # session is used; routes that need a reader say auth=reader_required (api/auth.py).
    auth=reader_optional,
)
errors.install(api)
api.add_router("/", newsroom_router)
api.add_router("/", accounts_router)
api.add_router("/", comments_router)
api.add_router("/", live_router)
api.add_router("/", membership_router)
api.add_router("/", community_router)
api.add_router("/", moderation_router)
