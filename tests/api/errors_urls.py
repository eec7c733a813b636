"""A throwaway API for tests/api/test_errors.py, with what the real one has no route for yet
(a JSON body, auth, each kind of exception), errors installed exactly as in masthead.api.api.
Mounted only through ``@pytest.mark.urls("tests.api.errors_urls")``."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
from ninja import Schema
from ninja.errors import HttpError
from pydantic import Field

from masthead.api import errors
from masthead.api.api import MastheadAPI
from masthead.core.errors import MastheadError

api = MastheadAPI(title="errors under test", urls_namespace="errors-test", docs_url=None)
errors.install(api)


class NoteIn(Schema):
    text: str = Field(min_length=1, max_length=20)
    rating: int = 3


@api.post("/notes")
def post_note(request, note: NoteIn):
    return {"text": note.text}


@api.get("/private", auth=lambda request: None)
def private(request):
    return {"secret": True}


@api.get("/raise/{kind}")
def raise_kind(request, kind: str):
    if kind == "unexpected":
        raise RuntimeError("SELECT password FROM accounts_reader WHERE id = 1")
    if kind == "rate":
        raise MastheadError("rate_limited", "Slow down.", 429, headers={"Retry-After": "30"})
    if kind == "forbidden":
        raise PermissionDenied
    if kind == "missing":
        raise Http404("gone")
    if kind == "conflict":
        raise HttpError(409, "Already there.")
    return {"kind": kind}


def plain_boom(request):
    raise RuntimeError("a view outside the API failed")


urlpatterns = [
    path("api/v1/", api.urls),
    path("api/v1/plain-boom", plain_boom),
    path("plain-boom", plain_boom),
]

handler404 = "masthead.core.views.page_not_found"
handler500 = "masthead.core.views.server_error"
