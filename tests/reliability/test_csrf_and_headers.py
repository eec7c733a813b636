"""Cross-site requests, production headers, and rate limits against a spoofed X-Forwarded-For.

- CSRF: a signed-in reader's browser is made to post, from another site, to every
  state-changing route: every API call that is not a read, and every page (ours and
  allauth's), as a form (``application/x-www-form-urlencoded``, ``multipart/form-data``) and
  as ``text/plain`` (the one a cross-site form or ``fetch`` may send without a preflight).
  Each is refused (403) and the database is unchanged.
- Production: a fresh process with ``DEBUG=0`` serves a sign-in; its cookies are HttpOnly
  (the session), Secure and SameSite; HSTS is on; the CSP has no ``unsafe-inline`` or
  ``unsafe-eval``; plain HTTP is redirected. (``check --deploy`` is held clean by
  tests/core/test_settings.py::test_production_settings_pass_check_deploy.)
- Spoofing: a client inventing X-Forwarded-For, X-Real-IP or prepending hops in front of a
  trusted proxy's still counts as one address for sign-up, password reset and the live
  stream caps (sign-in: tests/accounts/test_throttling.py).
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest
from django.test import Client

from masthead.accounts.client import client_ip
from tests import factories
from tests.accounts.test_authorization import (
    BODIES,
    PAGES,
    POST_ONLY,
    _page_url,
    build_world,
    fill,
    routes,
    state,
)
from tests.core.test_settings import PRODUCTION

pytestmark = pytest.mark.django_db

EVIL = "https://evil.example"
STATE_CHANGING = [r for r in routes() if r[0] not in ("GET", "HEAD", "OPTIONS")]
# allauth's pages that change something when posted to.
ACCOUNT_PAGES = [
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/signup/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/password/set/",
    "/accounts/password/reset/",
    "/accounts/reauthenticate/",
]


@pytest.fixture
def world(db):
    return build_world()


# Exempt on purpose: Stripe signs its webhooks (a bad signature is 400, tests/membership);
# the one-click unsubscribe (RFC 8058, posted by mail clients) carries a signed token in its
# URL that names the reader, which a forger cannot make (a forged one is 404).
CSRF_EXEMPT = {"webhooks/stripe", "me/notifications/unsubscribe/<str:token>/"}


def _victim(kind: str = "reader", *, origin: bool = True) -> Client:
    """A signed-in reader's browser, made to send requests from another site (``origin``:
    saying so in Origin and Referer, as browsers do; without: only the token can tell)."""
    headers = {"HTTP_ORIGIN": EVIL, "HTTP_REFERER": f"{EVIL}/prize"} if origin else {}
    client = Client(enforce_csrf_checks=True, **headers)
    client.force_login(factories.reader(username=f"victim_{kind[0]}", role=kind))
    client.get("/me/settings/")  # the browser holds a CSRF cookie, as after any visit
    return client


@pytest.mark.parametrize("encoding", ["form", "text/plain", "json"])
@pytest.mark.parametrize("route", STATE_CHANGING, ids=lambda r: f"{r[0]} {r[1]}")
def test_cross_site_api_calls_are_refused(route, encoding, world):
    method, template = route
    client = _victim("moderator" if "moderation" in template else "reader")
    body = BODIES.get(route) or {}
    before = state()
    if encoding == "form":
        data, content_type = (
            "&".join(f"{k}={v}" for k, v in body.items()),
            "application/x-www-form-urlencoded",
        )
    elif encoding == "text/plain":
        data, content_type = json.dumps(body), "text/plain"
    else:
        data, content_type = json.dumps(body), "application/json"
    response = client.generic(method, fill(template, world), data=data, content_type=content_type)
    assert response.status_code == 403, (response.status_code, response.content[:200])
    assert response.json()["error"]["code"] == "csrf_failed"
    assert state() == before


def _all_pages(world) -> list[str]:
    urls = [_page_url(p, world) for p in [*PAGES, *POST_ONLY] if p not in CSRF_EXEMPT]
    return sorted({*urls, *ACCOUNT_PAGES})


@pytest.mark.parametrize("encoding", ["form", "multipart", "text/plain"])
def test_cross_site_form_posts_to_every_page_are_refused(world, encoding):
    """One victim of each kind that can do more (reader, moderator, editor), every page."""
    refused = []
    for kind in ("reader", "moderator", "editor"):
        client = _victim(kind, origin=encoding != "text/plain")
        for url in _all_pages(world):
            before = state()
            data = {"body": "Forged.", "confirmed": "1", "action": "approve", "message": "Forged."}
            if encoding == "multipart":
                response = client.post(url, data)
            elif encoding == "form":
                response = client.post(
                    url, "&".join(f"{k}={v}" for k, v in data.items()), "application/x-www-form-urlencoded"
                )
            else:
                response = client.post(url, "body=Forged.&confirmed=1", content_type="text/plain")
            if response.status_code != 405:  # a GET-only page refuses any POST anyway
                refused.append((kind, url, response.status_code))
            assert response.status_code in (403, 405), (kind, url, response.status_code)
            assert state() == before, (kind, url)
    assert len(refused) > 30, refused  # the test did reach the state-changing pages


def test_a_same_site_call_with_the_token_goes_through(world):
    """The refusals above are about the token: with it, the same call works."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(factories.reader(username="victim_r"))
    client.get("/me/settings/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        f"/api/v1/articles/{world['slug']}/comments",
        json.dumps({"body": "Mine."}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201


# --- Production: cookies and headers from a process with DEBUG=0 -------------------------------

_PRODUCTION_PROBE = textwrap.dedent(
    """
    import json
    import django
    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from masthead.accounts.services import reader_create

    from django.conf import settings
    from django.test.utils import override_settings

    # Pages name static files; without collectstatic the manifest storage cannot: serve names
    # from the tree (nothing here is about static files).
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
    call_command("migrate", verbosity=0)
    reader_create(username="omar", email="omar@example.org", password="tide tables at noon 4",
                  role="reader", email_verified=True)
    client = Client(HTTP_HOST="news.example.org")
    plain = client.get("/accounts/login/")
    page = client.get("/accounts/login/", secure=True)
    signed_in = client.post("/accounts/login/", {"login": "omar", "password": "tide tables at noon 4"},
                            secure=True, HTTP_REFERER="https://news.example.org/accounts/login/")
    cookies = {name: {key: str(morsel[key]) for key in ("httponly", "secure", "samesite")}
               for name, morsel in client.cookies.items()}
    print(json.dumps({
        "plain": [plain.status_code, plain.get("Location", "")],
        "signed_in": signed_in.status_code,
        "headers": {k: v for k, v in page.items()},
        "cookies": cookies,
    }))
    """
)


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("production")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(data_dir),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "masthead.settings",
        **PRODUCTION,
        "MASTHEAD_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir}/db.sqlite3",
    }
    done = subprocess.run(
        [sys.executable, "-c", _PRODUCTION_PROBE],
        env=env,
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_production_cookies_are_httponly_secure_and_samesite(production):
    assert production["signed_in"] == 302, production
    session, csrf = production["cookies"]["sessionid"], production["cookies"]["csrftoken"]
    assert session == {"httponly": "True", "secure": "True", "samesite": "Lax"}
    assert csrf["secure"] == "True" and csrf["samesite"] in ("Lax", "Strict")


def test_production_headers_hsts_csp_and_friends(production):
    headers = {k.lower(): v for k, v in production["headers"].items()}
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains; preload"
    csp = headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if " " in d.strip())
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, csp
    assert directives["script-src"] == "'self'" and directives["object-src"] == "'none'", csp
    assert directives["frame-ancestors"] == "'none'" and directives["base-uri"] == "'self'", csp
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_production_redirects_plain_http(production):
    status, location = production["plain"]
    assert status == 301 and location.startswith("https://news.example.org/")


# --- Rate limits against a client that invents its address ---------------------------------------


def _spoofed(n: int) -> dict:
    return {
        "REMOTE_ADDR": "198.51.100.9",
        "HTTP_X_FORWARDED_FOR": f"10.{n % 250}.{n // 250}.1",
        "HTTP_X_REAL_IP": f"192.0.2.{n % 250}",
        "HTTP_CLIENT_IP": f"192.0.2.{n % 250}",
    }


def test_sign_up_is_limited_per_address_whatever_x_forwarded_for_says(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "5/m/ip"}
    statuses = []
    for n in range(8):
        response = Client().post(
            "/accounts/signup/",
            {"username": f"newbie{n}", "email": f"newbie{n}@example.org",
             "password1": "tide tables at noon 4", "password2": "tide tables at noon 4"},
            **_spoofed(n),
        )  # fmt: skip
        statuses.append(response.status_code)
    assert statuses[:5] == [302] * 5 and set(statuses[5:]) == {429}, statuses


def test_password_reset_is_limited_per_address_whatever_x_forwarded_for_says(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reset_password": "3/m/ip"}
    statuses = [
        Client()
        .post("/accounts/password/reset/", {"email": f"who{n}@example.org"}, **_spoofed(n))
        .status_code
        for n in range(6)
    ]
    assert statuses[:3] == [302] * 3 and set(statuses[3:]) == {429}, statuses


@pytest.mark.parametrize("proxies", [0, 1])
def test_the_client_address_cannot_be_chosen_by_the_client(rf, settings, proxies):
    """What the rate limits and the live stream caps count by."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    seen = set()
    for n in range(20):
        headers = _spoofed(n)
        if proxies:  # our proxy appends the address it saw; the client wrote the rest
            headers["HTTP_X_FORWARDED_FOR"] += ", 10.9.9.9, 203.0.113.5"
            headers["REMOTE_ADDR"] = "127.0.0.1"
        seen.add(client_ip(rf.get("/", **headers)))
    assert seen == ({"198.51.100.9"} if not proxies else {"203.0.113.5"})


def test_comment_rate_limit_is_per_reader_whatever_the_address(world, settings):
    settings.COMMENT_RATE_LIMIT = "3/m"
    client = Client()
    client.force_login(factories.reader(username="chatty"))
    statuses = [
        client.post(
            f"/api/v1/articles/{world['slug']}/comments",
            json.dumps({"body": f"Comment {n}"}),
            content_type="application/json",
            **_spoofed(n),
        ).status_code
        for n in range(5)
    ]
    assert statuses == [201, 201, 201, 429, 429]
