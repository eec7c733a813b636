"""Django's error handlers: the API's error shape under /api/ and /webhooks/, pages elsewhere."""

import json

import pytest
from django.core.exceptions import PermissionDenied

from masthead.core import views

pytestmark = pytest.mark.django_db

HANDLERS = [
    (views.page_not_found, 404, "not_found"),
    (views.permission_denied, 403, "forbidden"),
    (views.bad_request, 400, "bad_request"),
]


@pytest.mark.parametrize(("handler", "status", "code"), HANDLERS)
@pytest.mark.parametrize("path", ["/api/v1/anything", "/webhooks/stripe"])
def test_machine_paths_get_the_error_shape(rf, handler, status, code, path):
    response = handler(rf.get(path), PermissionDenied())

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["error"]["code"] == code


@pytest.mark.parametrize("path", ["/api/v1/anything", "/webhooks/stripe"])
def test_machine_paths_get_a_bare_500(rf, path):
    response = views.server_error(rf.get(path))

    assert response.status_code == 500
    assert json.loads(response.content) == {
        "error": {
            "code": "internal_error",
            "message": "Something went wrong on our side; it has been logged.",
        }
    }


@pytest.mark.parametrize(("handler", "status", "code"), HANDLERS)
def test_pages_get_an_html_error_page(rf, handler, status, code):
    response = handler(rf.get("/articles/nope/"), PermissionDenied())

    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert b"<html" in response.content.lower()


def test_pages_get_an_html_500(rf):
    response = views.server_error(rf.get("/articles/nope/"))

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


def test_a_path_that_merely_starts_like_the_api_is_a_page(rf):
    response = views.page_not_found(rf.get("/apiary/"), None)

    assert response["Content-Type"].startswith("text/html")


def test_favicon_ico_points_at_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("masthead/favicon.svg")
