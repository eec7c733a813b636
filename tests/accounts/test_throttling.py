"""Sign-in throttling per account and per client address; forwarded addresses only from our proxies."""

import pytest

from masthead.accounts.client import client_ip
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def sign_in(client, login, password, **headers):
    return client.post("/accounts/login/", {"login": login, "password": password}, **headers)


def refused_for_throttling(response) -> bool:
    return response.status_code == 200 and "Too many failed login attempts" in str(
        response.context["form"].errors
    )


def test_an_account_locks_after_five_failures_even_for_the_right_password(client):
    factories.reader(username="omar")
    for attempt in range(5):
        response = sign_in(client, "omar", f"wrong guess {attempt}", REMOTE_ADDR=f"198.51.100.{attempt}")
        assert response.status_code == 200 and not refused_for_throttling(response)
    # Five addresses, one account: the account is what is protected.
    locked = sign_in(client, "omar", PASSWORD, REMOTE_ADDR="198.51.100.99")
    assert refused_for_throttling(locked)
    # Another reader is unaffected.
    factories.reader(username="rita")
    assert sign_in(client, "rita", PASSWORD, REMOTE_ADDR="198.51.100.99").status_code == 302


def test_the_account_limit_counts_the_username_and_email_separately_from_other_accounts(client):
    factories.reader(username="omar")
    for attempt in range(5):
        sign_in(client, "omar@example.org", f"wrong {attempt}", REMOTE_ADDR=f"198.51.100.{attempt}")
    assert refused_for_throttling(sign_in(client, "omar@example.org", PASSWORD, REMOTE_ADDR="198.51.100.50"))


def test_one_address_is_stopped_after_ten_failures_across_accounts(client):
    for n in range(11):
        factories.reader(username=f"victim{n}")
    for n in range(10):
        response = sign_in(client, f"victim{n}", "wrong password", REMOTE_ADDR="203.0.113.7")
        assert not refused_for_throttling(response), n
    assert refused_for_throttling(sign_in(client, "victim10", PASSWORD, REMOTE_ADDR="203.0.113.7"))
    # Someone else, elsewhere, signs in fine.
    assert sign_in(client, "victim10", PASSWORD, REMOTE_ADDR="203.0.113.8").status_code == 302


def test_forwarded_addresses_are_ignored_without_trusted_proxies(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    for n in range(11):
        factories.reader(username=f"victim{n}")
    # An attacker varying X-Forwarded-For still comes from one connection address.
    for n in range(10):
        sign_in(client, f"victim{n}", "wrong", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    blocked = sign_in(
        client, "victim10", PASSWORD, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="10.9.9.9"
    )
    assert refused_for_throttling(blocked)


def test_forwarded_address_from_a_trusted_proxy_names_the_client(client, settings, rf):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for n in range(11):
        factories.reader(username=f"victim{n}")
    # Behind our proxy every request comes from the proxy's address; clients differ.
    for n in range(10):
        sign_in(client, f"victim{n}", "wrong", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert refused_for_throttling(
        sign_in(client, "victim10", PASSWORD, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    )
    assert (
        sign_in(
            client, "victim10", PASSWORD, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8"
        ).status_code
        == 302
    )


def test_client_ip_believes_only_as_many_hops_as_configured(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"  # the hop our proxy saw, not what the client wrote
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="203.0.113.9")
    assert client_ip(request) == "203.0.113.9"


def test_successful_sign_ins_are_recorded_with_the_client_address(client):
    reader = factories.reader(username="omar")
    sign_in(client, "omar", PASSWORD, REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Lynx/2.9")
    [entry] = reader.sign_ins.all()
    assert (entry.ip_address, entry.user_agent) == ("203.0.113.7", "Lynx/2.9")
