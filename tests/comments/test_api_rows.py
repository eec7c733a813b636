"""The API's thread list reads rows as values (``selectors.thread_rows``, ``serialize.row_dict``)
while pages and live events serialize model instances (``selectors.thread_page``,
``serialize.comment_dict``): the two must say the same of every comment, to every viewer."""

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client

from masthead.comments import selectors, services
from masthead.comments.models import Comment
from masthead.comments.serialize import comment_dict
from masthead.community import services as community
from tests import factories

pytestmark = pytest.mark.django_db


def _model_path(article, viewer, **query) -> dict:
    """What the list said when it serialized decorated model instances."""
    page = selectors.thread_page(article=article, viewer=viewer, **query)
    base = f"http://testserver{article.get_absolute_url()}"

    def out(c):
        return comment_dict(c, url=f"{base}?comment={c.pk}#comment-{c.pk}")

    items = [
        {**out(c), "replies": [out(r) for r in c.shown_replies], "replies_cursor": c.more_cursor}
        for c in page.items
    ]
    return json.loads(json.dumps({"items": items, "next_cursor": page.next_cursor}, cls=DjangoJSONEncoder))


def _plain(body: dict) -> dict:
    """``body`` with each cursor as what it holds (a signed cursor carries the time it was made)."""

    def value(cursor):
        return cursor and cursor.split(":")[0]  # the signed payload, without its timestamp

    body = json.loads(json.dumps(body))  # a copy
    for item in body["items"]:
        if "replies_cursor" in item:
            item["replies_cursor"] = value(item["replies_cursor"])
    body["next_cursor"] = value(body["next_cursor"])
    return body


def _api(article, viewer, **query) -> dict:
    client = Client()
    if viewer is not None:
        client.force_login(viewer)
    response = client.get(f"/api/v1/articles/{article.slug}/comments", query)
    assert response.status_code == 200, response.content
    body = response.json()
    return {"items": body["items"], "next_cursor": body["next_cursor"]}


@pytest.fixture
def thread(article, author, other, moderator):
    """Top-level comments and replies of every kind a list shows: long reply lists, a
    tombstone with replies under it, a featured and an edited comment, reactions, badges
    (staff, supporter), and readers the viewer follows and ignores."""
    supporter = factories.premium_reader(username="sena")
    viewer = factories.reader(username="vera")
    followed = factories.reader(username="fola")
    ignored = factories.reader(username="iggy")
    writers = [author, other, moderator, supporter, followed, ignored, viewer]
    tops = []
    for n in range(9):
        top = factories.comment(article=article, author=writers[n % len(writers)], body=f"Top **{n}**")
        tops.append(top)
        for m in range(n % 5):
            reply = factories.comment(
                article=article, author=writers[(n + m + 1) % len(writers)], parent=top, body=f"r{m}"
            )
            if m == 1:
                factories.comment(article=article, author=ignored, parent=reply, body="deeper")
    services.comment_delete(comment=tops[2], actor=tops[2].author)
    services.comment_feature(comment=tops[4], actor=moderator)
    services.comment_edit(comment=tops[5], editor=tops[5].author, body="Edited _words_")
    services.reaction_set(comment=tops[3], reader=viewer)
    services.reaction_set(comment=tops[3], reader=other)
    community.follow_create(follower=viewer, followed=followed)
    community.ignore_create(reader=viewer, ignored=ignored)
    return {"viewer": viewer}


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"sort": "oldest", "limit": 4},
        {"sort": "top", "replies": 0},
        {"sort": "featured"},
        {"sort": "oldest", "limit": 100, "replies": 100},
        {"replies": 1, "limit": 3},
    ],
)
@pytest.mark.parametrize("who", ["anonymous", "viewer", "author"])
def test_the_rows_path_says_what_the_model_path_says(thread, article, author, query, who):
    viewer = {"anonymous": None, "viewer": thread["viewer"], "author": author}[who]
    cursor = None
    for _ in range(10):  # every page, following the cursors
        asked = {**query, **({"cursor": cursor} if cursor else {})}
        expected = _model_path(article, viewer, **asked)
        assert _plain(_api(article, viewer, **asked)) == _plain(expected)
        cursor = expected["next_cursor"]
        if cursor is None:
            break
    # Asked again: the page comes from the cache, marked afresh for this viewer.
    assert _plain(_api(article, viewer, **query)) == _plain(_model_path(article, viewer, **query))


def test_a_viewer_marks_are_never_cached_for_another(thread, article):
    viewer = thread["viewer"]
    mine = _api(article, viewer)["items"]
    theirs = _api(article, None)["items"]
    assert any(item["reacted"] for item in mine) and not any(item["reacted"] for item in theirs)
    assert any(item["ignored"] for item in mine) and not any(item["ignored"] for item in theirs)
    assert any(item["followed"] for item in mine) and not any(item["followed"] for item in theirs)


@pytest.mark.parametrize("who", ["anonymous", "viewer", "author"])
@pytest.mark.parametrize("limit", [2, 100])
def test_replies_rows_say_what_the_model_path_says(thread, article, author, who, limit):
    viewer = {"anonymous": None, "viewer": thread["viewer"], "author": author}[who]
    client = Client()
    if viewer is not None:
        client.force_login(viewer)
    base = f"http://testserver{article.get_absolute_url()}"
    parents = Comment.objects.filter(article=article, reply_count__gt=0)
    assert parents.count() >= 4
    for parent in parents:
        cursor, pages = None, 0
        while True:
            page = selectors.replies_page(parent=parent, viewer=viewer, cursor=cursor, limit=limit)
            expected = json.loads(
                json.dumps(
                    {
                        "items": [
                            comment_dict(c, url=f"{base}?comment={c.pk}#comment-{c.pk}") for c in page.items
                        ],
                        "next_cursor": page.next_cursor,
                    },
                    cls=DjangoJSONEncoder,
                )
            )
            asked = {"limit": limit, **({"cursor": cursor} if cursor else {})}
            response = client.get(f"/api/v1/comments/{parent.pk}/replies", asked)
            assert response.status_code == 200, response.content
            assert _plain(response.json()) == _plain(expected)
            cursor, pages = page.next_cursor, pages + 1
            if cursor is None:
                break
        assert pages == -(-parent.reply_count // limit) or parent.reply_count == 0
