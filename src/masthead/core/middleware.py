"""Request guards that apply to every URL."""

from django.http import HttpRequest
from django.utils.deprecation import MiddlewareMixin

from masthead.core.views import bad_request


class RejectNulBytesMiddleware(MiddlewareMixin):
    """A URL holding a NUL byte (``%00``) is malformed: 400, as a page or the API's error shape.

    No path or parameter of ours may contain one, and PostgreSQL refuses NUL in text, so a
    slug, username or filter carrying it would otherwise become a 500 wherever it reaches a
    query (and on SQLite, which stops comparing at the NUL, ``rhea%00`` would name ``rhea``).
    """

    def process_request(self, request: HttpRequest):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return bad_request(request)
        return None
