"""Sign-up, email confirmation, sign-in and sign-out, end to end through a real SMTP server."""

import pytest
from allauth.account.models import EmailAddress

from masthead.accounts.models import Reader
from masthead.accounts.selectors import reader_can_post, reader_is_verified
from masthead.core.errors import MastheadError
from tests import factories
from tests.smtp import link_in, text_of

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unusual passphrase"


def sign_up(client, username="nadia", email="nadia@example.org", password=PASSWORD):
    return client.post(
        "/accounts/signup/",
        {"username": username, "email": email, "password1": password, "password2": password},
    )


def test_sign_up_confirm_by_emailed_link_then_take_part(client, smtp_server):
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"

    reader = Reader.objects.get(username="nadia")
    # Signed in straight away, but not yet allowed to take part.
    assert client.get("/api/v1/me").json()["email_verified"] is False
    with pytest.raises(MastheadError) as refused:
        reader_can_post(reader)
    assert refused.value.code == "email_unverified"
    page = client.get("/accounts/confirm-email/")
    assert b"Check your inbox" in page.content
    assert b"Please confirm your email address" in page.content  # the notice on every account page

    [message] = smtp_server.wait_for("nadia@example.org")
    assert message["Subject"] == "[The Harbour Light] Confirm your email address"
    link = link_in(message, "/accounts/confirm-email/")
    assert link.startswith("http://testserver/")

    path = link.removeprefix("http://testserver")
    confirm_page = client.get(path)
    assert confirm_page.status_code == 200
    assert b"nadia@example.org" in confirm_page.content
    assert client.post(path).status_code == 302

    reader = Reader.objects.get(username="nadia")
    assert reader_is_verified(reader)
    reader_can_post(reader)  # raises nothing now
    assert client.get("/api/v1/me").json()["email_verified"] is True


def test_confirmation_link_works_only_on_post(client, smtp_server):
    """Mail scanners fetch links; a GET must not confirm anything."""
    sign_up(client)
    link = link_in(smtp_server.wait_for("nadia@example.org")[0], "/accounts/confirm-email/")
    client.get(link.removeprefix("http://testserver"))
    assert not EmailAddress.objects.get(email="nadia@example.org").verified


def test_sign_in_by_username_or_email_and_sign_out(client, smtp_server):
    factories.reader(username="omar", password=PASSWORD)
    for login in ("omar", "OMAR", "omar@example.org"):
        response = client.post("/accounts/login/", {"login": login, "password": PASSWORD})
        assert response.status_code == 302, login
        assert client.get("/api/v1/me").json()["username"] == "omar"
        assert client.post("/accounts/logout/").status_code == 302
        assert client.get("/api/v1/me").status_code == 401


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client):
    factories.reader(username="omar", password=PASSWORD)
    wrong_password = client.post("/accounts/login/", {"login": "omar", "password": "nope nope nope"})
    unknown_user = client.post("/accounts/login/", {"login": "nobody-here", "password": "nope nope nope"})
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert wrong_password.context["form"].errors == unknown_user.context["form"].errors


def test_sign_out_needs_a_post(client):
    reader = factories.reader()
    client.force_login(reader)
    page = client.get("/accounts/logout/")
    assert page.status_code == 200  # a confirmation page, not a sign-out
    assert client.get("/api/v1/me").status_code == 200


def test_sign_up_with_a_taken_address_looks_the_same_and_warns_the_owner(client, smtp_server):
    factories.reader(username="harriet", verified=True)
    first = sign_up(client, username="someone_else", email="harriet@example.org")
    client.logout()
    fresh = sign_up(client, username="brand_new", email="brand_new@example.org")
    assert first.status_code == fresh.status_code == 302
    assert first["Location"] == fresh["Location"]

    [warning] = smtp_server.wait_for("harriet@example.org")
    assert "already belongs to an account" in text_of(warning)
    assert "/accounts/confirm-email/" not in text_of(warning)
    # The newcomer can never confirm an address somebody else owns, so can never take part.
    assert not reader_is_verified(Reader.objects.get(username="someone_else"))


def test_sign_up_refuses_bad_usernames(client, smtp_server):
    for username, problem in [
        ("ab", "at least 3"),
        ("x" * 31, "at most 30"),
        ("has space", "letters"),
        ("émile", "letters"),
        ("admin", "reserved"),
        ("Moderator", "reserved"),
        ("support_desk", "reserved"),
        ("me", "at least 3"),
    ]:
        response = sign_up(client, username=username, email=f"{abs(hash(username))}@example.org")
        assert response.status_code == 200, username
        errors = " ".join(response.context["form"].errors["username"])
        assert problem in errors, (username, errors)
    assert not Reader.objects.exists()


def test_usernames_are_unique_whatever_the_case(client, smtp_server):
    factories.reader(username="Rita")
    response = sign_up(client, username="rita", email="other@example.org")
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
