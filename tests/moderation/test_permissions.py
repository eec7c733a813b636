"""Who may use the desk: every moderation page and API route, for every role.

Moderators and admins: everything. Editors: the metrics only. Readers: nothing (403).
Nobody signed in: the sign-in page (pages) or 401 (API). The exact table, so a route added
later without a row fails ``test_every_moderation_route_has_a_row``.
"""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from masthead.api.api import api
from tests import factories
from tests.moderation.conftest import pending

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("desk")]

ROLES = ("anonymous", "reader", "editor", "moderator", "admin")
DESK = {"anonymous": 401, "reader": 403, "editor": 403, "moderator": 200, "admin": 200}
METRICS = {**DESK, "editor": 200}

API: dict[tuple[str, str], dict[str, int]] = {
    ("GET", "/api/v1/moderation/settings"): DESK,
    ("PUT", "/api/v1/moderation/settings"): DESK,
    ("GET", "/api/v1/moderation/counts"): DESK,
    ("GET", "/api/v1/moderation/queue/{queue}"): DESK,
    ("POST", "/api/v1/moderation/comments/{comment_id}/approve"): DESK,
    ("POST", "/api/v1/moderation/comments/{comment_id}/reject"): DESK,
    ("POST", "/api/v1/moderation/comments/{comment_id}/feature"): {**DESK, "moderator": 409, "admin": 409},
    ("POST", "/api/v1/moderation/comments/{comment_id}/unfeature"): DESK,
    ("POST", "/api/v1/moderation/comments/bulk"): DESK,
    ("GET", "/api/v1/moderation/readers/{username}"): DESK,
    ("POST", "/api/v1/moderation/readers/{username}/warn"): DESK,
    ("POST", "/api/v1/moderation/readers/{username}/suspend"): DESK,
    ("POST", "/api/v1/moderation/readers/{username}/ban"): DESK,
    ("POST", "/api/v1/moderation/readers/{username}/reinstate"): DESK,
    ("GET", "/api/v1/moderation/log"): DESK,
    ("GET", "/api/v1/moderation/metrics"): METRICS,
}
BODIES = {
    "/api/v1/moderation/comments/bulk": {"action": "approve", "ids": [1]},
    "/api/v1/moderation/readers/{username}/warn": {"message": "Careful."},
    "/api/v1/moderation/readers/{username}/suspend": {
        "message": "Cool off.",
        "until": (timezone.now() + timedelta(days=2)).isoformat(),
    },
    "/api/v1/moderation/readers/{username}/ban": {"message": "Spam."},
}

TO_LOGIN = {**DESK, "anonymous": 302}
PAGES = {
    "/moderation/": {**TO_LOGIN, "moderator": 302, "admin": 302},
    "/moderation/queue/pending/": TO_LOGIN,
    "/moderation/queue/reported/": TO_LOGIN,
    "/moderation/queue/rejected/": TO_LOGIN,
    "/moderation/queue/approved/": TO_LOGIN,
    "/moderation/comments/{comment_id}/": TO_LOGIN,
    "/moderation/readers/{username}/": TO_LOGIN,
    "/moderation/log/": TO_LOGIN,
    "/moderation/settings/": TO_LOGIN,
    "/moderation/metrics/": {**METRICS, "anonymous": 302},
}
POSTS = {
    "/moderation/comments/{comment_id}/approve/": {**TO_LOGIN, "moderator": 302, "admin": 302},
    "/moderation/comments/bulk/": {**TO_LOGIN, "moderator": 302, "admin": 302},
    "/moderation/readers/{username}/warn/": {**TO_LOGIN, "moderator": 302, "admin": 302},
}


@pytest.fixture
def world(article):
    comment = pending(article)
    return {"comment_id": comment.pk, "username": comment.author.username, "queue": "pending"}


def client_for(role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(factories.reader(role=role))
    return client


def fill(template: str, world: dict) -> str:
    for name, value in world.items():
        template = template.replace("{" + name + "}", str(value))
    return template


def test_every_moderation_route_has_a_row():
    routes = {
        (method.upper(), path)
        for path, operations in api.get_openapi_schema(path_prefix="/api/v1/")["paths"].items()
        if path.startswith("/api/v1/moderation/")
        for method in operations
    }
    assert routes == set(API)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(API), ids=lambda r: f"{r[0]} {r[1]}")
def test_api(route, role, world):
    method, template = route
    response = client_for(role).generic(
        method,
        fill(template, world),
        data=json.dumps(BODIES.get(template, {})),
        content_type="application/json",
    )
    assert response.status_code == API[route][role], response.content
    if response.status_code in (401, 403):
        assert response.json()["error"]["code"] == (
            "not_authenticated" if role == "anonymous" else "forbidden"
        )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(PAGES))
def test_pages(page, role, world):
    response = client_for(role).get(fill(page, world))
    assert response.status_code == PAGES[page][role]
    if response.status_code == 302 and role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(POSTS))
def test_forms(page, role, world):
    body = {"message": "Careful.", "ids": [world["comment_id"]], "action": "approve"}
    response = client_for(role).post(fill(page, world), body)
    assert response.status_code == POSTS[page][role]
