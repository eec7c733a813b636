"""Every API route, tried as anonymous, reader, suspended reader, banned reader and moderator.

Routes listed in EXPECTED get their exact status checked. Every other route in the OpenAPI
document (routers added later) is still called as each caller and must never answer 5xx;
give it a row here when you add it.
"""

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from masthead.accounts import services
from masthead.api.api import api
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
CALLERS = ("anonymous", "reader", "reader_by_token", "suspended", "banned", "moderator")
SIGNED_IN = {c: 200 for c in CALLERS if c != "anonymous"}

# (method, path template) -> expected status for each caller.
EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("GET", "/api/v1/articles"): dict.fromkeys(CALLERS, 200),
    ("GET", "/api/v1/articles/{slug}"): dict.fromkeys(CALLERS, 200),
    ("GET", "/api/v1/articles/{slug}/updates"): dict.fromkeys(CALLERS, 200),
    ("GET", "/api/v1/readers/{username}"): dict.fromkeys(CALLERS, 200),
    ("GET", "/api/v1/me"): {"anonymous": 401, **SIGNED_IN},
    ("GET", "/api/v1/me/export"): {"anonymous": 401, **SIGNED_IN},
    # Sanctions stop a reader taking part, never from leaving with their data.
    ("DELETE", "/api/v1/me"): {"anonymous": 401, **{c: 204 for c in SIGNED_IN}},
}
NAMES = {
    "reader": "rhea",
    "reader_by_token": "tobias",
    "suspended": "susan",
    "banned": "bruno",
    "moderator": "maya",
}
BODIES = {("DELETE", "/api/v1/me"): {"password": PASSWORD}}


def routes() -> list[tuple[str, str]]:
    found = []
    # path_prefix given: collecting tests must not import the URLconf.
    for path, operations in api.get_openapi_schema(path_prefix="/api/v1/")["paths"].items():
        for method in operations:
            found.append((method.upper(), path))
    return sorted(found)


@pytest.fixture
def world(db):
    article = factories.article(headline="Council votes to reopen the harbour baths")
    profile_owner = factories.reader(username="someone")
    return {"slug": article.slug, "username": profile_owner.username}


def make_caller(kind: str) -> Client:
    client = Client()
    if kind == "anonymous":
        return client
    role = "moderator" if kind == "moderator" else "reader"
    reader = factories.reader(username=NAMES[kind], role=role)
    if kind == "suspended":
        services.reader_suspend(
            reader=reader, until=timezone.now() + timedelta(days=3), message="Calm.", actor=None
        )
    if kind == "banned":
        services.reader_ban(reader=reader, message="Spam.", actor=None)
    if kind == "reader_by_token":
        _, secret = services.token_create(reader=reader, name="test")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    else:
        client.force_login(reader)
    return client


def fill(path: str, world: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(world.get(m.group(1), 1)), path)


def call(client: Client, method: str, path: str, body):
    if method in ("GET", "HEAD"):
        return client.generic(method, path)
    return client.generic(method, path, data=json.dumps(body or {}), content_type="application/json")


def test_every_route_in_the_table_exists():
    assert set(EXPECTED) <= set(routes()), set(EXPECTED) - set(routes())


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("route", routes(), ids=lambda r: f"{r[0]} {r[1]}")
def test_route_as_caller(route, caller, world):
    method, template = route
    client = make_caller(caller)
    response = call(client, method, fill(template, world), BODIES.get(route))
    expected = EXPECTED.get(route, {}).get(caller)
    if expected is None:
        assert response.status_code < 500, response.content
    else:
        assert response.status_code == expected, response.content
    if response.status_code >= 400:
        assert set(response.json()) == {"error"}
    if response.status_code == 401:
        assert response.json()["error"]["code"] == "not_authenticated"
