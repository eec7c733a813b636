"""Public profiles, the settings page, and the `/me` and `/readers/{username}` API."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from masthead.accounts import services
from tests import factories
from tests.api.openapi import assert_matches_schema

pytestmark = pytest.mark.django_db


def test_public_profile_page_shows_name_bio_and_joined_date_never_the_email(client):
    reader = factories.reader(username="omar", display_name="Omar Haddad", bio="Harbour swimmer.")
    services.sign_in_record(reader=reader, ip_address="203.0.113.7", user_agent="Lynx")
    for viewer in (None, factories.reader(username="rita")):
        if viewer:
            client.force_login(viewer)
        page = client.get("/readers/omar/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "Omar Haddad" in html and "@omar" in html and "Harbour swimmer." in html
        assert reader.date_joined.strftime("%B %Y") in html
        assert "omar@example.org" not in html and "203.0.113.7" not in html


def test_profile_urls_are_case_insensitive_and_canonical(client):
    factories.reader(username="Omar")
    response = client.get("/readers/omar/")
    assert response.status_code == 301 and response["Location"] == "/readers/Omar/"
    assert client.get("/readers/nobody/").status_code == 404


def test_reader_api_follows_the_contract():
    factories.reader(username="omar", display_name="Omar H", bio="Hello")
    response = Client().get("/api/v1/readers/OMAR")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "username", "display_name", "bio", "joined_at", "comment_count",
        "follower_count", "following_count", "is_following", "accepts_followers", "followers_visible",
    }  # fmt: skip
    assert body["username"] == "omar" and body["comment_count"] == 0 and body["is_following"] is False
    assert body["accepts_followers"] is True and body["followers_visible"] is True
    assert body["joined_at"].endswith("Z")
    assert_matches_schema(response)
    assert Client().get("/api/v1/readers/nobody").json()["error"]["code"] == "not_found"


def test_me_shows_private_details_roles_membership_and_standing(client):
    reader = factories.reader(username="maya", role="moderator", display_name="Maya")
    client.force_login(reader)
    response = client.get("/api/v1/me")
    body = response.json()
    assert body["email"] == "maya@example.org" and body["email_verified"] is True
    assert body["roles"] == ["moderator"]
    assert body["membership"] == {"status": "none", "plan": None, "renews_at": None, "ends_at": None}
    assert body["standing"] == {"status": "active", "until": None, "message": ""}
    assert_matches_schema(response)

    services.reader_suspend(
        reader=reader, until=timezone.now() + timedelta(days=2), message="Cooling off.", actor=None
    )
    standing = client.get("/api/v1/me").json()["standing"]
    assert standing["status"] == "suspended" and standing["message"] == "Cooling off."
    assert standing["until"].endswith("Z")


def test_settings_page_edits_display_name_and_bio_but_never_the_username(client):
    reader = factories.reader(username="omar")
    client.force_login(reader)
    page = client.get("/me/settings/")
    assert page.status_code == 200 and b"omar@example.org" in page.content
    response = client.post(
        "/me/settings/", {"display_name": "  Omar   Haddad ", "bio": "Swims daily.", "username": "someone"}
    )
    assert response.status_code == 302
    reader.refresh_from_db()
    assert (reader.username, reader.display_name, reader.bio) == ("omar", "Omar Haddad", "Swims daily.")
    assert b"Your profile is saved." in client.get("/me/settings/").content

    too_long = client.post("/me/settings/", {"display_name": "x", "bio": "y" * 281})
    assert too_long.status_code == 200 and "bio" in too_long.context["form"].errors


def test_account_pages_need_a_signed_in_reader(client):
    for path in (
        "/me/settings/",
        "/me/tokens/",
        "/me/privacy/",
        "/me/privacy/export.json",
        "/accounts/email/",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/?next="), path


def test_header_menu_shows_the_reader_or_the_way_in(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/signup/"' in page
    reader = factories.reader(username="omar", display_name="Omar Haddad", verified=False)
    client.force_login(reader)
    page = client.get("/me/settings/").content.decode()
    assert "Omar Haddad" in page and 'action="/accounts/logout/"' in page
    assert "Confirm your email" in page and "Please confirm your email address" in page
