"""Personal access tokens: made on /me/tokens, stored hashed, Bearer on the API, revocable."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from masthead.accounts import services
from masthead.accounts.models import PersonalAccessToken
from tests import factories

pytestmark = pytest.mark.django_db


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_create_on_the_page_shows_the_token_once_and_stores_only_a_digest(client):
    reader = factories.reader(username="omar")
    client.force_login(reader)
    response = client.post("/me/tokens/", {"name": "Newsletter script"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = re.search(rb'value="(mhp_[A-Za-z0-9_-]+)"', response.content).group(1).decode()

    token = PersonalAccessToken.objects.get(reader=reader)
    assert token.name == "Newsletter script"
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(PersonalAccessToken.objects.values().get())
    assert token.prefix == secret[:12]

    listing = client.get("/me/tokens/")
    assert secret.encode() not in listing.content
    assert token.prefix.encode() in listing.content and b"Newsletter script" in listing.content


def test_a_token_authenticates_api_calls_and_records_its_use():
    reader = factories.reader(username="omar")
    token, secret = services.token_create(reader=reader, name="laptop")
    response = Client().get("/api/v1/me", **bearer(secret))
    assert response.status_code == 200
    assert response.json()["username"] == "omar"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoked_token_stops_working_at_once(client):
    reader = factories.reader(username="omar")
    token, secret = services.token_create(reader=reader, name="laptop")
    api = Client()
    assert api.get("/api/v1/me", **bearer(secret)).status_code == 200

    client.force_login(reader)
    assert client.post(f"/me/tokens/{token.pk}/revoke/").status_code == 302
    refused = api.get("/api/v1/me", **bearer(secret))
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "not_authenticated"
    assert b"Revoked" in client.get("/me/tokens/").content


def test_nobody_revokes_another_readers_token(client):
    owner = factories.reader(username="omar")
    token, secret = services.token_create(reader=owner, name="laptop")
    client.force_login(factories.reader(username="rita"))
    assert client.post(f"/me/tokens/{token.pk}/revoke/").status_code == 404
    assert Client().get("/api/v1/me", **bearer(secret)).status_code == 200


@pytest.mark.parametrize(
    "header",
    ["Bearer mhp_not-a-real-token", "Bearer ", "Bearer something-else", "Basic b21hcjpwYXNz", "Token abc"],
)
def test_a_bad_credential_is_401_even_on_public_routes(header):
    response = Client().get("/api/v1/articles", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": "not_authenticated", "message": "Sign in or send a valid token."}
    }


def test_a_deactivated_readers_token_fails():
    reader = factories.reader(username="omar")
    _, secret = services.token_create(reader=reader, name="laptop")
    reader.is_active = False
    reader.save()
    assert Client().get("/api/v1/me", **bearer(secret)).status_code == 401


def test_session_calls_that_change_state_need_the_csrf_token():
    reader = factories.reader(username="omar")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reader)
    refused = browser.delete(
        "/api/v1/me", {"password": "correct horse battery"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    # Reads need no CSRF token.
    assert browser.get("/api/v1/me").status_code == 200

    browser.get("/me/settings/")  # any page with a form sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    allowed = browser.delete(
        "/api/v1/me",
        {"password": "correct horse battery"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert allowed.status_code == 204


def test_bearer_calls_need_no_csrf_token():
    reader = factories.reader(username="omar")
    _, secret = services.token_create(reader=reader, name="script")
    api = Client(enforce_csrf_checks=True)
    response = api.delete(
        "/api/v1/me", {"password": "correct horse battery"}, content_type="application/json", **bearer(secret)
    )
    assert response.status_code == 204


def test_token_names_are_required_and_active_tokens_are_capped(client):
    reader = factories.reader(username="omar")
    client.force_login(reader)
    response = client.post("/me/tokens/", {"name": "   "})
    assert response.status_code == 200 and "name" in response.context["form"].errors
    for n in range(services.MAX_ACTIVE_TOKENS):
        services.token_create(reader=reader, name=f"token {n}")
    full = client.post("/me/tokens/", {"name": "one too many"})
    assert "revoke one first" in str(full.context["form"].non_field_errors())
    assert PersonalAccessToken.objects.filter(reader=reader).count() == services.MAX_ACTIVE_TOKENS


def test_a_checked_token_is_remembered_until_its_reader_changes(settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from masthead.accounts.tokens import token_authenticate

    settings.TOKEN_CACHE_SECONDS = 60
    reader = factories.reader(username="omar")
    _, secret = services.token_create(reader=reader, name="laptop")
    assert token_authenticate(secret).username == "omar"  # checked, and its use recorded

    with CaptureQueriesContext(connection) as again:
        first = token_authenticate(secret)
    assert len(again) == 0
    first._masthead_is_moderator = True  # noted by one request...
    assert not hasattr(token_authenticate(secret), "_masthead_is_moderator")  # ...not the next

    services.reader_suspend(
        reader=reader, until=timezone.now() + timedelta(days=1), message="Cool off.", actor=None
    )
    assert token_authenticate(secret).is_suspended  # the change is seen at once
    reader.is_active = False
    reader.save()
    assert token_authenticate(secret) is None
