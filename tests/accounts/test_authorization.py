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
# Writing to the community: sanctioned readers are refused (403 suspended / banned).
TAKING_PART = {"anonymous": 401, **SIGNED_IN, "suspended": 403, "banned": 403}

MODERATORS_ONLY = {"anonymous": 401, **dict.fromkeys(SIGNED_IN, 403), "moderator": 200}

# (method, path template) -> expected status for each caller.
EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("GET", "/api/v1/articles"): dict.fromkeys(CALLERS, 200),
    ("GET", "/api/v1/articles/{slug}"): dict.fromkeys(CALLERS, 200),
    ("GET", "/api/v1/articles/{slug}/updates"): dict.fromkeys(CALLERS, 200),
    ("GET", "/api/v1/articles/{slug}/events"): dict.fromkeys(CALLERS, 200),
    ("GET", "/api/v1/articles/{slug}/events/poll"): dict.fromkeys(CALLERS, 200),
    ("GET", "/api/v1/readers/{username}"): dict.fromkeys(CALLERS, 200),
    ("GET", "/api/v1/me"): {"anonymous": 401, **SIGNED_IN},
    ("GET", "/api/v1/me/export"): {"anonymous": 401, **SIGNED_IN},
    # Sanctions stop a reader taking part, never from leaving with their data.
    ("DELETE", "/api/v1/me"): {"anonymous": 401, **{c: 204 for c in SIGNED_IN}},
    # Reader revenue: anyone may give (sanctions stop taking part, not paying); the portal
    # needs a customer at the provider; bookmarks are a Premium perk (403 premium_required).
    ("POST", "/api/v1/support/checkout"): dict.fromkeys(CALLERS, 201),
    ("GET", "/api/v1/me/membership/portal"): {"anonymous": 401, **{c: 404 for c in SIGNED_IN}},
    ("GET", "/api/v1/me/bookmarks"): {"anonymous": 401, **{c: 403 for c in SIGNED_IN}},
    ("PUT", "/api/v1/me/bookmarks/{slug}"): {"anonymous": 401, **{c: 403 for c in SIGNED_IN}},
    ("DELETE", "/api/v1/me/bookmarks/{slug}"): {"anonymous": 401, **{c: 403 for c in SIGNED_IN}},
    # Comments: reading is public; writing needs a reader in good standing. The world's comment
    # is someone else's, so only a moderator may delete it and nobody here may edit it.
    ("GET", "/api/v1/articles/{slug}/comments"): dict.fromkeys(CALLERS, 200),
    ("POST", "/api/v1/articles/{slug}/comments"): {
        **TAKING_PART,
        "reader": 201,
        "reader_by_token": 201,
        "moderator": 201,
    },
    ("GET", "/api/v1/comments/{comment_id}"): dict.fromkeys(CALLERS, 200),
    ("GET", "/api/v1/comments/{comment_id}/replies"): dict.fromkeys(CALLERS, 200),
    ("PATCH", "/api/v1/comments/{comment_id}"): {"anonymous": 401, **{c: 403 for c in SIGNED_IN}},
    ("DELETE", "/api/v1/comments/{comment_id}"): {
        "anonymous": 401,
        **{c: 403 for c in SIGNED_IN},
        "moderator": 204,
    },
    ("PUT", "/api/v1/comments/{comment_id}/reaction"): TAKING_PART,
    ("DELETE", "/api/v1/comments/{comment_id}/reaction"): TAKING_PART,
    ("POST", "/api/v1/comments/{comment_id}/reports"): {
        **TAKING_PART,
        "reader": 201,
        "reader_by_token": 201,
        "moderator": 201,
    },
    # Community: following is taking part; unfollowing and ignoring protect, so any reader may.
    ("PUT", "/api/v1/readers/{username}/follow"): TAKING_PART,
    ("DELETE", "/api/v1/readers/{username}/follow"): {"anonymous": 401, **SIGNED_IN},
    ("PUT", "/api/v1/readers/{username}/ignore"): {"anonymous": 401, **SIGNED_IN},
    ("DELETE", "/api/v1/readers/{username}/ignore"): {"anonymous": 401, **SIGNED_IN},
    ("GET", "/api/v1/readers/{username}/followers"): dict.fromkeys(CALLERS, 200),
    ("GET", "/api/v1/readers/{username}/following"): dict.fromkeys(CALLERS, 200),
    ("GET", "/api/v1/me/feed"): {"anonymous": 401, **SIGNED_IN},
    ("GET", "/api/v1/me/notifications"): {"anonymous": 401, **SIGNED_IN},
    ("GET", "/api/v1/me/notifications/unread-count"): {"anonymous": 401, **SIGNED_IN},
    ("POST", "/api/v1/me/notifications/read"): {"anonymous": 401, **SIGNED_IN},
    ("GET", "/api/v1/me/notification-settings"): {"anonymous": 401, **SIGNED_IN},
    ("PUT", "/api/v1/me/notification-settings"): {"anonymous": 401, **SIGNED_IN},
    ("GET", "/api/v1/me/community-settings"): {"anonymous": 401, **SIGNED_IN},
    ("PUT", "/api/v1/me/community-settings"): {"anonymous": 401, **SIGNED_IN},
    # Moderation: moderators only (an empty PUT changes nothing and answers the settings).
    ("GET", "/api/v1/moderation/settings"): MODERATORS_ONLY,
    ("PUT", "/api/v1/moderation/settings"): MODERATORS_ONLY,
}
NAMES = {
    "reader": "rhea",
    "reader_by_token": "tobias",
    "suspended": "susan",
    "banned": "bruno",
    "moderator": "maya",
}
BODIES = {
    ("DELETE", "/api/v1/me"): {"password": PASSWORD},
    ("POST", "/api/v1/support/checkout"): {"kind": "donation", "amount_minor": 500, "interval": "once"},
    ("POST", "/api/v1/articles/{slug}/comments"): {"body": "A comment."},
    ("PATCH", "/api/v1/comments/{comment_id}"): {"body": "An edit."},
    ("POST", "/api/v1/comments/{comment_id}/reports"): {"reason": "spam"},
    ("POST", "/api/v1/me/notifications/read"): {"all": True},
    ("PUT", "/api/v1/me/notification-settings"): {"reply": "in_app"},
    ("PUT", "/api/v1/me/community-settings"): {"followers_private": True},
}


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
    comment = factories.comment(article=article, author=profile_owner)
    return {"slug": article.slug, "username": profile_owner.username, "comment_id": comment.pk}


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
