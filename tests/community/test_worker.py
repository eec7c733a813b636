"""The real thing: tasks queued in the database and run by the `db_worker` command."""

import pytest
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from masthead.community import services
from masthead.community.models import Notification
from tests import factories
from tests.community.conftest import signed_in


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _work() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_fan_out_and_sends_the_emails(database_tasks, smtp_server, article):
    alice = factories.reader(username="alice", display_name="Alice Ames")
    bob = factories.reader(username="bob", display_name="Bob Baker")
    fans = [factories.reader(username=f"fan{i}") for i in range(3)]
    for fan in fans:
        services.follow_create(follower=fan, followed=bob)
    top = factories.comment(article=article, author=alice, body="Opening times?")
    DBTaskResult.objects.all().delete()  # new_follower and alice's comment: not what this test is about

    response = signed_in(Client(), bob).post(
        f"/api/v1/articles/{article.slug}/comments",
        {"body": "Nine till five, @fan0.", "parent_id": top.pk},
        content_type="application/json",
    )
    assert response.status_code == 201
    # The request only queued work: nobody has been told yet.
    assert not Notification.objects.exists()
    assert DBTaskResult.objects.filter(task_path__endswith="notify_comment_published").count() == 1

    _work()

    kinds = sorted(Notification.objects.values_list("recipient__username", "kind"))
    assert kinds == [
        ("alice", "reply"),
        ("fan0", "mention"),
        ("fan1", "followed_reader_commented"),
        ("fan2", "followed_reader_commented"),
    ]
    assert "Bob Baker replied to your comment" in smtp_server.wait_for("alice@example.org")[0]["Subject"]
    assert "Bob Baker mentioned you" in smtp_server.wait_for("fan0@example.org")[0]["Subject"]
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()

    # A second worker run, or the same tasks again, tells nobody twice.
    for result in DBTaskResult.objects.all():
        DBTaskResult.objects.create(
            task_path=result.task_path, args_kwargs=result.args_kwargs, backend_name=result.backend_name,
            queue_name=result.queue_name, priority=result.priority,
        )  # fmt: skip
    _work()
    assert Notification.objects.count() == 4
    assert len(smtp_server.messages) == 2
