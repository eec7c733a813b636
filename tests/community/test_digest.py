"""The daily digest: email_daily notifications grouped per reader, sent once a day."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from masthead.community import emails, services, tasks
from masthead.community.models import Digest, Notification
from tests import factories
from tests.smtp import free_port, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def daily(alice, bob, carol, committed, article):
    """alice hears of replies and followers daily; bob and carol reply and follow."""
    services.notification_settings_update(
        reader=alice, changes={"reply": "email_daily", "new_follower": "email_daily"}
    )
    with committed():
        top = factories.comment(article=article, author=alice, body="Opening times?")
        factories.comment(article=article, author=bob, body="Nine till five.", parent=top)
        factories.comment(article=article, author=carol, body="Closed on Mondays.", parent=top)
        services.follow_create(follower=bob, followed=alice)
    return top


def test_daily_notifications_wait_for_the_digest_then_come_in_one_email(smtp_server, daily, alice):
    assert smtp_server.messages == []  # nothing at once
    assert Notification.objects.filter(recipient=alice, email_pending=True).count() == 3

    assert tasks.send_daily_digests.enqueue().return_value == 1
    [message] = smtp_server.wait_for("alice@example.org")
    assert message["Subject"] == "[The Harbour Light] Your daily notifications: 3 new"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = text_of(message)
    for line in (
        "Bob Baker replied to your comment",
        "Carol Cho replied to your comment",
        "Bob Baker started following you.",
    ):
        assert line in text
    assert "“Nine till five.”" in text
    assert "http://127.0.0.1:8000/me/notifications/settings/" in text
    digest = Digest.objects.get(reader=alice)
    assert digest.sent_at is not None and digest.notification_count == 3
    assert not Notification.objects.filter(email_pending=True).exists()


def test_a_rerun_the_same_day_sends_nothing_again(smtp_server, daily, alice, bob, committed, article):
    tasks.daily_digests()
    smtp_server.wait_for("alice@example.org")
    tasks.daily_digests()
    with committed():  # news after today's digest waits for tomorrow's
        factories.comment(article=article, author=factories.reader(username="dan"), parent=daily)
    tasks.daily_digests()
    assert len(smtp_server.to("alice@example.org")) == 1

    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    tasks.daily_digests(day=tomorrow)
    messages = smtp_server.wait_for("alice@example.org", count=2)
    assert "1 new" in messages[1]["Subject"] and Digest.objects.filter(reader=alice).count() == 2


def test_what_was_read_on_the_site_is_left_out(smtp_server, daily, alice):
    services.notifications_mark_read(reader=alice, everything=True)
    assert tasks.daily_digests(inline=True) == 0
    assert smtp_server.messages == [] and not Digest.objects.exists()
    assert not Notification.objects.filter(email_pending=True).exists()


def test_each_reader_gets_their_own_digest(smtp_server, daily, bob, carol, committed):
    services.notification_settings_update(reader=carol, changes={"new_follower": "email_daily"})
    with committed():
        services.follow_create(follower=bob, followed=carol)
    tasks.daily_digests()
    assert "1 new" in smtp_server.wait_for("carol@example.org")[0]["Subject"]
    assert "3 new" in smtp_server.wait_for("alice@example.org")[0]["Subject"]
    assert smtp_server.to("bob@example.org") == []


def test_a_digest_that_could_not_be_sent_is_sent_by_the_next_run(settings, smtp_server, daily, alice):
    working = settings.MAILERS
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    with pytest.raises(OSError):
        emails.send_digest(reader_id=alice.pk)
    assert not Digest.objects.exists()
    assert Notification.objects.filter(recipient=alice, email_pending=True).count() == 3
    settings.MAILERS = working
    tasks.daily_digests()
    assert "3 new" in smtp_server.wait_for("alice@example.org")[0]["Subject"]


def test_a_long_digest_lists_the_latest_and_links_to_the_rest(monkeypatch, smtp_server, daily, alice):
    monkeypatch.setattr(emails, "DIGEST_SHOWN", 2)
    tasks.daily_digests()
    text = text_of(smtp_server.wait_for("alice@example.org")[0])
    assert "... and 1 more: http://127.0.0.1:8000/me/notifications/" in text


def test_the_send_digests_command(smtp_server, daily, capsys):
    call_command("send_digests")
    assert "queued" in capsys.readouterr().out
    smtp_server.wait_for("alice@example.org")
    call_command("send_digests", "--now")
    assert "0 sent" in capsys.readouterr().out
    assert len(smtp_server.messages) == 1
