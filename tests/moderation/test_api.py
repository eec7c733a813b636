"""GET and PUT /api/v1/moderation/settings: moderators only, validated, logged."""

import json

import pytest
from django.test import Client

from masthead.accounts import services as accounts
from masthead.core.models import AuditLogEntry
from masthead.moderation.models import ModerationSettings, SectionModeration
from tests import factories
from tests.api.openapi import assert_matches_schema

pytestmark = pytest.mark.django_db

URL = "/api/v1/moderation/settings"


NAMES = {"reader": "rhea", "moderator": "maya", "editor": "edna", "admin": "ada"}


def client_for(role: str) -> Client:
    client = Client()
    client.force_login(factories.reader(username=NAMES[role], role=role))
    return client


def put(client: Client, body: dict):
    return client.put(URL, data=json.dumps(body), content_type="application/json")


def test_moderator_reads_the_settings():
    response = client_for("moderator").get(URL)

    assert response.status_code == 200, response.content
    assert_matches_schema(response)
    body = response.json()
    assert body["mode"] == "post"
    assert body["toxicity_threshold"] == 0.8
    assert body["new_reader_count"] == 2
    assert body["link_policy"] == "allowlist"
    assert "kill yourself" in body["banned_words"]
    assert "gov.uk" in body["link_allowlist"]
    assert "bloody" in body["allowed_words"]
    assert body["section_modes"] == {}
    assert body["scorer"] == "local"


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_moderators_and_admins_change_settings(role, section):
    response = put(
        client_for(role),
        {
            "banned_words": ["kill yourself", "Kys"],
            "suspect_words": ["idiot*"],
            "toxicity_threshold": 0.65,
            "new_reader_count": 3,
            "link_policy": "hold_all",
            "link_allowlist": ["https://www.example.org/"],
            "section_modes": {section.slug: "pre"},
        },
    )

    assert response.status_code == 200, response.content
    assert_matches_schema(response)
    body = response.json()
    assert body["banned_words"] == ["kill yourself", "kys"]
    assert body["toxicity_threshold"] == 0.65
    assert body["link_allowlist"] == ["example.org"]
    assert body["section_modes"] == {section.slug: "pre"}
    row = ModerationSettings.load()
    assert (row.new_reader_count, row.link_policy) == (3, "hold_all")
    assert SectionModeration.objects.get().mode == "pre"
    assert AuditLogEntry.objects.filter(action="moderation.settings").exists()


def test_a_partial_put_keeps_the_rest():
    client = client_for("moderator")
    before = client.get(URL).json()

    after = put(client, {"toxicity_threshold": 0.9}).json()

    assert after["toxicity_threshold"] == 0.9
    assert {k: v for k, v in after.items() if k not in ("toxicity_threshold", "updated_at")} == {
        k: v for k, v in before.items() if k not in ("toxicity_threshold", "updated_at")
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"toxicity_threshold": 2}, "toxicity_threshold"),
        ({"toxicity_threshold": "high"}, "toxicity_threshold"),
        ({"new_reader_count": -1}, "new_reader_count"),
        ({"mode": "maybe"}, "mode"),
        ({"link_policy": "sometimes"}, "link_policy"),
        ({"banned_words": ["a"]}, "banned_words"),
        ({"link_allowlist": ["not a domain"]}, "link_allowlist"),
        ({"section_modes": {"no-such-section": "pre"}}, "section_modes.no-such-section"),
    ],
)
def test_invalid_settings_are_422_with_the_field(body, field):
    response = put(client_for("moderator"), body)

    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"]
    assert ModerationSettings.load().toxicity_threshold == 0.8


def test_malformed_json_is_400():
    response = client_for("moderator").put(URL, data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"


@pytest.mark.parametrize("method", ["get", "put"])
@pytest.mark.parametrize("role", ["reader", "editor"])
def test_everyone_else_is_forbidden(method, role):
    client = client_for(role)
    response = client.get(URL) if method == "get" else put(client, {"toxicity_threshold": 0.1})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert ModerationSettings.load().toxicity_threshold == 0.8


@pytest.mark.parametrize("method", ["get", "put"])
def test_anonymous_is_asked_to_sign_in(method):
    client = Client()
    response = client.get(URL) if method == "get" else put(client, {})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_token_works_without_csrf_and_a_session_needs_it():
    moderator = factories.reader(username="maya", role="moderator")
    _, secret = accounts.token_create(reader=moderator, name="desk")
    by_token = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert put(by_token, {"new_reader_count": 4}).status_code == 200

    by_session = Client(enforce_csrf_checks=True)
    by_session.force_login(moderator)
    response = put(by_session, {"new_reader_count": 5})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
