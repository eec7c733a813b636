"""Following readers: the services, the API, the profile's buttons and the lists."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from masthead.accounts import services as accounts_services
from masthead.community import selectors, services
from masthead.community.models import Follow, Notification
from masthead.core.errors import MastheadError
from tests import factories
from tests.api.openapi import assert_matches_schema
from tests.community.conftest import signed_in

pytestmark = pytest.mark.django_db


def _error(call, **kwargs) -> MastheadError:
    with pytest.raises(MastheadError) as caught:
        call(**kwargs)
    return caught.value


# --- Services ------------------------------------------------------------------------------


def test_follow_is_idempotent_and_counts_once(alice, bob):
    assert services.follow_create(follower=alice, followed=bob) is True
    assert services.follow_create(follower=alice, followed=bob) is False
    assert Follow.objects.filter(follower=alice, followed=bob).count() == 1
    assert selectors.follow_summary(reader=bob, viewer=alice) == {
        "follower_count": 1,
        "following_count": 0,
        "is_following": True,
        "followers_visible": True,
        "accepts_followers": True,
    }
    assert selectors.follow_summary(reader=alice, viewer=bob)["following_count"] == 1
    assert services.follow_delete(follower=alice, followed=bob) is True
    assert services.follow_delete(follower=alice, followed=bob) is False
    assert selectors.follow_summary(reader=bob, viewer=alice)["follower_count"] == 0


def test_following_yourself_is_a_validation_error(alice):
    error = _error(services.follow_create, follower=alice, followed=alice)
    assert (error.status, error.code) == (422, "validation_error")
    assert not Follow.objects.exists()


def test_sanctioned_or_unconfirmed_readers_cannot_follow_but_can_unfollow(alice, bob):
    services.follow_create(follower=alice, followed=bob)
    accounts_services.reader_suspend(
        reader=alice, until=timezone.now() + timedelta(days=1), message="Cool off.", actor=None
    )
    assert _error(services.follow_create, follower=alice, followed=factories.reader()).code == "suspended"
    assert services.follow_delete(follower=alice, followed=bob) is True

    unconfirmed = factories.reader(username="newbie", verified=False)
    assert _error(services.follow_create, follower=unconfirmed, followed=bob).code == "email_unverified"


def test_a_reader_who_takes_no_followers_cannot_be_followed_and_loses_current_ones(alice, bob, carol):
    services.follow_create(follower=carol, followed=bob)
    services.community_profile_update(reader=bob, accepts_followers=False)
    assert not Follow.objects.filter(followed=bob).exists()
    error = _error(services.follow_create, follower=alice, followed=bob)
    assert (error.status, error.code) == (403, "not_followable")

    services.community_profile_update(reader=bob, accepts_followers=True)
    assert services.follow_create(follower=alice, followed=bob) is True


def test_follows_are_rate_limited(settings, alice):
    settings.COMMUNITY_FOLLOW_RATE_LIMIT = "2/m"
    services.follow_create(follower=alice, followed=factories.reader())
    services.follow_create(follower=alice, followed=factories.reader())
    error = _error(services.follow_create, follower=alice, followed=factories.reader())
    assert (error.status, error.code) == (429, "rate_limited") and error.headers["Retry-After"]


# --- API -----------------------------------------------------------------------------------


def test_follow_api_is_idempotent_and_the_profile_counts_are_real(alice, bob):
    client = signed_in(Client(), alice)
    for _ in range(2):
        response = client.put("/api/v1/readers/BOB/follow")
        assert response.status_code == 200
        assert assert_matches_schema(response) == {
            "username": "bob",
            "is_following": True,
            "follower_count": 1,
            "following_count": 0,
        }
    profile = client.get("/api/v1/readers/bob").json()
    assert (profile["follower_count"], profile["is_following"]) == (1, True)
    assert Client().get("/api/v1/readers/bob").json()["is_following"] is False
    assert client.get("/api/v1/me").json()["following_count"] == 1

    for _ in range(2):
        response = client.delete("/api/v1/readers/bob/follow")
        assert response.status_code == 200 and response.json()["is_following"] is False
    assert client.get("/api/v1/readers/bob").json()["follower_count"] == 0


def test_follow_api_errors(alice, bob):
    client = signed_in(Client(), alice)
    response = client.put("/api/v1/readers/alice/follow")
    assert response.status_code == 422
    assert assert_matches_schema(response)["error"]["code"] == "validation_error"
    assert client.put("/api/v1/readers/nobody/follow").status_code == 404
    assert Client().put("/api/v1/readers/bob/follow").json()["error"]["code"] == "not_authenticated"
    services.community_profile_update(reader=bob, accepts_followers=False)
    response = client.put("/api/v1/readers/bob/follow")
    assert (response.status_code, response.json()["error"]["code"]) == (403, "not_followable")


def test_follow_by_token_needs_no_csrf_but_a_session_does(alice, bob):
    _, secret = accounts_services.token_create(reader=alice, name="cli")
    by_token = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert by_token.put("/api/v1/readers/bob/follow").status_code == 200
    by_session = Client(enforce_csrf_checks=True)
    by_session.force_login(alice)
    response = by_session.delete("/api/v1/readers/bob/follow")
    assert (response.status_code, response.json()["error"]["code"]) == (403, "csrf_failed")


def test_follower_and_following_lists_page_by_cursor(alice, bob):
    fans = [factories.reader(username=f"fan{i}") for i in range(5)]
    for fan in fans:
        services.follow_create(follower=fan, followed=bob)
    services.follow_create(follower=alice, followed=fans[0])
    client = signed_in(Client(), alice)

    first = client.get("/api/v1/readers/bob/followers?limit=3")
    body = assert_matches_schema(first)
    assert [r["username"] for r in body["items"]] == ["fan4", "fan3", "fan2"]
    second = client.get(f"/api/v1/readers/bob/followers?limit=3&cursor={body['next_cursor']}").json()
    assert [r["username"] for r in second["items"]] == ["fan1", "fan0"] and second["next_cursor"] is None
    assert second["items"][1]["is_following"] is True  # alice follows fan0

    following = assert_matches_schema(client.get("/api/v1/readers/fan0/following"))
    assert [r["username"] for r in following["items"]] == ["bob"]
    assert client.get("/api/v1/readers/bob/followers?cursor=forged").status_code == 422
    assert client.get("/api/v1/readers/bob/followers?limit=500").status_code == 422


def test_the_profile_api_says_whether_a_reader_takes_followers_and_shows_them(alice, bob, moderator):
    services.community_profile_update(reader=bob, accepts_followers=False, followers_private=True)

    for viewer, visible in ((None, False), (alice, False), (bob, True), (moderator, True)):
        client = signed_in(Client(), viewer) if viewer else Client()
        body = assert_matches_schema(client.get("/api/v1/readers/bob"))
        assert (body["accepts_followers"], body["followers_visible"]) == (False, visible)
    body = Client().get("/api/v1/readers/alice").json()
    assert (body["accepts_followers"], body["followers_visible"]) == (True, True)


def test_a_private_follower_list_is_for_its_owner_and_moderators(alice, bob, moderator):
    services.follow_create(follower=alice, followed=bob)
    services.community_profile_update(reader=bob, followers_private=True)

    for client in (Client(), signed_in(Client(), alice)):
        response = client.get("/api/v1/readers/bob/followers")
        assert response.status_code == 403
        assert assert_matches_schema(response)["error"]["code"] == "followers_private"
        # The count stays public; whom bob follows is not his followers' secret.
        assert client.get("/api/v1/readers/bob").json()["follower_count"] == 1
        assert client.get("/api/v1/readers/bob/following").status_code == 200
    for viewer in (bob, moderator):
        response = signed_in(Client(), viewer).get("/api/v1/readers/bob/followers")
        assert [r["username"] for r in response.json()["items"]] == ["alice"]


def test_community_settings_api(alice, bob):
    client = signed_in(Client(), bob)
    assert assert_matches_schema(client.get("/api/v1/me/community-settings")) == {
        "followers_private": False,
        "accepts_followers": True,
    }
    response = client.put(
        "/api/v1/me/community-settings", {"followers_private": True}, content_type="application/json"
    )
    assert assert_matches_schema(response) == {"followers_private": True, "accepts_followers": True}
    response = client.put("/api/v1/me/community-settings", {"private": True}, content_type="application/json")
    assert response.status_code == 422


# --- Pages (no JavaScript needed) ------------------------------------------------------------


def test_profile_page_follow_and_unfollow_with_plain_forms(client, alice, bob):
    signed_in(client, alice)
    page = client.get("/readers/bob/").content.decode()
    assert 'action="/readers/bob/follow/"' in page and 'data-follow="follow"' in page
    assert 'href="/readers/bob/followers/"' in page

    response = client.post("/readers/bob/follow/", {"action": "follow", "next": "/readers/bob/"})
    assert response.status_code == 302 and response["Location"] == "/readers/bob/"
    page = client.get("/readers/bob/").content.decode()
    assert 'data-follow="unfollow"' in page and "You follow Bob Baker." in page
    assert '<a href="/readers/bob/followers/" data-follower-count>1</a>' in page

    client.post("/readers/bob/follow/", {"action": "unfollow"})
    assert not Follow.objects.exists()
    # An offsite "next" is not followed.
    response = client.post("/readers/bob/follow/", {"action": "follow", "next": "https://evil.example/"})
    assert response["Location"] == "/readers/bob/"


def test_own_profile_has_no_follow_button_and_anonymous_visitors_are_asked_to_sign_in(client, alice):
    page = client.get("/readers/alice/").content.decode()
    assert "Sign in to follow" in page and 'data-follow="follow"' not in page
    signed_in(client, alice)
    page = client.get("/readers/alice/").content.decode()
    assert "data-follow=" not in page and "Notifications and followers" in page
    assert client.post("/readers/alice/follow/", {"action": "follow"}).status_code == 302
    assert not Follow.objects.exists()


def test_follow_form_signed_out_goes_to_sign_in(client, bob):
    response = client.post("/readers/bob/follow/", {"action": "follow"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Follow.objects.exists()


def test_follower_list_pages(client, alice, bob):
    services.follow_create(follower=alice, followed=bob)
    page = client.get("/readers/bob/followers/")
    assert page.status_code == 200 and "Alice Ames" in page.content.decode()
    assert "Bob Baker" in client.get("/readers/alice/following/").content.decode()
    assert client.get("/readers/BOB/followers/").status_code == 301
    services.community_profile_update(reader=bob, followers_private=True)
    private = client.get("/readers/bob/followers/")
    assert private.status_code == 403 and "Alice Ames" not in private.content.decode()


def test_settings_page_changes_follower_options(client, alice, bob):
    services.follow_create(follower=alice, followed=bob)
    signed_in(client, bob)
    page = client.get("/me/notifications/settings/")
    assert page.status_code == 200
    form = {kind: "in_app" for kind in selectors.notification_settings(reader=bob)}
    response = client.post("/me/notifications/settings/", {**form, "followers_private": "on"})
    assert response.status_code == 302
    profile = selectors.community_profile(bob)
    assert profile.followers_private and not profile.accepts_followers
    assert not Follow.objects.exists()  # not accepting followers any more removed alice
    assert selectors.notification_settings(reader=bob)["reply"] == "in_app"


def test_unfollowing_and_following_again_notifies_once(alice, bob, committed):
    for _ in range(3):
        with committed():
            services.follow_create(follower=alice, followed=bob)
        services.follow_delete(follower=alice, followed=bob)
    assert Notification.objects.filter(recipient=bob, kind="new_follower").count() == 1
