"""Notifications: the new_follower kind end to end, settings per kind, reading them,
the bell's count and the notifications page."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from masthead.community import fanout, selectors, services, tasks
from masthead.community.models import Notification, NotificationSetting
from tests import factories
from tests.api.openapi import assert_matches_schema
from tests.community.conftest import signed_in

pytestmark = pytest.mark.django_db


def _follow(committed, follower, followed):
    with committed():
        services.follow_create(follower=follower, followed=followed)


# --- new_follower, end to end ----------------------------------------------------------------


def test_a_new_follower_is_told_after_commit_never_in_the_request(
    alice, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = signed_in(Client(), alice).put("/api/v1/readers/bob/follow")
    assert response.status_code == 200
    assert not Notification.objects.exists()  # the request only queued the task
    assert len(queued) == 1
    queued[0]()
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.actor) == (bob, "new_follower", alice)


def test_new_follower_in_the_api(alice, bob, committed):
    _follow(committed, alice, bob)
    client = signed_in(Client(), bob)
    response = client.get("/api/v1/me/notifications")
    body = assert_matches_schema(response)
    [item] = body["items"]
    assert item["kind"] == "new_follower" and item["read"] is False
    assert item["actor"] == {"username": "alice", "display_name": "Alice Ames"}
    assert item["text"] == "Alice Ames started following you."
    assert item["url"] == "/readers/alice/"
    assert (item["comment_id"], item["article_slug"], item["count"]) == (None, None, 1)
    assert item["created_at"].endswith("Z")
    assert body["next_cursor"] is None
    assert signed_in(Client(), alice).get("/api/v1/me/notifications").json()["items"] == []


def test_a_task_that_runs_twice_notifies_once(alice, bob, committed):
    _follow(committed, alice, bob)
    tasks.notify_new_follower.enqueue(follower_id=alice.pk, followed_id=bob.pk)
    fanout.notify_new_follower(follower_id=alice.pk, followed_id=bob.pk)
    assert Notification.objects.count() == 1


def test_a_follow_undone_before_the_task_runs_tells_nobody(alice, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.follow_create(follower=alice, followed=bob)
    services.follow_delete(follower=alice, followed=bob)
    for callback in queued:
        callback()
    assert not Notification.objects.exists()


# --- Settings ------------------------------------------------------------------------------


def test_settings_default_per_kind_and_change_one_at_a_time(alice):
    client = signed_in(Client(), alice)
    defaults = assert_matches_schema(client.get("/api/v1/me/notification-settings"))
    assert defaults == {
        "reply": "email_now",
        "mention": "email_now",
        "followed_reader_commented": "in_app",
        "new_follower": "in_app",
        "reaction": "in_app",
        "comment_featured": "email_now",
        "comment_rejected": "email_now",
    }
    response = client.put(
        "/api/v1/me/notification-settings",
        {"new_follower": "email_daily", "reply": "off"},
        content_type="application/json",
    )
    changed = assert_matches_schema(response)
    assert changed == {**defaults, "new_follower": "email_daily", "reply": "off"}
    # Choosing a default again stores nothing: a later change of default reaches this reader.
    client.put("/api/v1/me/notification-settings", {"reply": "email_now"}, content_type="application/json")
    assert set(NotificationSetting.objects.values_list("kind", flat=True)) == {"new_follower"}


@pytest.mark.parametrize(
    "body", [{"reply": "sometimes"}, {"replies": "off"}, {"reply": None, "kind": "x"}], ids=str
)
def test_invalid_settings_are_refused(alice, body):
    response = signed_in(Client(), alice).put(
        "/api/v1/me/notification-settings", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert assert_matches_schema(response)["error"]["code"] == "validation_error"
    assert not NotificationSetting.objects.exists()


def test_the_defaults_come_from_settings(settings, alice, bob, committed):
    settings.COMMUNITY_NOTIFICATION_DEFAULTS = {"new_follower": "off"}
    assert selectors.notification_settings(reader=bob)["new_follower"] == "off"
    _follow(committed, alice, bob)
    assert not Notification.objects.exists()


def test_a_kind_switched_off_creates_nothing_and_in_app_creates_no_email(alice, bob, carol, committed):
    services.notification_settings_update(reader=bob, changes={"new_follower": "off"})
    _follow(committed, alice, bob)
    assert not Notification.objects.filter(recipient=bob).exists()
    _follow(committed, alice, carol)
    assert Notification.objects.get(recipient=carol).email_pending is False


def test_settings_check_rejects_unknown_defaults(settings):
    from masthead.community.checks import check_notification_defaults

    settings.COMMUNITY_NOTIFICATION_DEFAULTS = {"reply": "pigeon", "gossip": "in_app"}
    assert {e.id for e in check_notification_defaults(None)} == {"community.E001", "community.E002"}


# --- Reading -------------------------------------------------------------------------------


def _followers(committed, reader, count: int) -> list:
    fans = [factories.reader(username=f"fan{i}") for i in range(count)]
    for fan in fans:
        _follow(committed, fan, reader)
    return fans


def test_mark_some_or_all_read_and_the_unread_count(alice, committed):
    _followers(committed, alice, 4)
    client = signed_in(Client(), alice)
    assert assert_matches_schema(client.get("/api/v1/me/notifications/unread-count")) == {"unread": 4}
    ids = [n["id"] for n in client.get("/api/v1/me/notifications").json()["items"]]

    response = client.post("/api/v1/me/notifications/read", {"ids": ids[:2]}, content_type="application/json")
    assert assert_matches_schema(response) == {"unread": 2}
    unread = client.get("/api/v1/me/notifications?unread=true").json()["items"]
    assert [n["id"] for n in unread] == ids[2:]
    assert client.get("/api/v1/me/notifications/unread-count").json() == {"unread": 2}

    response = client.post("/api/v1/me/notifications/read", {"all": True}, content_type="application/json")
    assert response.json() == {"unread": 0}
    assert all(n["read"] for n in client.get("/api/v1/me/notifications").json()["items"])


def test_marking_someone_elses_notifications_read_does_nothing(alice, bob, carol, committed):
    _follow(committed, alice, bob)
    theirs = Notification.objects.get(recipient=bob).pk
    client = signed_in(Client(), carol)
    assert client.post(
        "/api/v1/me/notifications/read", {"ids": [theirs]}, content_type="application/json"
    ).json() == {"unread": 0}
    assert Notification.objects.get(pk=theirs).read_at is None


def test_mark_read_needs_ids_or_all(alice):
    client = signed_in(Client(), alice)
    for body in ({}, {"ids": []}, {"everything": True}):
        response = client.post("/api/v1/me/notifications/read", body, content_type="application/json")
        assert response.status_code == 422, body


def test_notifications_page_by_cursor(alice, committed):
    _followers(committed, alice, 3)
    client = signed_in(Client(), alice)
    first = client.get("/api/v1/me/notifications?limit=2").json()
    assert [n["actor"]["username"] for n in first["items"]] == ["fan2", "fan1"]
    rest = client.get(f"/api/v1/me/notifications?limit=2&cursor={first['next_cursor']}").json()
    assert [n["actor"]["username"] for n in rest["items"]] == ["fan0"] and rest["next_cursor"] is None


def test_the_list_costs_the_same_few_queries_however_long(alice, committed):
    _followers(committed, alice, 3)
    client = signed_in(Client(), alice)
    client.get("/api/v1/me/notifications")  # warm the session and the reader
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/me/notifications")
    _followers(committed, alice, 0)
    for i in range(10):
        _follow(committed, factories.reader(username=f"more{i}"), alice)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/me/notifications").json()["items"]) == 13
    assert len(many) == len(few) <= 6


def test_unread_count_is_cached_and_forgotten_on_change(alice, bob, carol, committed):
    _follow(committed, bob, alice)
    assert selectors.unread_count(reader=alice) == 1
    with CaptureQueriesContext(connection) as queries:
        assert selectors.unread_count(reader=alice) == 1
    assert len(queries) == 0
    _follow(committed, carol, alice)
    assert selectors.unread_count(reader=alice) == 2
    services.notifications_mark_read(reader=alice, everything=True)
    assert selectors.unread_count(reader=alice) == 0


# --- Pages ---------------------------------------------------------------------------------


def test_the_bell_shows_the_unread_count_and_links_to_the_page(client, alice, bob, committed):
    _follow(committed, bob, alice)
    signed_in(client, alice)
    home = client.get("/readers/alice/").content.decode()
    assert 'href="/me/notifications/" data-bell' in home
    assert 'data-unread-url="/api/v1/me/notifications/unread-count"' in home
    assert "data-bell-count>1</span>" in home
    assert 'src="/static/community/bell.js"' in home and "<script>" not in home
    assert 'href="/me/following/"' in home


def test_notifications_page_opens_marks_read_and_marks_all(client, alice, bob, carol, committed):
    _follow(committed, bob, alice)
    _follow(committed, carol, alice)
    signed_in(client, alice)
    page = client.get("/me/notifications/").content.decode()
    assert "Bob Baker started following you." in page and "Carol Cho started following you." in page
    assert page.count("notification--unread") == 2

    bobs = Notification.objects.get(actor=bob)
    response = client.get(f"/me/notifications/{bobs.pk}/")
    assert response.status_code == 302 and response["Location"] == "/readers/bob/"
    bobs.refresh_from_db()
    assert bobs.read_at is not None
    assert client.get("/me/notifications/?unread=1").content.decode().count("notification--unread") == 1

    assert client.post("/me/notifications/read/", {"all": "1"}).status_code == 302
    assert selectors.unread_count(reader=alice) == 0
    # Someone else's notification is not found.
    signed_in(client, bob)
    assert client.get(f"/me/notifications/{bobs.pk}/").status_code == 404


def test_notification_text_is_escaped_on_the_page(client, alice, committed):
    mallory = factories.reader(username="mallory", display_name="<img src=x onerror=alert(1)>")
    _follow(committed, mallory, alice)
    page = signed_in(client, alice).get("/me/notifications/").content.decode()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_notification_pages_need_a_reader(client):
    for path in ("/me/notifications/", "/me/notifications/settings/", "/me/following/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], path
