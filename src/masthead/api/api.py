"""The ninja API object: version 1, every app's router mounted here."""

from ninja import NinjaAPI

from masthead.api import errors
from masthead.newsroom.api import router as newsroom_router

api = NinjaAPI(
    title="Masthead API",
    version="1",
    description="The public JSON API of a Masthead newsroom (shared/API.md is the contract).",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("/", newsroom_router)
