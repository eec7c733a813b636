"""Export everything stored about a reader; delete the account after a password check."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from masthead.accounts import services, signals
from masthead.accounts.models import PersonalAccessToken, Reader, SignIn
from masthead.accounts.privacy import register_export_section
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def test_export_holds_everything_accounts_stores_and_no_secret(client):
    reader = factories.reader(username="omar", display_name="Omar", bio="Hi", role="moderator")
    _, secret = services.token_create(reader=reader, name="laptop")
    services.sign_in_record(reader=reader, ip_address="203.0.113.7", user_agent="Lynx")
    client.force_login(reader)

    response = client.get("/api/v1/me/export")
    assert response.status_code == 200
    export = response.json()
    sections = export["sections"]
    assert export["format"] == "masthead.reader-export/1"
    assert sections["profile"]["username"] == "omar" and sections["profile"]["email"] == "omar@example.org"
    assert sections["email_addresses"] == [{"email": "omar@example.org", "verified": True, "primary": True}]
    assert sections["roles"]["roles"] == ["moderator"]
    assert [t["name"] for t in sections["access_tokens"]] == ["laptop"]
    assert "203.0.113.7" in [s["ip_address"] for s in sections["sign_ins"]]
    raw = response.content.decode()
    digest = PersonalAccessToken.objects.get().digest
    assert secret not in raw and digest not in raw and reader.password not in raw

    download = client.get("/me/privacy/export.json")
    assert download["Content-Disposition"].startswith('attachment; filename="omar-')
    assert json.loads(download.content)["sections"].keys() == sections.keys()


def test_other_apps_add_their_own_export_sections(client):
    @register_export_section("test_extra")
    def extra(reader):
        return {"hello": reader.username}

    reader = factories.reader(username="omar")
    client.force_login(reader)
    try:
        assert client.get("/api/v1/me/export").json()["sections"]["test_extra"] == {"hello": "omar"}
    finally:
        from masthead.accounts import privacy

        privacy._sections.pop("test_extra")


def test_delete_with_the_wrong_password_is_refused(client):
    reader = factories.reader(username="omar")
    client.force_login(reader)
    response = client.delete("/api/v1/me", {"password": "not my password"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "password_incorrect"
    assert Reader.objects.filter(pk=reader.pk).exists()
    missing = client.delete("/api/v1/me", {}, content_type="application/json")
    assert missing.status_code == 422


def test_repeated_wrong_passwords_are_throttled(client):
    reader = factories.reader(username="omar")
    client.force_login(reader)
    for _ in range(5):
        client.delete("/api/v1/me", {"password": "guess"}, content_type="application/json")
    response = client.delete("/api/v1/me", {"password": PASSWORD}, content_type="application/json")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0
    assert Reader.objects.filter(pk=reader.pk).exists()


def test_delete_erases_the_account_and_keeps_the_username_reserved(client, smtp_server):
    reader = factories.reader(username="omar")
    services.token_create(reader=reader, name="laptop")
    services.sign_in_record(reader=reader, ip_address="203.0.113.7", user_agent="Lynx")
    seen = []

    def receiver(sender, reader, **kwargs):
        seen.append((reader.username, Reader.objects.filter(pk=reader.pk).exists()))

    signals.reader_deleting.connect(receiver)
    try:
        client.force_login(reader)
        response = client.delete("/api/v1/me", {"password": PASSWORD}, content_type="application/json")
    finally:
        signals.reader_deleting.disconnect(receiver)

    assert response.status_code == 204
    assert seen == [("omar", True)]  # told before the row went
    assert not Reader.objects.filter(username="omar").exists()
    assert not EmailAddress.objects.filter(email="omar@example.org").exists()
    assert not PersonalAccessToken.objects.exists() and not SignIn.objects.exists()
    assert client.get("/api/v1/me").status_code == 401  # signed out too

    # Nobody can sign up as "omar" (or "OMAR") to pass as the reader who left.
    response = Client().post(
        "/accounts/signup/",
        {
            "username": "OMAR",
            "email": "new@example.org",
            "password1": PASSWORD + "!",
            "password2": PASSWORD + "!",
        },
    )
    assert response.status_code == 200 and "username" in response.context["form"].errors
    with pytest.raises(Exception, match="taken"):
        factories.reader(username="omar")
    # The address, though, is free for a new account.
    assert factories.reader(username="omar_again").email == "omar_again@example.org"


def test_delete_from_the_privacy_page(client):
    reader = factories.reader(username="omar")
    client.force_login(reader)
    page = client.get("/me/privacy/")
    assert page.status_code == 200 and b"Delete my account" in page.content

    wrong = client.post("/me/privacy/delete/", {"password": "nope"})
    assert wrong.status_code == 400 and "not your current password" in str(wrong.context["form"].errors)

    right = client.post("/me/privacy/delete/", {"password": PASSWORD})
    assert right.status_code == 302 and right["Location"] == "/"
    assert not Reader.objects.filter(pk=reader.pk).exists()


def test_erasing_from_the_admin_also_retires_the_name(admin_client):
    reader = factories.reader(username="omar")
    response = admin_client.post(f"/admin/accounts/reader/{reader.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Reader.objects.filter(pk=reader.pk).exists()
    with pytest.raises(Exception, match="taken"):
        factories.reader(username="omar")
