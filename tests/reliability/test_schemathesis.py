"""schemathesis against /api/v1/openapi.json, in-process (WSGI), as a reader and as a moderator.

Every operation of the document gets generated requests, valid and invalid (Hypothesis,
``MAX_EXAMPLES`` each), sent with a personal access token. Checks: never a 5xx; a response
whose status the document declares matches its schema and content type; every error has
the contract's one shape (tests/api/openapi.py ERROR_SCHEMA).

It takes a minute or two, so it runs once per CI run: on the PostgreSQL pass (PostgreSQL is
the stricter engine: it refuses NUL in text, which generated strings are full of), or
anywhere with ``SCHEMATHESIS=1``. ``SCHEMATHESIS_EXAMPLES`` raises the examples per
operation (``make soak`` runs it with 200).
"""

import json
import os

import pytest
import schemathesis
from django.core.cache import cache
from django.db import connection
from hypothesis import HealthCheck, settings
from jsonschema import Draft202012Validator
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from masthead.accounts import services as account_services
from tests import factories
from tests.api.openapi import ERROR_SCHEMA

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "8"))


def _wanted() -> bool:
    if os.environ.get("SCHEMATHESIS") == "1":
        return True
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


pytestmark = [
    pytest.mark.skipif(not _wanted(), reason="runs on the PostgreSQL pass, or with SCHEMATHESIS=1"),
    pytest.mark.django_db(transaction=False),
]


def _document() -> dict:
    """The document /api/v1/openapi.json serves (path_prefix given: collecting tests must
    not import the URLconf)."""
    from masthead.api.api import api

    rendered = api.renderer.render(None, api.get_openapi_schema(path_prefix="/api/v1/"), response_status=200)
    return json.loads(rendered)


schema = schemathesis.openapi.from_dict(_document())


@pytest.fixture
def app(settings):
    """The WSGI app, built inside the test: middleware reads its settings when built (after
    tests/conftest.py turned the HTTPS redirect off)."""
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    # As Django's test client does: a request must not close the test's connection (its
    # transaction holds the test data).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def error_shape(ctx, response, case):
    """Every 4xx/5xx carries {"error": {"code", "message", "fields"?}} and nothing else."""
    if response.status_code < 400:
        return None
    problems = list(Draft202012Validator(ERROR_SCHEMA).iter_errors(response.json()))
    if problems:
        raise AssertionError(f"error body off the contract: {problems[0].message}: {response.text[:300]}")
    return None


@pytest.fixture
def callers(db, settings):
    """The Authorization headers of a signed-in reader and of a moderator."""
    settings.COMMENT_RATE_LIMIT = "100000/m"
    settings.COMMENT_REACTION_RATE_LIMIT = "100000/m"
    settings.COMMENT_REPORT_RATE_LIMIT = "100000/m"
    settings.COMMUNITY_FOLLOW_RATE_LIMIT = "100000/m"
    settings.PASSWORD_HASHERS = ["tests.accounts.hashers.CheapArgon2PasswordHasher"]
    article = factories.article(headline="Council votes to reopen the harbour baths")
    someone = factories.reader(username="someone")
    factories.comment(article=article, author=someone)
    headers = []
    for role in ("reader", "moderator"):
        reader = factories.reader(username=f"fuzz_{len(headers)}", role=role)
        _, secret = account_services.token_create(reader=reader, name="schemathesis")
        headers.append({"Authorization": f"Bearer {secret}"})
    return headers


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples every run: a failure in CI reproduces locally
    suppress_health_check=list(HealthCheck),
)
def test_api_against_its_document(case, app, callers):
    """Each generated request is sent as the reader, then as the moderator."""
    assert connection.vendor in ("postgresql", "sqlite")
    for headers in callers:
        cache.clear()  # rate limits and cached pages from the previous example
        case.call_and_validate(
            app=app,
            headers=headers,
            checks=[not_a_server_error, response_schema_conformance, content_type_conformance, error_shape],
        )
