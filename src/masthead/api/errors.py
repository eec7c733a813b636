"""One error shape for the whole API, whatever raised it (shared API.md, Conventions)."""

import functools
import logging

from asgiref.sync import iscoroutinefunction
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponseNotAllowed
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from masthead.core.errors import MastheadError, error_body

log = logging.getLogger("masthead.api")

_STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "validation_error",
    429: "rate_limited",
}


def _fields(errors: list[dict]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        loc = list(error.get("loc", ()))
        if len(loc) > 2 and loc[0] == "body":
            # ninja nests a JSON body under the handler's parameter name ("body", "note",
            # "text"); the client only knows the field it sent ("text").
            loc = loc[2:]
        loc = [str(p) for p in loc if p not in ("body", "query", "path", "header", "payload")]
        name = ".".join(loc) or "body"
        fields.setdefault(name, []).append(str(error.get("msg", "Invalid value.")))
    return fields


def install(api: NinjaAPI) -> None:
    def respond(request, body: dict, status: int, headers: dict | None = None):
        response = api.create_response(request, body, status=status)
        for name, value in (headers or {}).items():
            response[name] = value
        return response

    @api.exception_handler(MastheadError)
    def on_masthead_error(request: HttpRequest, exc: MastheadError):
        return respond(request, exc.as_dict(), exc.status, exc.headers)

    @api.exception_handler(ValidationError)
    def on_validation_error(request: HttpRequest, exc: ValidationError):
        errors = list(exc.errors)
        if any(e.get("type") == "json_invalid" for e in errors):
            return respond(request, error_body("malformed_json", "The request body is not valid JSON."), 400)
        body = error_body("validation_error", "Some fields are not valid.", _fields(errors))
        return respond(request, body, 422)

    @api.exception_handler(AuthenticationError)
    def on_auth_error(request: HttpRequest, exc: AuthenticationError):
        return respond(request, error_body("not_authenticated", "Sign in or send a valid token."), 401)

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError):
        status = exc.status_code
        # ninja reports an unreadable body as HttpError(400, "Cannot parse request body")
        # raised from the parser's ValueError (json.JSONDecodeError, UnicodeDecodeError).
        if status == 400 and (isinstance(exc.__cause__, ValueError) or "json" in str(exc).lower()):
            return respond(request, error_body("malformed_json", "The request body is not valid JSON."), 400)
        return respond(request, error_body(_STATUS_CODES.get(status, "error"), str(exc)), status)

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404):
        return respond(request, error_body("not_found", "Nothing here by that name."), 404)

    @api.exception_handler(PermissionDenied)
    def on_forbidden(request: HttpRequest, exc: PermissionDenied):
        return respond(request, error_body("forbidden", "You may not do that."), 403)

    @api.exception_handler(RequestDataTooBig)
    def on_too_large(request: HttpRequest, exc: RequestDataTooBig):
        # A body over DATA_UPLOAD_MAX_MEMORY_SIZE is the client's doing, not ours (was a 500).
        return respond(request, error_body("too_large", "The request body is too large."), 413)

    @api.exception_handler(Exception)
    def on_unexpected(request: HttpRequest, exc: Exception):
        log.exception("API error on %s %s", request.method, request.path)
        body = error_body("internal_error", "Something went wrong on our side; it has been logged.")
        return respond(request, body, 500)


def method_not_allowed_as_error(api: NinjaAPI, view):
    """Wrap one of ninja's URL views so its 405 (plain text from ninja) has the error shape."""

    def shaped(request: HttpRequest, response):
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        body = error_body("method_not_allowed", f"{request.method} is not allowed here.")
        shaped_response = api.create_response(request, body, status=405)
        shaped_response["Allow"] = response["Allow"]
        return shaped_response

    if iscoroutinefunction(view):

        async def async_wrapper(request: HttpRequest, *args, **kwargs):
            return shaped(request, await view(request, *args, **kwargs))

        return functools.wraps(view)(async_wrapper)

    def wrapper(request: HttpRequest, *args, **kwargs):
        return shaped(request, view(request, *args, **kwargs))

    return functools.wraps(view)(wrapper)
