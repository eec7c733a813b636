"""/api/v1/moderation/…: queues, decisions, bulk, readers, log, counts, metrics — checked
against the OpenAPI document the API generates."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.comments.models import Comment
from masthead.comments.services import report_create
from masthead.moderation import services
from masthead.moderation.models import QueueSnapshot
from tests import factories
from tests.api.openapi import assert_matches_schema
from tests.moderation.conftest import pending, published

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("desk")]


@pytest.fixture
def api(moderator) -> Client:
    client = Client()
    client.force_login(moderator)
    return client


def post(client: Client, path: str, body: dict | None = None):
    return client.post(path, data=json.dumps(body or {}), content_type="application/json")


def test_the_pending_queue(api, article):
    parent_author = factories.reader(username="otto")
    services.moderation_settings_update(actor=None, changes={"new_reader_count": 0})
    parent = published(article, parent_author, body="The baths matter.")
    services.moderation_settings_update(actor=None, changes={"new_reader_count": 2})
    first = pending(article, body="See https://spam.example today.", parent=parent)
    second = pending(article)

    response = api.get("/api/v1/moderation/queue/pending")

    assert response.status_code == 200, response.content
    assert_matches_schema(response)
    items = response.json()["items"]
    assert [i["id"] for i in items] == [first.pk, second.pk]  # longest waiting first
    item = items[0]
    assert item["status"] == "pending"
    assert item["article"]["slug"] == article.slug
    assert item["parent"] == {
        "id": parent.pk,
        "author": "otto",
        "body_html": parent.body_html,
        "deleted": False,
    }
    assert item["moderation"]["rules"] == ["links", "new_readers"]
    assert item["moderation"]["reasons"][0] == {"rule": "links", "detail": "links to spam.example"}
    assert "links" in item["moderation"]["reason"]
    assert item["reports"] == [] and item["decision"] is None


def test_queues_page_with_a_cursor(api, article):
    comments = [pending(article) for _ in range(5)]
    first = api.get("/api/v1/moderation/queue/pending?limit=2").json()
    second = api.get(f"/api/v1/moderation/queue/pending?limit=2&cursor={first['next_cursor']}").json()
    third = api.get(f"/api/v1/moderation/queue/pending?limit=2&cursor={second['next_cursor']}").json()
    assert [i["id"] for i in first["items"] + second["items"] + third["items"]] == [c.pk for c in comments]
    assert third["next_cursor"] is None


def test_queues_filter_by_article_section_and_rule(api, article):
    other = factories.article(headline="Ferry timetable")
    linked = pending(article, body="Read https://spam.example now.")
    plain = pending(other)

    def ids(query: str) -> list[int]:
        response = api.get(f"/api/v1/moderation/queue/pending{query}")
        assert response.status_code == 200, response.content
        return [i["id"] for i in response.json()["items"]]

    assert ids(f"?article={article.slug}") == [linked.pk]
    assert ids(f"?section={other.section.slug}") == [plain.pk]
    assert ids("?rule=links") == [linked.pk]
    assert ids("?rule=banned_words") == []
    response = api.get("/api/v1/moderation/queue/pending?rule=astrology")
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["rule"]


def test_the_reported_queue_carries_the_reports(api, article, no_probation):
    comment = published(article)
    light = published(article)
    for n, reason in enumerate(("abuse", "spam", "abuse")):
        report_create(
            comment=comment, reader=factories.reader(username=f"rep{n}"), reason=reason, note=f"n{n}"
        )
    report_create(comment=light, reader=factories.reader(), reason="spam")

    response = api.get("/api/v1/moderation/queue/reported")

    assert_matches_schema(response)
    [item] = response.json()["items"]
    assert item["id"] == comment.pk and item["status"] == "published"
    assert item["report_count"] == 3 and item["report_weight"] == 3.0
    assert sorted((r["reporter"], r["reason"], r["note"], r["weight"]) for r in item["reports"]) == [
        ("rep0", "abuse", "n0", 1.0),
        ("rep1", "spam", "n1", 1.0),
        ("rep2", "abuse", "n2", 1.0),
    ]


def test_rejected_and_approved_queues(api, article, moderator):
    kept, thrown = pending(article), pending(article)
    post(api, f"/api/v1/moderation/comments/{kept.pk}/approve")
    post(api, f"/api/v1/moderation/comments/{thrown.pk}/reject", {"reason": "No."})

    approved = api.get("/api/v1/moderation/queue/approved").json()["items"]
    rejected = api.get("/api/v1/moderation/queue/rejected").json()["items"]
    assert [i["id"] for i in approved] == [kept.pk]
    assert approved[0]["decision"]["decided_by"] == "maya"
    assert approved[0]["decision"]["decision"] == "approved"
    assert [i["id"] for i in rejected] == [thrown.pk]
    assert rejected[0]["moderation"]["reason"] == "No."


def test_a_queue_page_costs_the_same_for_3_or_30_comments(api, article, no_probation):
    def cost(n: int) -> int:
        Comment.objects.all().delete()
        parent = published(article)
        for i in range(n):
            comment = published(article, parent=parent)
            for _ in range(3):
                report_create(comment=comment, reader=factories.reader(), reason="abuse")
            assert i >= 0
        with CaptureQueriesContext(connection) as queries:
            response = api.get("/api/v1/moderation/queue/reported?limit=50")
        assert len(response.json()["items"]) == n
        return len(queries)

    assert cost(3) == cost(30)


def test_actions_answer_the_card(api, article, no_probation):
    comment = published(article)

    response = post(api, f"/api/v1/moderation/comments/{comment.pk}/feature", {"reason": "Insightful."})
    assert response.status_code == 200, response.content
    assert_matches_schema(response)
    assert response.json()["featured"] is True

    response = post(api, f"/api/v1/moderation/comments/{comment.pk}/unfeature")
    assert response.json()["featured"] is False
    response = post(api, f"/api/v1/moderation/comments/{comment.pk}/reject", {"reason": "On reflection, no."})
    assert response.json()["status"] == "rejected"
    response = post(api, f"/api/v1/moderation/comments/{comment.pk}/approve")
    assert response.json()["status"] == "published"


def test_action_errors(api, article):
    comment = pending(article)
    response = post(api, f"/api/v1/moderation/comments/{comment.pk}/feature")
    assert (response.status_code, response.json()["error"]["code"]) == (409, "conflict")
    response = post(api, "/api/v1/moderation/comments/999999/approve")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
    response = post(api, f"/api/v1/moderation/comments/{comment.pk}/reject", {"reason": "x" * 501})
    assert response.status_code == 422


def test_bulk(api, article):
    comments = [pending(article) for _ in range(3)]
    response = post(
        api,
        "/api/v1/moderation/comments/bulk",
        {"action": "reject", "ids": [c.pk for c in comments] + [999999]},
    )
    assert response.status_code == 200, response.content
    assert_matches_schema(response)
    body = response.json()
    assert body["done"] == [c.pk for c in comments]
    assert body["failed"] == [{"id": 999999, "code": "not_found", "message": "No comment by that number."}]
    response = post(api, "/api/v1/moderation/comments/bulk", {"action": "feature", "ids": [1]})
    assert response.status_code == 422


def test_reader_actions_and_record(api, article, moderator):
    comment = pending(article)
    username = comment.author.username
    until = (timezone.now() + timedelta(days=3)).replace(microsecond=0)

    response = post(
        api, f"/api/v1/moderation/readers/{username}/warn", {"message": "Tone.", "comment_id": comment.pk}
    )
    assert response.status_code == 200, response.content
    assert_matches_schema(response)
    response = post(
        api,
        f"/api/v1/moderation/readers/{username}/suspend",
        {"message": "Cool off.", "until": until.isoformat().replace("+00:00", "Z")},
    )
    assert_matches_schema(response)
    record = response.json()
    assert record["standing"] == {
        "status": "suspended",
        "until": until.isoformat().replace("+00:00", "Z"),
        "message": "Cool off.",
    }
    assert [s["action"] for s in record["sanctions"]] == ["suspend", "warn"]
    assert record["warnings"][0]["message"] == "Tone."
    assert record["comments"] == {"published": 0, "pending": 1, "rejected": 0, "deleted_by_moderators": 0}

    response = post(api, f"/api/v1/moderation/readers/{username}/suspend", {"message": "Again."})
    assert (response.status_code, list(response.json()["error"]["fields"])) == (422, ["until"])
    response = post(api, f"/api/v1/moderation/readers/{username}/ban", {"message": "Enough."})
    assert response.json()["standing"]["status"] == "banned"
    response = post(api, f"/api/v1/moderation/readers/{username}/reinstate", {})
    assert response.json()["standing"]["status"] == "active"
    assert api.get(f"/api/v1/moderation/readers/{username}").json()["account_age_days"] == 0
    assert post(api, "/api/v1/moderation/readers/nobody-here/ban", {"message": "x"}).status_code == 404
    staff = factories.reader(role="editor")
    response = post(api, f"/api/v1/moderation/readers/{staff.username}/ban", {"message": "x"})
    assert (response.status_code, response.json()["error"]["code"]) == (403, "forbidden")


def test_the_log(api, article, moderator):
    comment = pending(article)
    post(api, f"/api/v1/moderation/comments/{comment.pk}/approve", {"reason": "Fine."})
    post(api, f"/api/v1/moderation/readers/{comment.author.username}/warn", {"message": "Careful."})
    put = api.put(
        "/api/v1/moderation/settings",
        data=json.dumps({"report_threshold": 4}),
        content_type="application/json",
    )
    assert put.status_code == 200

    response = api.get("/api/v1/moderation/log")
    assert_matches_schema(response)
    items = response.json()["items"]
    assert [(i["action"], i["moderator"]) for i in items] == [
        ("moderation.settings", "maya"),
        ("reader.warn", "maya"),
        ("comment.approve", "maya"),
    ]
    approve = items[2]
    assert set(approve) >= {"id", "at", "moderator", "action", "target", "reason"}
    assert approve["target"] == {"type": "comment", "id": str(comment.pk), "label": str(comment)}
    assert approve["reason"] == "Fine."
    assert items[1]["target"]["type"] == "reader"

    def actions(query: str) -> list[str]:
        return [i["action"] for i in api.get(f"/api/v1/moderation/log{query}").json()["items"]]

    assert actions("?action=reader.warn") == ["reader.warn"]
    assert actions("?moderator=someone-else") == []
    assert actions(f"?reader={comment.author.username}") == ["reader.warn"]
    assert actions(f"?comment={comment.pk}") == ["comment.approve"]
    page = api.get("/api/v1/moderation/log?limit=2").json()
    rest = api.get(f"/api/v1/moderation/log?limit=2&cursor={page['next_cursor']}").json()
    assert [i["action"] for i in page["items"] + rest["items"]] == [i["action"] for i in items]


def test_counts_are_cheap_and_sample_the_queues(api, article):
    pending(article)
    response = api.get("/api/v1/moderation/counts")
    assert response.json() == {"pending": 1, "reported": 0}
    assert QueueSnapshot.objects.get().pending == 1  # the first poll in ten minutes took a snapshot
    api.get("/api/v1/moderation/counts")
    assert QueueSnapshot.objects.count() == 1
    with CaptureQueriesContext(connection) as queries:
        api.get("/api/v1/moderation/counts")
    assert not any("comments_comment" in q["sql"] for q in queries)  # from the cache


def test_settings_carry_the_report_threshold_and_article_modes(api, article):
    response = api.put(
        "/api/v1/moderation/settings",
        data=json.dumps({"report_threshold": 5, "article_modes": {article.slug: "pre"}}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert_matches_schema(response)
    body = response.json()
    assert body["report_threshold"] == 5
    assert body["article_modes"] == {article.slug: "pre"}
    response = api.put(
        "/api/v1/moderation/settings",
        data=json.dumps({"article_modes": {article.slug: "inherit", "no-such-story": "closed"}}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["article_modes.no-such-story"]
    assert api.get("/api/v1/moderation/settings").json()["article_modes"] == {article.slug: "pre"}


def test_metrics(api, article, moderator):
    services.comment_moderate(actor=moderator, comment=pending(article), action="reject")
    services.comment_moderate(actor=moderator, comment=pending(article), action="approve")
    response = api.get("/api/v1/moderation/metrics?days=7")
    assert response.status_code == 200, response.content
    assert_matches_schema(response)
    body = response.json()
    assert body["decisions"] == 2
    assert body["median_wait_seconds"] is not None
    assert body["decided"] == 2 and body["decided_automatically"] == 0
    assert body["rules"] == [
        {"rule": "new_readers", "held": 2, "approved": 1, "rejected": 1, "rejected_automatically": 0}
    ]
    assert body["moderators"] == [{"username": "maya", "approved": 1, "rejected": 1}]
    assert api.get("/api/v1/moderation/metrics?days=3").status_code == 422
