"""One error shape for every API error, whatever raised it (shared/API.md, Conventions)."""

import pytest
from django.test import Client

from masthead import urls as project_urls
from masthead.newsroom import selectors
from tests.api.openapi import assert_matches_schema

pytestmark = pytest.mark.django_db

NO_LEAKS = ("Traceback", "SELECT", "RuntimeError", "password", 'File "')


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = assert_matches_schema(response)["error"]
    assert error["code"] == code
    return error


# --- The real API -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/api/v1/nothing-here", "/api/v1/articles/a/b/c", "/api/v1/", "/api/v2/articles"],
)
def test_unknown_route_under_the_api_is_a_json_404(client, path):
    error = _error(client.get(path), 404, "not_found")

    assert "fields" not in error


def test_unknown_slug_is_a_json_404(client, article):
    _error(client.get("/api/v1/articles/no-such-story"), 404, "not_found")


def test_validation_error_names_the_fields(client, article):
    error = _error(client.get("/api/v1/articles", {"limit": 0, "q": "x" * 201}), 422, "validation_error")

    assert set(error["fields"]) == {"limit", "q"}
    assert all(
        messages and all(isinstance(m, str) for m in messages) for messages in error["fields"].values()
    )


def test_wrong_method_is_a_json_405(client, article):
    response = client.post("/api/v1/articles", data="{}", content_type="application/json")

    _error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET"


def test_wrong_method_on_a_detail_route(client, article):
    response = client.delete(f"/api/v1/articles/{article.slug}")

    _error(response, 405, "method_not_allowed")


@pytest.mark.parametrize("debug", [False, True])
def test_unexpected_exception_in_a_handler_is_a_bare_500(client, section, monkeypatch, settings, debug):
    settings.DEBUG = debug

    def broken(**kwargs):
        raise RuntimeError("SELECT password FROM accounts_reader WHERE id = 1")

    monkeypatch.setattr(selectors, "article_page", broken)
    client.raise_request_exception = False

    response = client.get("/api/v1/articles")

    error = _error(response, 500, "internal_error")
    assert error["message"]
    text = response.content.decode()
    for leak in NO_LEAKS:
        assert leak not in text


def test_a_page_outside_the_api_is_not_found_as_html(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert b'"error"' not in response.content


def test_the_project_wires_the_json_aware_error_handlers():
    assert project_urls.handler404 == "masthead.core.views.page_not_found"
    assert project_urls.handler500 == "masthead.core.views.server_error"
    assert project_urls.handler403 == "masthead.core.views.permission_denied"
    assert project_urls.handler400 == "masthead.core.views.bad_request"


# --- Each kind of error, through a throwaway API with the same handlers -------------------------

errors_api = pytest.mark.urls("tests.api.errors_urls")


@errors_api
@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"text": "unterminated', b"\xff\xfe\x00", b"[1, 2,]"],
    ids=["syntax", "unterminated", "not-utf8", "trailing-comma"],
)
@pytest.mark.parametrize("debug", [False, True])
def test_malformed_json_body_is_400_malformed_json(client, settings, body, debug):
    settings.DEBUG = debug

    response = client.post("/api/v1/notes", data=body, content_type="application/json")

    error = _error(response, 400, "malformed_json")
    assert error["message"] == "The request body is not valid JSON."


@errors_api
def test_well_formed_but_invalid_body_is_422_with_fields(client):
    response = client.post(
        "/api/v1/notes", data={"text": "", "rating": "five"}, content_type="application/json"
    )

    error = _error(response, 422, "validation_error")
    assert set(error["fields"]) == {"text", "rating"}


@errors_api
def test_missing_body_is_422_naming_it(client):
    response = client.post("/api/v1/notes", content_type="application/json")

    error = _error(response, 422, "validation_error")
    assert error["fields"]


@errors_api
def test_valid_body_passes(client):
    response = client.post("/api/v1/notes", data={"text": "hello"}, content_type="application/json")

    assert (response.status_code, response.json()) == (200, {"text": "hello"})


@errors_api
def test_api_views_stay_exempt_from_django_csrf_middleware(db):
    # ninja checks CSRF itself where a session is used; the 405 wrapper must keep the
    # exemption its views carry, or every anonymous JSON POST would meet Django's 403 page.
    client = Client(enforce_csrf_checks=True)

    response = client.post("/api/v1/notes", data={"text": "hello"}, content_type="application/json")

    assert response.status_code == 200


@errors_api
def test_failed_auth_is_401_not_authenticated(client):
    _error(client.get("/api/v1/private"), 401, "not_authenticated")


@errors_api
@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("rate", 429, "rate_limited"),
        ("forbidden", 403, "forbidden"),
        ("missing", 404, "not_found"),
        ("conflict", 409, "conflict"),
        ("unexpected", 500, "internal_error"),
    ],
)
def test_each_kind_of_exception_has_the_one_shape(client, kind, status, code):
    response = client.get(f"/api/v1/raise/{kind}")

    _error(response, status, code)
    for leak in NO_LEAKS:
        assert leak not in response.content.decode()


@errors_api
def test_masthead_error_headers_are_kept(client):
    response = client.get("/api/v1/raise/rate")

    assert response["Retry-After"] == "30"


@errors_api
def test_a_crash_outside_ninja_under_the_api_is_json(client):
    client.raise_request_exception = False

    response = client.get("/api/v1/plain-boom")

    _error(response, 500, "internal_error")
    for leak in NO_LEAKS:
        assert leak not in response.content.decode()


@errors_api
def test_a_crash_outside_the_api_is_an_html_page(client):
    client.raise_request_exception = False

    response = client.get("/plain-boom")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert b"a view outside the API failed" not in response.content
