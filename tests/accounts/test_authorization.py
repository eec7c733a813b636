"""Who may do what: every API route and every page, tried as every kind of caller.

Callers: anonymous, an unverified reader, a reader (by session and by token), a suspended
and a banned reader, a Premium member, a moderator and an editor.

Routes listed in EXPECTED get their exact status checked. Every other route in the OpenAPI
document (routers added later) is still called as each caller and must never answer 5xx;
give it a row here when you add it. Pages likewise (PAGES; every URL pattern is tried).

Around every call: the database is fingerprinted, and a refused call (4xx) or a read (GET)
must leave it exactly as it was. Every response body is scanned for the email address or
the sign-in IP address of any reader but the caller: none may ever appear.
"""

import hashlib
import json
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from masthead.accounts import services
from masthead.accounts.models import SignIn
from masthead.api.api import api
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
CALLERS = (
    "anonymous",
    "unverified",
    "reader",
    "reader_by_token",
    "suspended",
    "banned",
    "premium",
    "moderator",
    "editor",
)
SIGNED = tuple(c for c in CALLERS if c != "anonymous")
SIGNED_IN = dict.fromkeys(SIGNED, 200)
EVERYONE = dict.fromkeys(CALLERS, 200)
# Writing to the community: sanctioned and unconfirmed readers are refused (403 suspended /
# banned / email_unverified).
TAKING_PART = {"anonymous": 401, **SIGNED_IN, "unverified": 403, "suspended": 403, "banned": 403}
CREATING = {
    **TAKING_PART,
    **{c: 201 for c in ("reader", "reader_by_token", "premium", "moderator", "editor")},
}
MODERATORS_ONLY = {"anonymous": 401, **dict.fromkeys(SIGNED, 403), "moderator": 200}
PREMIUM_ONLY = {"anonymous": 401, **dict.fromkeys(SIGNED, 403), "premium": 200}

