"""A task run again after its worker died (core/tasks_recovery.py) tells nobody twice and
emails nobody twice; tasks queued in a transaction commit or roll back with it."""

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from masthead.community import emails, fanout, services, tasks
from masthead.community.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs, no ``except`` sees it."""


class DyingMailer(EmailBackend):
    """Delivers, and the worker dies just after the ``die_after``-th message was accepted."""

    die_after: int | None = None

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        if DyingMailer.die_after is not None and len(mail.outbox) >= DyingMailer.die_after:
            DyingMailer.die_after = None
            raise WorkerKilled
        return sent


@pytest.fixture(autouse=True)
def _outbox(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    mail.outbox = []


@pytest.fixture
def fans(article):
    """Bob and seven followers who want an email at once when he comments."""
    bob = factories.reader(username="bob")
    readers = [factories.reader(username=f"fan{n}") for n in range(7)]
    for fan in readers:
        services.follow_create(follower=fan, followed=bob)
        services.notification_settings_update(reader=fan, changes={"followed_reader_commented": "email_now"})
    return bob, readers


def _told(comment) -> list[str]:
    return sorted(
        Notification.objects.filter(comment_id=comment.pk, kind="followed_reader_commented").values_list(
            "recipient__username", flat=True
        )
    )


def test_a_fan_out_batch_run_again_after_a_partial_first_run_tells_each_follower_once(
    settings, fans, article
):
    settings.COMMUNITY_FANOUT_BATCH_SIZE = 3
    bob, readers = fans
    comment = factories.comment(article=article, author=bob, body="Open till nine.")  # outside `committed`
    assert _told(comment) == []
    # The first run died after its first batch: three fans told, the rest not.
    first = fanout.notify_followers(comment_id=comment.pk, after=0)
    assert len(_told(comment)) == 3 and first.next_after is not None
    # Run again from the start (the lost task), twice for good measure, and the chain after it.
    tasks.notify_followers.call(comment_id=comment.pk, after=0)
    tasks.notify_followers.call(comment_id=comment.pk, after=0)
    assert _told(comment) == sorted(r.username for r in readers)
    assert Notification.objects.filter(comment_id=comment.pk).count() == len(readers)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in readers)  # one email each


def test_an_email_task_run_again_after_its_worker_died_mid_batch_sends_the_rest_and_nothing_twice(
    settings, fans, article
):
    bob, readers = fans
    comment = factories.comment(article=article, author=bob, body="Open till nine.")
    waiting = fanout.notify_followers(comment_id=comment.pk, after=0).emails
    assert len(waiting) == len(readers)
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.DyingMailer"}}
    DyingMailer.die_after = 3

    with pytest.raises(WorkerKilled):
        tasks.email_notifications.call(notification_ids=waiting)
    assert len(mail.outbox) == 3
    tasks.email_notifications.call(notification_ids=waiting)  # the sweep queued it again

    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in readers)
    assert not Notification.objects.filter(pk__in=waiting, email_pending=True).exists()
    assert emails.send_now(notification_ids=waiting) == 0


def test_a_failed_send_leaves_the_unsent_waiting_and_the_sent_sent(settings, fans, article):
    bob, readers = fans
    comment = factories.comment(article=article, author=bob, body="Open till nine.")
    waiting = fanout.notify_followers(comment_id=comment.pk, after=0).emails
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FailingMailer"}}
    FailingMailer.fail_at = 3
    with pytest.raises(ConnectionError):
        emails.send_now(notification_ids=waiting)
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(pk__in=waiting, email_pending=True).count() == len(readers) - 2
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert emails.send_now(notification_ids=waiting) == len(readers) - 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in readers)


class FailingMailer(EmailBackend):
    """The mail server refuses the ``fail_at``-th message of the run."""

    fail_at: int | None = None

    def send_messages(self, messages):
        if FailingMailer.fail_at is not None and len(mail.outbox) + 1 >= FailingMailer.fail_at:
            FailingMailer.fail_at = None
            raise ConnectionError("the mail server went away")
        return super().send_messages(messages)


# --- Queued with the transaction (an outbox) on the database queue.


def _queued() -> int:
    return DBTaskResult.objects.filter(task_path__endswith="forget_unread_about").count()


def test_on_the_database_queue_a_task_commits_or_rolls_back_with_the_write(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with transaction.atomic():
        tasks.enqueue_on_commit(tasks.forget_unread_about, comment_id=1)
        assert _queued() == 1  # in the transaction, before any commit
    with pytest.raises(RuntimeError), transaction.atomic():
        tasks.enqueue_on_commit(tasks.forget_unread_about, comment_id=2)
        raise RuntimeError("the write failed")
    assert _queued() == 1  # the task about the rolled-back write went with it


def test_other_backends_are_queued_only_after_the_commit(committed, monkeypatch):
    ran = []
    monkeypatch.setattr(tasks.selectors, "forget_unread_about", lambda *, comment_id: ran.append(comment_id))
    with committed(), transaction.atomic():
        tasks.enqueue_on_commit(tasks.forget_unread_about, comment_id=1)
        assert ran == []  # the tests' ImmediateBackend would run it now: it must wait
    assert ran == [1]
    assert not DBTaskResult.objects.exists()
