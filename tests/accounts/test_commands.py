"""`masthead createreader` and `masthead token`."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.test import Client

from masthead.accounts.models import Reader
from masthead.accounts.selectors import reader_is_verified, reader_roles
from tests import factories

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_createreader_with_role_and_verified_email():
    output = run(
        "createreader", "maya", "--email", "maya@example.org", "--password", "pw for maya 1",
        "--role", "moderator", "--verified",
    )  # fmt: skip
    assert "Created moderator maya <maya@example.org> (verified email)." in output
    reader = Reader.objects.get(username="maya")
    assert reader_roles(reader) == ["moderator"] and reader.is_staff and not reader.is_superuser
    assert reader_is_verified(reader)
    assert reader.check_password("pw for maya 1")
    address = EmailAddress.objects.get(user=reader)
    assert (address.email, address.primary, address.verified) == ("maya@example.org", True, True)


def test_createreader_unverified_by_default_and_refuses_bad_names():
    run("createreader", "nadia", "--email", "nadia@example.org", "--password", "pw for nadia 1")
    assert not reader_is_verified(Reader.objects.get(username="nadia"))
    with pytest.raises(CommandError, match="taken"):
        run("createreader", "NADIA", "--email", "x@example.org", "--password", "pw")
    with pytest.raises(CommandError, match="reserved"):
        run("createreader", "admin", "--email", "a@example.org", "--password", "pw")


def test_token_prints_a_working_token():
    factories.reader(username="omar")
    token = run("token", "omar").strip()
    assert token.startswith("mhp_")
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.json()["username"] == "omar"
    with pytest.raises(CommandError, match="No active reader"):
        run("token", "nobody")
