"""Reader A against reader B: A can never edit, delete, react as, or read the private data of B.

Every attempt goes through the API (session and token) and the pages, naming B's rows by
id, and afterwards B's rows are exactly as they were.
"""

import json

import pytest
from django.test import Client

from masthead.accounts import services as account_services
from masthead.accounts.models import PersonalAccessToken
from masthead.comments import services as comment_services
from masthead.comments.models import Comment, Reaction
from masthead.community import services as community_services
from masthead.community.models import Notification
from masthead.membership import services as membership_services
from masthead.membership.models import Bookmark
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(db, django_capture_on_commit_callbacks):
    article = factories.article(headline="Council votes to reopen the harbour baths")
    a = factories.premium_reader(username="alice")
    b = factories.premium_reader(username="bruno", display_name="Bruno B", bio="Private person.")
    with django_capture_on_commit_callbacks(execute=True):  # notifications go out after commit
        b_comment = factories.comment(article=article, author=b, body="Bruno's own words.")
        a_comment = factories.comment(article=article, author=a, body="Alice's words.")
        comment_services.reaction_set(comment=a_comment, reader=b)  # a notification for Alice
        factories.comment(article=article, author=a, parent=b_comment, body="A reply, to notify Bruno.")
    b_token, _ = account_services.token_create(reader=b, name="Bruno's secret script")
    membership_services.bookmark_add(reader=b, slug=article.slug)
    community_services.notification_settings_update(reader=b, changes={"reply": "off"})
    session = Client()
    session.force_login(a)
    _, a_secret = account_services.token_create(reader=a, name="alice")
    token = Client(HTTP_AUTHORIZATION=f"Bearer {a_secret}")
    return {
        "article": article,
        "a": a,
        "b": b,
        "b_comment": b_comment,
        "b_token": b_token,
        "b_notification": Notification.objects.filter(recipient=b).first(),
        "clients": {"session": session, "token": token},
    }


def _json(client, method, path, body=None):
    return client.generic(method, path, data=json.dumps(body or {}), content_type="application/json")


@pytest.mark.parametrize("how", ["session", "token"])
def test_a_cannot_edit_delete_or_react_as_b(pair, how):
    client, b_comment, b = pair["clients"][how], pair["b_comment"], pair["b"]
    assert (
        _json(client, "PATCH", f"/api/v1/comments/{b_comment.pk}", {"body": "Hijacked."}).status_code == 403
    )
    assert _json(client, "DELETE", f"/api/v1/comments/{b_comment.pk}").status_code == 403
    # A reaction is always the caller's own: A's PUT adds A's, A's DELETE removes only A's.
    _json(client, "PUT", f"/api/v1/comments/{b_comment.pk}/reaction")
    assert set(Reaction.objects.filter(comment=b_comment).values_list("reader__username", flat=True)) == {
        "alice"
    }
    a_comment = Comment.objects.get(author=pair["a"], parent=None)
    _json(client, "DELETE", f"/api/v1/comments/{a_comment.pk}/reaction")
    assert Reaction.objects.filter(comment=a_comment, reader=b).exists()  # Bruno's stays
    b_comment.refresh_from_db()
    assert (b_comment.body, b_comment.deleted_at) == ("Bruno's own words.", None)
    assert b.is_active


def test_a_cannot_edit_or_delete_b_through_the_pages(pair):
    client, b_comment = pair["clients"]["session"], pair["b_comment"]
    client.post(f"/comments/{b_comment.pk}/edit/", {"body": "Hijacked."})
    client.post(f"/comments/{b_comment.pk}/delete/", {"confirmed": "1"})
    assert client.post(f"/me/tokens/{pair['b_token'].pk}/revoke/").status_code == 404
    assert client.get(f"/me/notifications/{pair['b_notification'].pk}/").status_code == 404
    b_comment.refresh_from_db()
    assert (b_comment.body, b_comment.deleted_at) == ("Bruno's own words.", None)
    assert PersonalAccessToken.objects.get(pk=pair["b_token"].pk).revoked_at is None
    assert Notification.objects.get(pk=pair["b_notification"].pk).read_at is None


@pytest.mark.parametrize("how", ["session", "token"])
def test_a_cannot_touch_b_s_notifications_bookmarks_or_settings(pair, how):
    client, b, article = pair["clients"][how], pair["b"], pair["article"]
    notification = pair["b_notification"]
    assert notification is not None
    marked = _json(client, "POST", "/api/v1/me/notifications/read", {"ids": [notification.pk]})
    assert marked.status_code in (200, 404, 422)
    _json(client, "POST", "/api/v1/me/notifications/read", {"all": True})
    notification.refresh_from_db()
    assert notification.read_at is None
    assert notification.pk not in [n["id"] for n in client.get("/api/v1/me/notifications").json()["items"]]
    _json(client, "DELETE", f"/api/v1/me/bookmarks/{article.slug}")
    assert Bookmark.objects.filter(reader=b, article=article).exists()
    _json(client, "PUT", "/api/v1/me/notification-settings", {"reply": "email_now"})
    _json(client, "PUT", "/api/v1/me/community-settings", {"followers_private": True})
    assert community_services_settings(b)["reply"] == "off"


def community_services_settings(reader) -> dict:
    from masthead.community.selectors import notification_settings

    return notification_settings(reader=reader)


@pytest.mark.parametrize("how", ["session", "token"])
def test_a_reads_nothing_private_of_b(pair, how):
    """A's own data, B's public profile: never B's email, tokens, notifications or bookmarks."""
    client, b = pair["clients"][how], pair["b"]
    responses = [
        client.get("/api/v1/me"),
        client.get("/api/v1/me/export"),
        client.get("/api/v1/me/notifications"),
        client.get("/api/v1/me/bookmarks"),
        client.get("/api/v1/readers/bruno"),
        client.get("/api/v1/readers/bruno/comments"),
        client.get(f"/api/v1/comments/{pair['b_comment'].pk}"),
        client.get("/readers/bruno/"),
    ]
    if how == "session":
        responses += [
            client.get("/me/privacy/export.json"),
            client.get("/me/tokens/"),
            client.get("/me/settings/"),
        ]
    for response in responses:
        assert response.status_code == 200, response.request["PATH_INFO"]
        body = response.content.decode()
        for private in (b.email, "Bruno's secret script", pair["b_token"].prefix):
            assert private not in body, (private, response.request["PATH_INFO"])
    me = client.get("/api/v1/me").json()
    assert me["username"] == "alice" and me["email"] == "alice@example.org"
