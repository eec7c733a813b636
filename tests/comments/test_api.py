"""The comments API against the contract (shared API.md, Comments) and the OpenAPI document."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from masthead.accounts import services as accounts_services
from masthead.comments import services
from masthead.comments.models import Comment
from tests import factories
from tests.api.openapi import assert_matches_schema

pytestmark = pytest.mark.django_db

COMMENT_FIELDS = {
    "id", "article_slug", "parent_id", "depth", "author", "body_html", "created_at", "edited_at",
    "status", "reaction_count", "reacted", "reply_count", "featured", "deleted",
}  # fmt: skip


def _client(reader=None, **headers) -> Client:
    client = Client(headers=headers)
    if reader is not None:
        client.force_login(reader)
    return client


def _post(client, path, body, **headers):
    return client.post(path, data=json.dumps(body), content_type="application/json", headers=headers)


def _send(client, method, path, body=None):
    return client.generic(method, path, data=json.dumps(body or {}), content_type="application/json")


def _url(article) -> str:
    return f"/api/v1/articles/{article.slug}/comments"


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = assert_matches_schema(response)
    assert body["error"]["code"] == code, body
    return body["error"]


# --- Listing -------------------------------------------------------------------------------


def test_list_is_top_level_comments_with_their_first_three_replies(article, author, other):
    top = factories.comment(article=article, author=author, body="First *thoughts*")
    replies = [factories.comment(article=article, author=other, parent=top, body=f"r{n}") for n in range(5)]
    later = factories.comment(article=article, author=other, body="Later")

    body = assert_matches_schema(_client().get(_url(article)))

    assert [item["id"] for item in body["items"]] == [later.pk, top.pk]
    assert body["next_cursor"] is None
    assert (body["comment_count"], body["comments_open"]) == (7, True)
    item = body["items"][1]
    assert set(item) >= COMMENT_FIELDS
    assert item["article_slug"] == article.slug
    assert item["author"] == {"username": "alma", "display_name": "alma", "badges": []}
    assert item["body_html"] == "<p>First <em>thoughts</em></p>"
    assert (item["reply_count"], item["depth"], item["status"], item["deleted"]) == (5, 0, "published", False)
    assert [r["id"] for r in item["replies"]] == [r.pk for r in replies[:3]]
    assert item["replies"][0]["parent_id"] == top.pk
    assert item["replies"][0]["depth"] == 1
    assert item["url"] == f"http://testserver/articles/{article.slug}/?comment={top.pk}#comment-{top.pk}"


@pytest.mark.parametrize("sort", ["newest", "oldest", "top", "featured"])
def test_every_sort_walks_with_a_cursor_without_repeats(article, author, moderator, sort):
    readers = [factories.reader() for _ in range(4)]
    comments = [factories.comment(article=article, author=author, body=f"c{n}") for n in range(7)]
    for n, comment in enumerate(comments):
        for reader in readers[: n % 4]:
            services.reaction_set(comment=comment, reader=reader)
        if n % 2 == 0:
            services.comment_feature(comment=comment, actor=moderator)

    seen, cursor = [], None
    while True:
        params = {"sort": sort, "limit": 2, **({"cursor": cursor} if cursor else {})}
        body = assert_matches_schema(_client().get(_url(article), params))
        seen += [(item["id"], item["reaction_count"]) for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break

    ids = [pk for pk, _ in seen]
    assert len(ids) == len(set(ids))
    if sort == "newest":
        assert ids == [c.pk for c in reversed(comments)]
    elif sort == "oldest":
        assert ids == [c.pk for c in comments]
    elif sort == "top":
        assert seen == sorted(seen, key=lambda pair: (-pair[1], -pair[0]))
    else:
        assert ids == [c.pk for c in reversed(comments) if comments.index(c) % 2 == 0]


def test_replies_asks_for_more_replies_and_replies_cursor_continues_them(article, author, other):
    top = factories.comment(article=article, author=author, body="Top")
    replies = [factories.comment(article=article, author=other, parent=top, body=f"r{n}") for n in range(7)]
    short = factories.comment(article=article, author=author, body="Short")
    only = factories.comment(article=article, author=other, parent=short, body="only")

    body = assert_matches_schema(_client().get(_url(article), {"sort": "oldest", "replies": 5}))
    first, second = body["items"]
    assert [r["id"] for r in first["replies"]] == [r.pk for r in replies[:5]]
    assert [r["id"] for r in second["replies"]] == [only.pk]
    assert second["replies_cursor"] is None
    rest = assert_matches_schema(
        _client().get(f"/api/v1/comments/{top.pk}/replies", {"cursor": first["replies_cursor"]})
    )
    assert [r["id"] for r in rest["items"]] == [r.pk for r in replies[5:]]
    assert rest["next_cursor"] is None

    default = assert_matches_schema(_client().get(_url(article), {"sort": "oldest"}))["items"][0]
    assert len(default["replies"]) == 3 and default["replies_cursor"]
    everything = assert_matches_schema(_client().get(_url(article), {"sort": "oldest", "replies": 100}))
    assert [len(item["replies"]) for item in everything["items"]] == [7, 1]
    assert [item["replies_cursor"] for item in everything["items"]] == [None, None]
    none = assert_matches_schema(_client().get(_url(article), {"sort": "oldest", "replies": 0}))
    assert [(item["replies"], item["reply_count"]) for item in none["items"]] == [([], 7), ([], 1)]


def test_anonymous_pages_are_cached_until_the_thread_changes(
    article, author, other, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    tops = [factories.comment(article=article, author=author, body=f"t{n}") for n in range(3)]
    params = {"sort": "oldest", "limit": 1, "replies": 100}
    cursor = _client().get(_url(article), params).json()["next_cursor"]
    page = {**params, "cursor": cursor}
    first = assert_matches_schema(_client().get(_url(article), page))
    assert [item["id"] for item in first["items"]] == [tops[1].pk]

    with django_assert_max_num_queries(1):  # the article; the page itself from the cache
        again = assert_matches_schema(_client().get(_url(article), page))
    assert again == first

    with django_capture_on_commit_callbacks(execute=True):
        reply = factories.comment(article=article, author=other, parent=tops[1], body="late")
    after = assert_matches_schema(_client().get(_url(article), page))
    assert [r["id"] for r in after["items"][0]["replies"]] == [reply.pk]
    assert after["comment_count"] == 4
    mine = assert_matches_schema(_client(other).get(_url(article), page))  # signed in: made afresh
    assert mine["items"][0]["replies"][0]["id"] == reply.pk


@pytest.mark.parametrize("replies", ["-1", "101", "many"])
def test_replies_out_of_bounds_is_a_validation_error(article, replies):
    error = _error(_client().get(_url(article), {"replies": replies}), 422, "validation_error")
    assert "replies" in error["fields"]


def test_a_bad_sort_or_cursor_is_a_validation_error(article):
    _error(_client().get(_url(article), {"sort": "loudest"}), 422, "validation_error")
    _error(_client().get(_url(article), {"cursor": "nonsense"}), 422, "validation_error")


def test_comments_of_an_unpublished_article_are_not_found(section):
    draft = factories.article(section=section, published=False)
    _error(_client().get(_url(draft)), 404, "not_found")


def test_the_article_says_its_real_count_and_whether_comments_are_open(article, author, section):
    factories.comment(article=article, author=author)
    old = factories.article(headline="An old story", section=section, ago=timedelta(days=20))

    detail = assert_matches_schema(_client().get(f"/api/v1/articles/{article.slug}"))
    assert (detail["comment_count"], detail["comments_open"]) == (1, True)
    listing = {a["slug"]: a for a in assert_matches_schema(_client().get("/api/v1/articles"))["items"]}
    assert (listing[article.slug]["comment_count"], listing[old.slug]["comments_open"]) == (1, False)


# --- Posting -------------------------------------------------------------------------------


def test_post_answers_201_with_the_comment(article, author):
    response = _post(_client(author), _url(article), {"body": "Well **reported**."})

    assert response.status_code == 201
    body = assert_matches_schema(response)
    assert body["status"] == "published"
    assert body["moderation"] is None
    assert body["body_html"] == "<p>Well <strong>reported</strong>.</p>"
    assert body["author"]["username"] == "alma"
    assert Comment.objects.get().pk == body["id"]


def test_post_a_reply(article, author, other):
    parent = factories.comment(article=article, author=other)
    body = assert_matches_schema(
        _post(_client(author), _url(article), {"body": "Agreed", "parent_id": parent.pk})
    )
    assert (body["parent_id"], body["depth"]) == (parent.pk, 1)


def test_a_held_comment_says_why(article, author, premoderation):
    body = assert_matches_schema(_post(_client(author), _url(article), {"body": "Hold me"}))
    assert body["status"] == "pending"
    assert body["moderation"] == {"reason": "New readers' first comments are reviewed."}


def test_post_needs_a_reader(article):
    _error(_post(_client(), _url(article), {"body": "Hi"}), 401, "not_authenticated")


def test_post_refusals_have_their_codes(article, section, author, settings):
    closed = factories.article(section=section, comments_enabled=False)
    _error(_post(_client(author), _url(closed), {"body": "Hi"}), 403, "comments_closed")

    unverified = factories.reader(verified=False)
    _error(_post(_client(unverified), _url(article), {"body": "Hi"}), 403, "email_unverified")

    suspended = factories.reader()
    accounts_services.reader_suspend(
        reader=suspended, until=timezone.now() + timedelta(hours=2), message="Calm down.", actor=None
    )
    error = _error(_post(_client(suspended), _url(article), {"body": "Hi"}), 403, "suspended")
    assert "Calm down." in error["message"]

    banned = factories.reader()
    accounts_services.reader_ban(reader=banned, message="Spam.", actor=None)
    _error(_post(_client(banned), _url(article), {"body": "Hi"}), 403, "banned")

    settings.COMMENT_MAX_LENGTH = 10
    error = _error(_post(_client(author), _url(article), {"body": "x" * 11}), 422, "validation_error")
    assert error["fields"]["body"] == ["Comments are limited to 10 characters; this one is 1 too long."]
    error = _error(_post(_client(author), _url(article), {"body": "  "}), 422, "validation_error")
    assert "body" in error["fields"]
    _error(_post(_client(author), _url(article), {}), 422, "validation_error")


def test_a_parent_on_another_article_is_a_validation_error(article, section, author):
    other_story = factories.article(headline="Another story", section=section)
    parent = factories.comment(article=other_story, author=author)
    error = _error(
        _post(_client(author), _url(article), {"body": "Hi", "parent_id": parent.pk}), 422, "validation_error"
    )
    assert list(error["fields"]) == ["parent_id"]


def test_too_many_comments_is_429_with_retry_after(article, author, settings):
    settings.COMMENT_RATE_LIMIT = "2/m"
    client = _client(author)
    for n in range(2):
        assert _post(client, _url(article), {"body": f"c{n}"}).status_code == 201
    response = _post(client, _url(article), {"body": "one too many"})
    _error(response, 429, "rate_limited")
    assert int(response["Retry-After"]) >= 1


def test_idempotency_key_replays_the_first_comment(article, author):
    client = _client(author)
    first = _post(client, _url(article), {"body": "Once"}, **{"Idempotency-Key": "retry-me"})
    again = _post(client, _url(article), {"body": "Once"}, **{"Idempotency-Key": "retry-me"})

    assert (first.status_code, again.status_code) == (201, 201)
    assert assert_matches_schema(again)["id"] == first.json()["id"]
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Comment.objects.count() == 1
    conflict = _post(client, _url(article), {"body": "Different"}, **{"Idempotency-Key": "retry-me"})
    _error(conflict, 409, "conflict")


@pytest.mark.parametrize("key", ["x" * 256, "naïve"])
def test_a_malformed_idempotency_key_is_refused(article, author, key):
    response = _post(_client(author), _url(article), {"body": "Hi"}, **{"Idempotency-Key": key})
    error = _error(response, 422, "validation_error")
    assert list(error["fields"]) == ["Idempotency-Key"]
    assert not Comment.objects.exists()


def test_session_posts_need_the_csrf_token(article, author):
    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    _error(_post(client, _url(article), {"body": "Hi"}), 403, "csrf_failed")


def test_a_token_needs_no_csrf(article, author):
    _, secret = accounts_services.token_create(reader=author, name="bot")
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {secret}"})
    assert _post(client, _url(article), {"body": "By token"}).status_code == 201


# --- One comment ---------------------------------------------------------------------------


def test_get_one_comment_and_what_the_viewer_did(article, author, other):
    comment = factories.comment(article=article, author=author)
    services.reaction_set(comment=comment, reader=other)

    anonymous = assert_matches_schema(_client().get(f"/api/v1/comments/{comment.pk}"))
    mine = assert_matches_schema(_client(other).get(f"/api/v1/comments/{comment.pk}"))
    assert (anonymous["reaction_count"], anonymous["reacted"]) == (1, False)
    assert mine["reacted"] is True


def test_a_pending_comment_is_seen_only_by_its_author_and_moderators(
    article, author, other, moderator, premoderation
):
    comment = factories.comment(article=article, author=author)
    for viewer in (author, moderator):
        assert (
            assert_matches_schema(_client(viewer).get(f"/api/v1/comments/{comment.pk}"))["status"]
            == "pending"
        )
    for client in (_client(other), _client()):
        _error(client.get(f"/api/v1/comments/{comment.pk}"), 404, "not_found")
    assert assert_matches_schema(_client(author).get(_url(article)))["items"] == []


def test_replies_are_oldest_first_and_paged(article, author, other):
    parent = factories.comment(article=article, author=author)
    replies = [factories.comment(article=article, author=other, parent=parent) for _ in range(5)]
    first = assert_matches_schema(_client().get(f"/api/v1/comments/{parent.pk}/replies", {"limit": 3}))
    rest = assert_matches_schema(
        _client().get(f"/api/v1/comments/{parent.pk}/replies", {"limit": 3, "cursor": first["next_cursor"]})
    )
    assert [r["id"] for r in first["items"] + rest["items"]] == [r.pk for r in replies]
    assert rest["next_cursor"] is None


def test_edit_within_the_window_then_not(article, author, other):
    comment = factories.comment(article=article, author=author)
    path = f"/api/v1/comments/{comment.pk}"
    body = assert_matches_schema(_send(_client(author), "PATCH", path, {"body": "Fixed *typo*"}))
    assert body["body_html"] == "<p>Fixed <em>typo</em></p>"
    assert body["edited_at"] is not None

    _error(_send(_client(other), "PATCH", path, {"body": "Mine"}), 403, "forbidden")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(hours=1))
    _error(_send(_client(author), "PATCH", path, {"body": "Later"}), 403, "edit_window_closed")


def test_delete_leaves_a_tombstone(article, author, other):
    comment = factories.comment(article=article, author=author, body="Regret")
    factories.comment(article=article, author=other, parent=comment)
    path = f"/api/v1/comments/{comment.pk}"

    _error(_send(_client(other), "DELETE", path), 403, "forbidden")
    response = _send(_client(author), "DELETE", path)
    assert response.status_code == 204

    tombstone = assert_matches_schema(_client().get(path))
    assert (tombstone["deleted"], tombstone["author"], tombstone["body_html"]) == (True, None, "")
    assert tombstone["reply_count"] == 1
    [listed] = assert_matches_schema(_client().get(_url(article)))["items"]
    assert listed["deleted"] and len(listed["replies"]) == 1


def test_a_moderator_deletes_anyones(article, author, moderator):
    comment = factories.comment(article=article, author=author)
    assert _send(_client(moderator), "DELETE", f"/api/v1/comments/{comment.pk}").status_code == 204


def test_reaction_put_and_delete_are_idempotent(article, author, other):
    comment = factories.comment(article=article, author=author)
    path = f"/api/v1/comments/{comment.pk}/reaction"
    client = _client(other)
    for _ in range(2):
        assert assert_matches_schema(_send(client, "PUT", path)) == {"reaction_count": 1, "reacted": True}
    for _ in range(2):
        assert assert_matches_schema(_send(client, "DELETE", path)) == {"reaction_count": 0, "reacted": False}
    _error(_send(_client(author), "PUT", path), 403, "forbidden")
    _error(_send(_client(), "PUT", path), 401, "not_authenticated")


def test_reports_201_then_200_counted_once(article, author, other):
    comment = factories.comment(article=article, author=author)
    path = f"/api/v1/comments/{comment.pk}/reports"
    first = _post(_client(other), path, {"reason": "spam", "note": "Selling boats"})
    again = _post(_client(other), path, {"reason": "spam"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert assert_matches_schema(first)["reason"] == "spam"
    assert assert_matches_schema(again)["note"] == "Selling boats"
    comment.refresh_from_db()
    assert comment.report_count == 1
    error = _error(_post(_client(other), path, {"reason": "dull"}), 422, "validation_error")
    assert "reason" in error["fields"]


def test_everything_about_a_missing_comment_is_404(db, author):
    for method, path in [
        ("GET", "/api/v1/comments/999999"),
        ("GET", "/api/v1/comments/999999/replies"),
        ("PATCH", "/api/v1/comments/999999"),
        ("DELETE", "/api/v1/comments/999999"),
        ("PUT", "/api/v1/comments/999999/reaction"),
        ("POST", "/api/v1/comments/999999/reports"),
    ]:
        body = {"body": "x", "reason": "spam"}
        _error(_send(_client(author), method, path, body), 404, "not_found")
