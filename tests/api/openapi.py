"""Check API responses against the OpenAPI document the API itself generates.

``assert_matches_schema(response)`` finds the operation the request hit, takes the schema
declared for the response's status, resolves its ``$ref``s inside the document and
validates the JSON body with jsonschema. Every ``format: date-time`` value must also be
RFC 3339 in UTC with a ``Z`` (the contract's convention), not merely parseable.
"""

import functools
import json
import re
from datetime import datetime

from django.http import HttpResponse
from jsonschema import Draft202012Validator, FormatChecker

from masthead.api.api import api

RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")

# The error shape of shared/API.md, for statuses the document does not declare.
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "additionalProperties": False,
            "properties": {
                "code": {"type": "string", "pattern": "^[a-z]+(_[a-z]+)*$"},
                "message": {"type": "string", "minLength": 1},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                },
            },
        }
    },
}

_formats = FormatChecker(formats=())


@_formats.checks("date-time", raises=ValueError)
def _utc_timestamp(value) -> bool:
    if not isinstance(value, str):
        return True
    if not RFC3339_UTC.match(value):
        raise ValueError(f"{value!r} is not an RFC 3339 UTC timestamp ending in Z")
    datetime.fromisoformat(value)  # a real date, not just the right shape
    return True


@functools.cache
def document() -> dict:
    """The document as /api/v1/openapi.json serves it (JSON: status codes become strings)."""
    return json.loads(api.renderer.render(None, api.get_openapi_schema(), response_status=200))


def _operation(path: str, method: str) -> dict:
    for template, operations in document()["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method in operations:
            return operations[method]
    raise AssertionError(f"{method.upper()} {path} is not in the OpenAPI document")


def response_schema(path: str, method: str, status: int) -> dict:
    responses = _operation(path, method)["responses"]
    declared = responses.get(str(status))
    assert declared is not None, f"{method.upper()} {path} does not declare a {status} response"
    return declared["content"]["application/json"]["schema"]


def validate(body, schema: dict) -> None:
    # The response schema's $refs ("#/components/schemas/…") point into the whole document,
    # so validate against a root that carries its components.
    root = {**schema, "components": document().get("components", {})}
    validator = Draft202012Validator(root, format_checker=_formats)
    problems = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not problems, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in problems)


def assert_matches_schema(response: HttpResponse) -> dict:
    """Validate ``response`` (from the test client) and return its JSON body."""
    request = response.request
    method = request["REQUEST_METHOD"].lower()
    path = request["PATH_INFO"]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    if response.status_code >= 400:
        validate(body, ERROR_SCHEMA)
    else:
        validate(body, response_schema(path, method, response.status_code))
    return body
