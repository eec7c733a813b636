"""Notification emails, read from a real SMTP server: content, headers, who gets one."""

import pytest
from django.core import mail
from django.test import Client

from masthead.accounts.models import Reader
from masthead.comments import services as comments_services
from masthead.community import emails, fanout, services, tasks
from masthead.community.kinds import KINDS
from masthead.community.models import Notification
from masthead.community.selectors import notification_settings
from masthead.community.tokens import unsubscribe_read
from tests import factories
from tests.smtp import free_port

pytestmark = pytest.mark.django_db

NASTY = (
    "They closed in 1999 <script>alert('x')</script> & more. See [the archive](https://evil.example/a), "
    "https://evil.example/b, www.evil.example/c and ![a picture](https://evil.example/p.png) **too**."
)


@pytest.fixture
def post(committed, article):
    def post(author, body="A thoughtful comment.", parent=None):
        with committed():
            return factories.comment(article=article, author=author, body=body, parent=parent)

    return post


def _html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_a_reply_is_emailed_at_once_with_unsubscribe_headers_and_a_settings_link(
    smtp_server, post, alice, bob, article
):
    top = post(alice, "The baths opened in 1932.")
    reply = post(bob, "Quite so.", parent=top)

    [message] = smtp_server.wait_for("alice@example.org")
    assert message["To"] == "alice@example.org"
    assert message["Subject"].startswith("[The Harbour Light] Bob Baker replied to your comment on")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message["List-Unsubscribe"]
    assert unsubscribe.startswith(
        "<http://127.0.0.1:8000/me/notifications/unsubscribe/"
    ) and unsubscribe.endswith(">")
    assert message["Auto-Submitted"] == "auto-generated"
    text = _text(message)
    assert "Bob Baker replied to your comment" in text and "“Quite so.”" in text
    assert f"http://127.0.0.1:8000/articles/{article.slug}/?comment={reply.pk}#comment-{reply.pk}" in text
    assert "http://127.0.0.1:8000/me/notifications/settings/" in text
    assert unsubscribe.strip("<>") in text
    html = _html(message)
    assert 'href="http://127.0.0.1:8000/me/notifications/settings/"' in html
    assert smtp_server.to("bob@example.org") == []


def test_comment_text_is_escaped_and_stripped_of_links_and_images(smtp_server, post, alice, bob):
    top = post(alice)
    post(bob, NASTY, parent=top)
    [message] = smtp_server.wait_for("alice@example.org")
    text, html = _text(message), _html(message)
    for part in (text, html, message["Subject"]):
        assert "evil.example" not in part
    assert "<script>" not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "See the archive" in text and "too" in text and "**" not in text
    assert "<script>alert('x')</script>" in text  # plain text is plain: shown, never run


def test_a_name_cannot_add_headers_or_recipients(smtp_server, post, alice, bob):
    Reader.objects.filter(pk=bob.pk).update(
        display_name="Bob\r\nBcc: victim@example.org\r\nX-Evil: 1\nSubject: Free money"
    )
    bob.refresh_from_db()
    top = post(alice)
    post(bob, parent=top)
    [message] = smtp_server.wait_for("alice@example.org")
    assert message["X-Envelope-To"] == "alice@example.org"
    assert message["Bcc"] is None and message["X-Evil"] is None
    assert len(message.get_all("Subject")) == 1
    assert "\n" not in message["Subject"] and "Bcc: victim@example.org" in message["Subject"]
    assert smtp_server.to("victim@example.org") == []


def test_header_text_flattens_control_characters():
    assert emails.header_text("a\r\nb\tc\x00d\u2028e") == "a b c d e"
    assert len(emails.header_text("x" * 500)) == emails.SUBJECT_LENGTH


def test_each_email_is_sent_once_however_often_asked(smtp_server, post, alice, bob):
    top = post(alice)
    post(bob, parent=top)
    smtp_server.wait_for("alice@example.org")
    notification = Notification.objects.get(recipient=alice)
    assert notification.emailed_at is not None and not notification.email_pending
    assert emails.send_now(notification_ids=[notification.pk]) == 0
    tasks.email_notifications.enqueue(notification_ids=[notification.pk])
    assert len(smtp_server.to("alice@example.org")) == 1


def test_nothing_is_emailed_to_an_unconfirmed_address(smtp_server, post, bob):
    newbie = factories.reader(username="newbie", verified=False)
    services.follow_create(follower=bob, followed=newbie)
    services.notification_settings_update(reader=newbie, changes={"new_follower": "email_now"})
    tasks.notify_new_follower.enqueue(follower_id=bob.pk, followed_id=newbie.pk)
    assert Notification.objects.filter(recipient=newbie).exists()  # on the site all the same
    assert smtp_server.messages == []


def test_in_app_kinds_are_not_emailed(smtp_server, post, alice, bob, carol):
    services.follow_create(follower=carol, followed=bob)  # followed_reader_commented: in_app
    services.notification_settings_update(reader=alice, changes={"reply": "in_app"})
    top = post(alice)
    post(bob, "Hi.", parent=top)
    assert Notification.objects.filter(recipient=alice, kind="reply").exists()
    assert Notification.objects.filter(recipient=carol, kind="followed_reader_commented").exists()
    assert smtp_server.messages == []