# (method, path template) -> expected status for each caller.
EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("GET", "/api/v1/articles"): EVERYONE,
    ("GET", "/api/v1/articles/{slug}"): EVERYONE,
    ("GET", "/api/v1/articles/{slug}/updates"): EVERYONE,
    ("GET", "/api/v1/articles/{slug}/events"): EVERYONE,
    ("GET", "/api/v1/articles/{slug}/events/poll"): EVERYONE,
    ("GET", "/api/v1/readers/{username}"): EVERYONE,
    ("GET", "/api/v1/me"): {"anonymous": 401, **SIGNED_IN},
    ("GET", "/api/v1/me/export"): {"anonymous": 401, **SIGNED_IN},
    # Sanctions stop a reader taking part, never from leaving with their data.
    ("DELETE", "/api/v1/me"): {"anonymous": 401, **dict.fromkeys(SIGNED, 204)},
    # Reader revenue: anyone may give (sanctions stop taking part, not paying); the portal
    # needs a customer at the provider; bookmarks are a Premium perk (403 premium_required).
    ("POST", "/api/v1/support/checkout"): dict.fromkeys(CALLERS, 201),
    ("GET", "/api/v1/me/membership/portal"): {"anonymous": 401, **dict.fromkeys(SIGNED, 404)},
    ("GET", "/api/v1/me/bookmarks"): PREMIUM_ONLY,
    ("PUT", "/api/v1/me/bookmarks/{slug}"): PREMIUM_ONLY,
    ("DELETE", "/api/v1/me/bookmarks/{slug}"): {**PREMIUM_ONLY, "premium": 204},
    # Comments: reading is public; writing needs a reader in good standing. The world's comment
    # is someone else's, so only a moderator may delete it and nobody here may edit it.
    ("GET", "/api/v1/articles/{slug}/comments"): EVERYONE,
    ("POST", "/api/v1/articles/{slug}/comments"): CREATING,
    ("GET", "/api/v1/comments/{comment_id}"): EVERYONE,
    ("GET", "/api/v1/comments/{comment_id}/replies"): EVERYONE,
    ("PATCH", "/api/v1/comments/{comment_id}"): {"anonymous": 401, **dict.fromkeys(SIGNED, 403)},
    ("DELETE", "/api/v1/comments/{comment_id}"): {
        "anonymous": 401,
        **dict.fromkeys(SIGNED, 403),
        "moderator": 204,
    },
    ("PUT", "/api/v1/comments/{comment_id}/reaction"): TAKING_PART,
    ("DELETE", "/api/v1/comments/{comment_id}/reaction"): TAKING_PART,
    ("POST", "/api/v1/comments/{comment_id}/reports"): CREATING,
    # Community: following is taking part; unfollowing and ignoring protect, so any reader may.
    ("PUT", "/api/v1/readers/{username}/follow"): TAKING_PART,
    ("DELETE", "/api/v1/readers/{username}/follow"): {"anonymous": 401, **SIGNED_IN},
    ("PUT", "/api/v1/readers/{username}/ignore"): {"anonymous": 401, **SIGNED_IN},
    ("DELETE", "/api/v1/readers/{username}/ignore"): {"anonymous": 401, **SIGNED_IN},
    ("GET", "/api/v1/readers/{username}/followers"): EVERYONE,
    ("GET", "/api/v1/readers/{username}/following"): EVERYONE,
    ("GET", "/api/v1/readers/{username}/comments"): EVERYONE,
    ("GET", "/api/v1/me/feed"): {"anonymous": 401, **SIGNED_IN},
    ("GET", "/api/v1/me/notifications"): {"anonymous": 401, **SIGNED_IN},
    ("GET", "/api/v1/me/notifications/unread-count"): {"anonymous": 401, **SIGNED_IN},
    ("POST", "/api/v1/me/notifications/read"): {"anonymous": 401, **SIGNED_IN},
    ("GET", "/api/v1/me/notification-settings"): {"anonymous": 401, **SIGNED_IN},
    ("PUT", "/api/v1/me/notification-settings"): {"anonymous": 401, **SIGNED_IN},
    ("GET", "/api/v1/me/community-settings"): {"anonymous": 401, **SIGNED_IN},
    ("PUT", "/api/v1/me/community-settings"): {"anonymous": 401, **SIGNED_IN},
    # Moderation: moderators only (an empty PUT changes nothing and answers the settings);
    # editors see the desk's metrics, nothing else of it.
    ("GET", "/api/v1/moderation/settings"): MODERATORS_ONLY,
    ("PUT", "/api/v1/moderation/settings"): MODERATORS_ONLY,
    ("GET", "/api/v1/moderation/counts"): MODERATORS_ONLY,
    ("GET", "/api/v1/moderation/log"): MODERATORS_ONLY,
    ("GET", "/api/v1/moderation/metrics"): {**MODERATORS_ONLY, "editor": 200},
    ("GET", "/api/v1/moderation/queue/{queue}"): MODERATORS_ONLY,
    ("GET", "/api/v1/moderation/readers/{username}"): MODERATORS_ONLY,
    ("POST", "/api/v1/moderation/comments/bulk"): MODERATORS_ONLY,
    ("POST", "/api/v1/moderation/comments/{comment_id}/approve"): MODERATORS_ONLY,
    ("POST", "/api/v1/moderation/comments/{comment_id}/reject"): MODERATORS_ONLY,
    ("POST", "/api/v1/moderation/comments/{comment_id}/feature"): MODERATORS_ONLY,
    ("POST", "/api/v1/moderation/comments/{comment_id}/unfeature"): MODERATORS_ONLY,
    ("POST", "/api/v1/moderation/readers/{username}/warn"): MODERATORS_ONLY,
    ("POST", "/api/v1/moderation/readers/{username}/suspend"): MODERATORS_ONLY,
    ("POST", "/api/v1/moderation/readers/{username}/ban"): MODERATORS_ONLY,
    ("POST", "/api/v1/moderation/readers/{username}/reinstate"): MODERATORS_ONLY,
}
NAMES = {
    "unverified": "ursula",
    "reader": "rhea",
    "reader_by_token": "tobias",
    "suspended": "susan",
    "banned": "bruno",
    "premium": "penny",
    "moderator": "maya",
    "editor": "edna",
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
    ("POST", "/api/v1/moderation/comments/bulk"): {"ids": [1], "action": "approve"},
    ("POST", "/api/v1/moderation/readers/{username}/warn"): {"message": "Keep it civil."},
    ("POST", "/api/v1/moderation/readers/{username}/suspend"): {
        "message": "Cool off.",
        "until": (timezone.now() + timedelta(days=2)).isoformat(),
    },
    ("POST", "/api/v1/moderation/readers/{username}/ban"): {"message": "Spam."},
}
# A sign-in address that belongs to the world's other readers only: no response may show it.
THEIR_IP = "203.0.113.77"


