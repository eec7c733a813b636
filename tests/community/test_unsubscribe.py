"""One-click unsubscribe (RFC 8058): GET shows a confirmation; POST unsubscribes, no session."""

import pytest
from django.test import Client

from masthead.community import selectors, services, tasks
from masthead.community.tokens import unsubscribe_token
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def reply_email(smtp_server, committed, alice, bob, article):
    with committed():
        top = factories.comment(article=article, author=alice)
        factories.comment(article=article, author=bob, parent=top)
    [message] = smtp_server.wait_for("alice@example.org")
    return message


def _path(message) -> str:
    return message["List-Unsubscribe"].strip("<>").removeprefix("http://127.0.0.1:8000")


def test_get_shows_a_confirmation_and_changes_nothing(reply_email, alice):
    response = Client().get(_path(reply_email))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Unsubscribe?" in page and "@alice" in page and "replies to my comments" in page
    assert f'action="{_path(reply_email)}"' in page
    assert selectors.notification_settings(reader=alice)["reply"] == "email_now"


def test_one_click_post_unsubscribes_without_a_session_or_csrf(
    reply_email, smtp_server, alice, bob, committed, article
):
    client = Client(enforce_csrf_checks=True)  # what a mail provider sends: no cookie, no token
    response = client.post(
        _path(reply_email), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200 and b"You are unsubscribed" in response.content
    assert selectors.notification_settings(reader=alice)["reply"] == "in_app"
    assert selectors.notification_settings(reader=alice)["mention"] == "email_now"  # only that kind

    with committed():
        top = factories.comment(article=article, author=alice)
        factories.comment(article=article, author=bob, parent=top)
    assert len(smtp_server.to("alice@example.org")) == 1  # no new email…
    assert selectors.unread_count(reader=alice) == 2  # …still on the site


def test_the_confirmation_button_unsubscribes_too(reply_email, alice):
    client = Client()
    page = client.get(_path(reply_email)).content.decode()
    assert 'name="List-Unsubscribe" value="One-Click"' in page
    response = client.post(_path(reply_email), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert selectors.notification_settings(reader=alice)["reply"] == "in_app"
    # Twice is fine.
    assert client.post(_path(reply_email), {"List-Unsubscribe": "One-Click"}).status_code == 200


def test_the_digests_link_stops_every_daily_kind(smtp_server, alice, bob, committed):
    services.notification_settings_update(
        reader=alice, changes={"new_follower": "email_daily", "reaction": "email_daily", "reply": "email_now"}
    )
    with committed():
        services.follow_create(follower=bob, followed=alice)
    tasks.daily_digests()
    [digest] = smtp_server.wait_for("alice@example.org")
    Client().post(
        _path(digest), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    current = selectors.notification_settings(reader=alice)
    assert (current["new_follower"], current["reaction"], current["reply"]) == (
        "in_app",
        "in_app",
        "email_now",
    )


def test_an_all_link_stops_every_email(alice):
    token = unsubscribe_token(reader_id=alice.pk, scope="all")
    Client().post(f"/me/notifications/unsubscribe/{token}/")
    assert set(selectors.notification_settings(reader=alice).values()) <= {"in_app", "off"}


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_or_stale_link_does_nothing(method, alice):
    token = unsubscribe_token(reader_id=alice.pk, scope="kind:reply")
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    for path in (f"/me/notifications/unsubscribe/{forged}/", "/me/notifications/unsubscribe/nonsense/"):
        response = getattr(Client(), method)(path)
        assert response.status_code == 404 and b"This link does not work" in response.content
    alice.delete()
    assert getattr(Client(), method)(f"/me/notifications/unsubscribe/{token}/").status_code == 404


def test_tokens_are_scoped():
    with pytest.raises(ValueError):
        unsubscribe_token(reader_id=1, scope="kind:gossip")