def test_a_changed_mind_stops_an_email_still_waiting(smtp_server, alice, bob, article):
    top = factories.comment(article=article, author=alice)
    reply = factories.comment(article=article, author=bob, parent=top)
    waiting = fanout.notify_comment_published(comment_id=reply.pk)  # the email task not run yet
    assert len(waiting) == 1
    services.notification_settings_update(reader=alice, changes={"reply": "email_daily"})
    services.notification_settings_update(reader=alice, changes={"reply": "off"})
    assert emails.send_now(notification_ids=waiting) == 0
    assert tasks.daily_digests(inline=True) == 0
    assert smtp_server.messages == []


def test_an_email_about_a_comment_removed_meanwhile_is_not_sent(smtp_server, alice, bob, article):
    top = factories.comment(article=article, author=alice)
    reply = factories.comment(article=article, author=bob, parent=top)
    waiting = fanout.notify_comment_published(comment_id=reply.pk)
    comments_services.comment_delete(comment=reply, actor=bob)
    assert emails.send_now(notification_ids=waiting) == 0
    assert smtp_server.messages == []


def test_a_failed_send_is_tried_again_later(settings, post, alice, bob, smtp_server):
    working = settings.MAILERS
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    top = post(alice)
    post(bob, parent=top)  # the email task fails: nothing listens on that port
    notification = Notification.objects.get(recipient=alice)
    assert notification.email_pending and notification.emailed_at is None

    settings.MAILERS = working
    Notification.objects.filter(pk=notification.pk).update(
        created_at=notification.created_at.replace(year=2020)
    )
    tasks.daily_digests(inline=True)  # the daily run sends what is overdue
    assert len(smtp_server.wait_for("alice@example.org")) == 1


def test_messages_are_built_with_djangos_email_classes(post, alice, bob):
    top = post(alice)
    reply = post(bob, parent=top)
    notification = Notification.objects.select_related("recipient", "actor", "article").get(
        comment_id=reply.pk
    )
    message = emails.notification_message(notification)
    assert isinstance(message, mail.EmailMultiAlternatives)
    assert message.alternatives[0].mimetype == "text/html"


def test_every_kind_can_be_emailed_at_once_each_with_its_own_unsubscribe(
    smtp_server, post, alice, bob, carol, moderator, committed
):
    """Each of the seven kinds set to email_now: one email each, from the real SMTP server,
    whose one-click link stops that kind's emails and no other."""
    dora = factories.reader(username="dora", display_name="Dora Day")
    every_kind = {kind: "email_now" for kind in KINDS}
    for reader in (alice, carol, dora):
        services.notification_settings_update(reader=reader, changes=every_kind)
    with committed():
        services.follow_create(follower=alice, followed=carol)  # carol: new_follower
        services.follow_create(follower=dora, followed=bob)  # dora: followed_reader_commented
    mine = post(alice, "The baths opened in 1932.")
    post(bob, "1933, says the plaque. @carol, you were there?", parent=mine)  # reply, mention
    with committed():
        comments_services.reaction_set(comment=mine, reader=bob)
    with committed():
        comments_services.comment_feature(comment=mine, actor=moderator)
    other = post(alice, "Something against the rules.")
    with committed():
        comments_services.comment_reject(comment=other, actor=moderator, reason="Please keep it civil.")

    expected = {
        "alice@example.org": {
            "reply": "Bob Baker replied to your comment on",
            "reaction": "Bob Baker respected your comment on",
            "comment_featured": "The editors featured your comment on",
            "comment_rejected": "was not published: Please keep it civil.",
        },
        "carol@example.org": {
            "new_follower": "Alice Ames started following you.",
            "mention": "Bob Baker mentioned you on",
        },
        "dora@example.org": {"followed_reader_commented": "Bob Baker commented on"},
    }
    for address, kinds in expected.items():
        messages = smtp_server.wait_for(address, count=len(kinds))
        assert len(messages) == len(kinds), [m["Subject"] for m in messages]
        by_kind = {}
        for message in messages:
            assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
            token = message["List-Unsubscribe"].strip("<>").rstrip("/").rsplit("/", 1)[1]
            _reader_id, scope = unsubscribe_read(token)
            by_kind[scope.removeprefix("kind:")] = " ".join(message["Subject"].split())
        assert set(by_kind) == set(kinds)
        for kind, words in kinds.items():
            assert words in by_kind[kind], (kind, by_kind[kind])

    # One click on dora's link stops that kind's emails only.
    [message] = smtp_server.to("dora@example.org")
    path = message["List-Unsubscribe"].strip("<>").removeprefix("http://127.0.0.1:8000")
    assert Client().post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    settings_now = notification_settings(reader=dora)
    assert settings_now["followed_reader_commented"] == "in_app"
    assert {k for k, v in settings_now.items() if v == "email_now"} == set(KINDS) - {
        "followed_reader_commented"
    }
