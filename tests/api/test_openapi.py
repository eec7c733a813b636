"""The machine-readable contract and its docs page, generated from the code."""

import json
import re

import pytest
from jsonschema import Draft202012Validator

from masthead.newsroom import services
from tests import factories
from tests.api import openapi

pytestmark = pytest.mark.django_db

ARTICLE_PATHS = ("/api/v1/articles", "/api/v1/articles/{slug}", "/api/v1/articles/{slug}/updates")


def test_openapi_document_is_served_as_json(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert document["info"]["version"] == "1"
    assert document == openapi.document()  # what the tests validate against is what is served


def test_openapi_document_has_the_article_paths(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    for path in ARTICLE_PATHS:
        assert "get" in paths[path], path
    list_params = {p["name"] for p in paths["/api/v1/articles"]["get"]["parameters"]}
    assert {"section", "q", "cursor", "limit"} <= list_params


def test_every_component_schema_is_valid_json_schema(client):
    document = client.get("/api/v1/openapi.json").json()

    assert document["components"]["schemas"]
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)  # raises SchemaError on a broken one


def test_every_ref_resolves(client):
    text = client.get("/api/v1/openapi.json").content.decode()
    document = json.loads(text)

    refs = set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', text))
    assert refs, "the document uses no $ref: the helper's resolution is untested"
    assert refs <= set(document["components"]["schemas"])


def test_article_detail_schema_requires_the_contract_fields():
    schema = openapi.document()["components"]["schemas"]["ArticleOut"]

    assert {
        "slug", "url", "headline", "standfirst", "section", "authors", "published_at", "updated_at",
        "body_html", "comment_count", "comments_open", "is_live",
    } <= set(schema["required"])  # fmt: skip
    assert schema["properties"]["published_at"]["format"] == "date-time"


def test_the_validator_catches_a_wrong_body(client, article):
    body = client.get(f"/api/v1/articles/{article.slug}").json()
    schema = openapi.response_schema(f"/api/v1/articles/{article.slug}", "get", 200)

    for broken in (
        {k: v for k, v in body.items() if k != "headline"},
        {**body, "comment_count": "many"},
        {**body, "authors": [{"name": "No slug"}]},
        {**body, "published_at": body["published_at"].replace("Z", "+00:00")},
    ):
        with pytest.raises(AssertionError):
            openapi.validate(broken, schema)
    openapi.validate(body, schema)


def test_docs_page_is_served(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "/api/v1/openapi.json" in html
    assert "swagger-ui" in html


def test_docs_page_loads_nothing_from_another_host(client):
    html = client.get("/api/v1/docs").content.decode()

    other_hosts = [
        url
        for url in re.findall(r"""(?:https?:)?//[^\s"'<>)]+""", html)
        if not url.startswith("//testserver")
    ]
    assert other_hosts == []
    for src in re.findall(r"""(?:src|href)=["']([^"']+)["']""", html):
        assert src.startswith("/"), src


def test_docs_page_turns_off_the_swagger_validator_badge(client):
    html = client.get("/api/v1/docs").content.decode()
    settings_json = re.search(
        r'<script type="application/json" id="swagger-settings">(.*?)</script>', html, re.S
    )

    assert settings_json, "the page no longer carries its settings as JSON"
    assert json.loads(settings_json.group(1))["validatorUrl"] is None


def test_docs_page_runs_under_the_csp(client):
    response = client.get("/api/v1/docs")
    html = response.content.decode()

    assert "script-src 'self'" in response["Content-Security-Policy"]
    inline_scripts = [
        attrs
        for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
        if body.strip() and 'type="application/json"' not in attrs
    ]
    assert inline_scripts == []  # the CSP would block them: the page would be blank
    assert " style=" not in html


def test_live_update_list_matches_the_schema(client, section, editor):
    story = factories.article(headline="Election night", section=section, is_live=True)
    services.liveupdate_post(article=story, author=editor, body="First result in.")

    openapi.assert_matches_schema(client.get(f"/api/v1/articles/{story.slug}/updates"))