def routes() -> list[tuple[str, str]]:
    found = []
    # path_prefix given: collecting tests must not import the URLconf.
    for path, operations in api.get_openapi_schema(path_prefix="/api/v1/")["paths"].items():
        for method in operations:
            found.append((method.upper(), path))
    return sorted(found)


@pytest.fixture
def world(db):
    return build_world()


def build_world() -> dict:
    """A story, a reader ("someone") with a comment, a token and a notification, and a
    bystander who reported, followed and reacted: their private data is all around."""
    from masthead.comments import services as comment_services
    from masthead.community import services as community_services
    from masthead.community.models import Notification
    from masthead.moderation.models import ModerationSettings

    article = factories.article(headline="Council votes to reopen the harbour baths")
    profile_owner = factories.reader(username="someone")
    bystander = factories.reader(username="bystander")
    comment = factories.comment(article=article, author=profile_owner)
    community_services.follow_create(follower=bystander, followed=profile_owner)
    comment_services.reaction_set(comment=comment, reader=bystander)
    comment_services.report_create(comment=comment, reader=bystander, reason="spam", note="Looks like spam.")
    token, _ = services.token_create(reader=profile_owner, name="their script")
    for reader in (profile_owner, bystander):
        SignIn.objects.create(reader=reader, ip_address=THEIR_IP, user_agent="Their browser")
    notification = Notification.objects.filter(recipient=profile_owner).first()
    ModerationSettings.load()  # the desk's settings row exists, as after any moderator's first visit
    return {
        "slug": article.slug,
        "username": profile_owner.username,
        "comment_id": comment.pk,
        "pk": comment.pk,
        "token_id": token.pk,
        "notification_id": notification.pk if notification else 1,
        "section": article.section.slug,
        "queue": "pending",
        "action": "approve",
        "session_id": "cs_demo_unknown",
        "token": "not-a-real-token",
        "secrets": [f"{profile_owner.username}@example.org", f"{bystander.username}@example.org", THEIR_IP],
    }


def make_caller(kind: str) -> Client:
    client = Client()
    if kind == "anonymous":
        return client
    role = kind if kind in ("moderator", "editor") else "reader"
    if kind == "premium":
        reader = factories.premium_reader(username=NAMES[kind])
    else:
        reader = factories.reader(username=NAMES[kind], role=role, verified=kind != "unverified")
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


# --- What must not change, and what must not leak.

# Bookkeeping that a read or a refusal may touch: sessions, when a token or account was
# last used, the moderation desk's queue snapshots.
_VOLATILE_TABLES = {"django_session", "django_admin_log"}
_VOLATILE_COLUMNS = {"last_login", "last_used_at"}


def _tables() -> list[tuple[str, list[str]]]:
    found = []
    for model in apps.get_models():
        table = model._meta.db_table
        if table in _VOLATILE_TABLES or "snapshot" in table or model._meta.app_label in ("contenttypes",):
            continue
        columns = [f.column for f in model._meta.concrete_fields if f.column not in _VOLATILE_COLUMNS]
        found.append((table, columns))
    return found


