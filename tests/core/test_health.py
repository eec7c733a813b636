"""Liveness and readiness probes, and the security headers every response carries."""

import pytest
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

pytestmark = pytest.mark.django_db


def test_healthz_answers_while_the_process_lives(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ok_when_the_database_answers(client, settings):
    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"]) == ("ok", "ok")
    if settings.REDIS_URL:  # the PostgreSQL + Redis run: Redis is checked too
        assert body["redis"] == "ok"
    else:
        assert "redis" not in body


def test_readyz_is_503_when_the_database_is_down(client, monkeypatch):
    def unreachable(self, *args, **kwargs):
        raise connections["default"].Database.OperationalError("connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", unreachable)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["database"] == "down"
    assert "refused" not in response.content.decode()  # says what, not why


def test_readyz_is_503_when_configured_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "redis": "down"}


def test_probes_are_never_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True  # production: a proxy's plain-HTTP probe must still get in

    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    redirected = client.get("/api/v1/articles")
    assert redirected.status_code == 301
    assert redirected["Location"] == "https://testserver/api/v1/articles"


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/articles", "/api/v1/docs", "/no-such-page/"])
def test_every_response_carries_the_csp_and_security_headers(client, path):
    response = client.get(path)

    csp = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
