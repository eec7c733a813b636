"""Password reset and change, email change, and what never leaks whether an address exists."""

import pytest
from allauth.account.models import EmailAddress

from masthead.accounts.models import Reader
from tests import factories
from tests.smtp import free_port, link_in, text_of

pytestmark = pytest.mark.django_db

OLD = "correct horse battery"
NEW = "an entirely new passphrase"


def request_reset(client, email):
    return client.post("/accounts/password/reset/", {"email": email})


def follow_reset_link(client, link, password=NEW):
    """Open an emailed reset link and set ``password``; returns the final response."""
    page = client.get(link.removeprefix("http://testserver"), follow=True)
    if page.context.get("token_fail"):
        return page
    return client.post(page.redirect_chain[-1][0], {"password1": password, "password2": password})


def test_reset_password_through_the_emailed_link(client, smtp_server):
    factories.reader(username="omar")
    response = request_reset(client, "omar@example.org")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"

    [message] = smtp_server.wait_for("omar@example.org")
    assert message["Subject"] == "[The Harbour Light] Reset your password"
    link = link_in(message, "/accounts/password/reset/key/")
    done = follow_reset_link(client, link)
    assert done.status_code == 302

    assert client.login(username="omar", password=NEW)
    assert not client.login(username="omar", password=OLD)
    # A reset link works once.
    assert follow_reset_link(client, link, "yet another passphrase").context["token_fail"]


def test_reset_answers_the_same_for_unknown_addresses(client, smtp_server):
    factories.reader(username="omar")
    known = request_reset(client, "omar@example.org")
    unknown = request_reset(client, "nobody@example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    [note] = smtp_server.wait_for("nobody@example.org")
    assert "we have no account with it" in text_of(note)
    assert "/accounts/password/reset/key/" not in text_of(note)


def test_reset_answers_the_same_when_the_mail_server_is_down(client, settings):
    factories.reader(username="omar")
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},  # nothing listens
        }
    }
    known = request_reset(client, "omar@example.org")
    unknown = request_reset(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/accounts/password/reset/done/"
    assert client.get(known["Location"]).status_code == 200


def test_sign_up_does_not_fail_when_the_mail_server_is_down(client, settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    response = client.post(
        "/accounts/signup/",
        {"username": "nadia", "email": "nadia@example.org", "password1": NEW, "password2": NEW},
    )
    assert response.status_code == 302
    assert Reader.objects.filter(username="nadia").exists()


def test_change_password_keeps_this_session_and_tells_the_reader(client, smtp_server):
    reader = factories.reader(username="omar")
    client.force_login(reader)
    response = client.post(
        "/accounts/password/change/", {"oldpassword": OLD, "password1": NEW, "password2": NEW}
    )
    assert response.status_code == 302
    assert client.get("/api/v1/me").status_code == 200
    reader.refresh_from_db()
    assert reader.check_password(NEW)
    assert reader.password.startswith("argon2")
    [notice] = smtp_server.wait_for("omar@example.org")
    assert "password" in notice["Subject"].lower()


def test_change_password_needs_the_old_one(client):
    reader = factories.reader(username="omar")
    client.force_login(reader)
    response = client.post(
        "/accounts/password/change/", {"oldpassword": "not it at all", "password1": NEW, "password2": NEW}
    )
    assert response.status_code == 200
    assert "oldpassword" in response.context["form"].errors


def change_email(client, new_address):
    return client.post("/accounts/email/", {"action_add": "", "email": new_address})


def test_email_change_takes_effect_only_once_confirmed(client, smtp_server):
    reader = factories.reader(username="omar")
    client.force_login(reader)
    assert change_email(client, "omar@new.example").status_code == 302

    reader.refresh_from_db()
    assert reader.email == "omar@example.org"  # still the old one
    page = client.get("/accounts/email/")
    assert b"omar@new.example" in page.content and b"Waiting for confirmation" in page.content
    assert EmailAddress.objects.get(user=reader, primary=True).email == "omar@example.org"

    link = link_in(smtp_server.wait_for("omar@new.example")[0], "/accounts/confirm-email/")
    client.post(link.removeprefix("http://testserver"))

    reader.refresh_from_db()
    assert reader.email == "omar@new.example"
    assert list(EmailAddress.objects.filter(user=reader).values_list("email", "verified", "primary")) == [
        ("omar@new.example", True, True)
    ]
    client.logout()
    assert client.post("/accounts/login/", {"login": "omar@new.example", "password": OLD}).status_code == 302
    client.logout()
    assert client.post("/accounts/login/", {"login": "omar@example.org", "password": OLD}).status_code == 200


def test_email_change_invalidates_reset_links_sent_before_it(client, smtp_server):
    reader = factories.reader(username="omar")
    request_reset(client, "omar@example.org")
    old_link = link_in(smtp_server.wait_for("omar@example.org")[0], "/accounts/password/reset/key/")

    client.force_login(reader)
    change_email(client, "omar@new.example")
    confirm = link_in(smtp_server.wait_for("omar@new.example")[0], "/accounts/confirm-email/")
    client.post(confirm.removeprefix("http://testserver"))
    client.logout()

    page = follow_reset_link(client, old_link)
    assert page.context["token_fail"]
    assert b"This link no longer works" in page.content
    reader.refresh_from_db()
    assert reader.check_password(OLD)


def test_email_change_to_a_taken_address_does_not_reveal_it(client, smtp_server):
    factories.reader(username="harriet")
    reader = factories.reader(username="omar")
    client.force_login(reader)
    taken = change_email(client, "harriet@example.org")
    free = change_email(client, "free@example.org")
    assert taken.status_code == free.status_code == 302
    # The owner hears about it; the address is never confirmed for omar.
    assert "already belongs to an account" in text_of(smtp_server.wait_for("harriet@example.org")[0])
    reader.refresh_from_db()
    assert reader.email == "omar@example.org"