def state() -> str:
    """A digest of every row of every table (less bookkeeping): equal digests, equal data."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for table, columns in _tables():
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)} ORDER BY 1")  # noqa: S608
            digest.update(table.encode())
            digest.update(repr(cursor.fetchall()).encode())
    return digest.hexdigest()


def assert_no_leak(response, world: dict, caller: str) -> None:
    body = response.content.decode(errors="replace") if not response.streaming else ""
    leaked = [secret for secret in world["secrets"] if secret in body]
    assert not leaked, f"{caller} saw {leaked} in {response.request['PATH_INFO']}"


def test_every_route_in_the_table_exists():
    assert set(EXPECTED) <= set(routes()), set(EXPECTED) - set(routes())


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("route", routes(), ids=lambda r: f"{r[0]} {r[1]}")
def test_route_as_caller(route, caller, world):
    method, template = route
    client = make_caller(caller)
    before = state()
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
    if response.status_code >= 400 or method == "GET":
        assert state() == before, f"{method} {template} as {caller} changed the database"
    assert_no_leak(response, world, caller)


# --- Pages ---------------------------------------------------------------------------------------

TO_LOGIN = 302  # a page that needs a reader sends the anonymous one to sign in
SIGNED_PAGE = {"anonymous": TO_LOGIN, **SIGNED_IN}
MODERATOR_PAGE = {"anonymous": TO_LOGIN, **dict.fromkeys(SIGNED, 403), "moderator": 200}
EDITOR_PAGE = {"anonymous": TO_LOGIN, **dict.fromkeys(SIGNED, 403), "editor": 200}
# GET of each page (path pattern as Django lists it) -> status per caller.
PAGES: dict[str, dict[str, int]] = {
    "healthz": EVERYONE,
    "readyz": EVERYONE,
    "favicon.ico": dict.fromkeys(CALLERS, 301),
    "": EVERYONE,
    "search/": EVERYONE,
    "section/<slug:slug>/": EVERYONE,
    "articles/<slug:slug>/": EVERYONE,
    "articles/<slug:slug>/comments/": EVERYONE,
    "comments/<int:pk>/": dict.fromkeys(CALLERS, 302),  # to its permalink
    "comments/<int:pk>/replies/": EVERYONE,
    "comments/<int:pk>/edit/": {"anonymous": TO_LOGIN, **SIGNED_IN},  # the form says who may
    "comments/<int:pk>/delete/": {"anonymous": TO_LOGIN, **SIGNED_IN},
    "comments/<int:pk>/report/": {"anonymous": TO_LOGIN, **SIGNED_IN},
    "readers/<str:username>/": EVERYONE,
    "readers/<str:username>/followers/": EVERYONE,
    "readers/<str:username>/following/": EVERYONE,
    "readers/<str:username>/comments/": EVERYONE,
    "me/": {"anonymous": TO_LOGIN, **dict.fromkeys(SIGNED, 302)},
    "me/settings/": SIGNED_PAGE,
    "me/tokens/": SIGNED_PAGE,
    "me/privacy/": SIGNED_PAGE,
    "me/privacy/export.json": SIGNED_PAGE,
    "me/following/": SIGNED_PAGE,
    "me/notifications/": SIGNED_PAGE,
    "me/notifications/settings/": SIGNED_PAGE,
    "me/notifications/<int:notification_id>/": {"anonymous": TO_LOGIN, **dict.fromkeys(SIGNED, 404)},
    "me/bookmarks/": SIGNED_PAGE,
    "support/": EVERYONE,
    "premium/": EVERYONE,
    "support/thanks/": EVERYONE,
    "support/demo/checkout/<str:session_id>/": dict.fromkeys(CALLERS, 404),
    "support/demo/portal/<str:session_id>/": dict.fromkeys(CALLERS, 404),
    "editors/revenue/": EDITOR_PAGE,
    "editors/revenue.csv": EDITOR_PAGE,
    "newsroom/live/<slug:slug>/": EDITOR_PAGE,
    "moderation/": {**MODERATOR_PAGE, "moderator": 302},  # to the first queue
    "moderation/queue/<str:queue>/": MODERATOR_PAGE,
    "moderation/comments/<int:comment_id>/": MODERATOR_PAGE,
    "moderation/readers/<str:username>/": MODERATOR_PAGE,
    "moderation/log/": MODERATOR_PAGE,
    "moderation/settings/": MODERATOR_PAGE,
    "moderation/metrics/": {**MODERATOR_PAGE, "editor": 200},
    "tags/<slug:slug>/": dict.fromkeys(CALLERS, 404),  # the world has no such tag
    "authors/<slug:slug>/": dict.fromkeys(CALLERS, 404),
    "robots.txt": EVERYONE,
    "section/<slug:slug>/atom/": EVERYONE,
    "me/notifications/unsubscribe/<str:token>/": dict.fromkeys(CALLERS, 404),  # a forged token
}
# Pages that only take a POST: a GET is 405, or first the sign-in page where signing in
# comes first (the value: what an anonymous GET gets).
POST_ONLY: dict[str, int] = {
    "me/tokens/<int:token_id>/revoke/": TO_LOGIN,
    "me/privacy/delete/": TO_LOGIN,
    "me/notifications/read/": TO_LOGIN,
    "readers/<str:username>/follow/": TO_LOGIN,
    "readers/<str:username>/ignore/": TO_LOGIN,
    "articles/<slug:slug>/comments/preview/": 405,
    "comments/<int:pk>/reaction/": 405,
    "premium/checkout/": 405,
    "premium/manage/": 405,
    "premium/badge/": 405,
    "me/bookmarks/<slug:slug>/": 405,
    "webhooks/stripe": 405,
    "moderation/comments/bulk/": 405,
    "moderation/comments/<int:comment_id>/<str:action>/": 405,
    "moderation/readers/<str:username>/<str:action>/": 405,
}
# Parameters that differ from the world's defaults for one page.
PAGE_PARAMS = {
    "section/<slug:slug>/": "section",
    "section/<slug:slug>/atom/": "section",
}
# allauth's own pages are tried by tests/accounts; feeds and sitemaps are public and tested
# in tests/newsroom; media is files.
_SKIPPED_PREFIXES = (
    "admin/",
    "accounts/",
    "^media/",
    "api/v1/",
    "feeds/",
    "section/<slug:slug>/rss",
    "sitemap",
)


def pages() -> list[str]:
    found: list[str] = []

    def walk(patterns, prefix: str = "") -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if not route.startswith(("admin/", "api/v1/")):
                    walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                found.append(route)

    walk(get_resolver().url_patterns)
    return sorted({p for p in found if not p.startswith(_SKIPPED_PREFIXES)})


def _page_url(pattern: str, world: dict) -> str:
    values = {**world, "slug": world[PAGE_PARAMS.get(pattern, "slug")]}
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values.get(m.group(1), 1)), pattern)


def test_every_page_is_in_the_table():
    assert set(pages()) == set(PAGES) | set(POST_ONLY), set(pages()) ^ (set(PAGES) | set(POST_ONLY))


@pytest.mark.parametrize("page", sorted(pages()))
def test_page_as_every_caller(page, world, settings):
    """GET, then POST without the fields a form would send, as each caller: each in its own
    savepoint, so one caller's success never changes what the next one meets."""
    settings.SECURE_SSL_REDIRECT = False
    url = _page_url(page, world)
    for caller in CALLERS:
        cache.clear()
        with transaction.atomic():
            client = make_caller(caller)
            if caller == "reader_by_token":  # pages ignore tokens: a browser never sends one
                client = Client()
            before = state()
            response = client.get(url)
            # Pages ignore tokens (a browser never sends one): that caller is anonymous here.
            as_caller = "anonymous" if caller == "reader_by_token" else caller
            if page in POST_ONLY:
                expected = POST_ONLY[page] if as_caller == "anonymous" else 405
            else:
                expected = PAGES.get(page, {}).get(as_caller)
            if expected is None:
                assert response.status_code < 500, (page, caller, response.status_code)
            else:
                assert response.status_code == expected, (page, caller, response.status_code)
            assert state() == before, f"GET {url} as {caller} changed the database"
            assert_no_leak(response, world, caller)
            posted = client.post(url, {})
            assert posted.status_code < 500, (page, caller, posted.status_code)
            if posted.status_code >= 400 or caller == "anonymous":
                assert state() == before, (
                    f"POST {url} as {caller} ({posted.status_code}) changed the database"
                )
            assert_no_leak(posted, world, caller)
            transaction.set_rollback(True)


def test_the_fingerprint_sees_any_change(world):
    """The 'nothing changed' checks above can fail: one new row, or one changed field, shows."""
    from masthead.accounts.models import Reader

    before = state()
    factories.reader(username="newcomer")
    after_insert = state()
    Reader.objects.filter(username="someone").update(bio="Changed.")
    assert len({before, after_insert, state()}) == 3
