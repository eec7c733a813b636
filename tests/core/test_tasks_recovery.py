"""Tasks whose worker died are run again (core/tasks_recovery.py, the `db_worker` command)."""

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from masthead.comments import tasks as comment_tasks
from masthead.core import tasks_recovery

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="death is proven through /proc")


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASKS_STALE_AFTER_SECONDS = 1800


@pytest.fixture(scope="module")
def dead_worker() -> str:
    """The worker id of a process that ran on this machine and has exited."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        worker = tasks_recovery.worker_id(process.pid)
    finally:
        process.kill()
        process.wait()
    return worker


def _running(*, worker: str, started_ago: float = 1.0, attempts: int = 1) -> DBTaskResult:
    """A task a worker claimed ``started_ago`` seconds ago (its ``attempts``-th claim)."""
    result = comment_tasks.recount_threads.enqueue(article_ids=[])
    row = DBTaskResult.objects.get(pk=result.id)
    row.status = "RUNNING"
    row.started_at = timezone.now() - timedelta(seconds=started_ago)
    row.worker_ids = [f"earlier-worker-{n}" for n in range(attempts - 1)] + [worker]
    row.save()
    return row


def _status(row: DBTaskResult) -> str:
    return DBTaskResult.objects.values_list("status", flat=True).get(pk=row.pk)


def test_a_worker_id_names_this_machine_and_the_process_it_is_proven_dead_by(dead_worker):
    mine = tasks_recovery.worker_id()
    assert len(mine) <= 64 and mine.split(":")[2] == str(os.getpid())
    assert not tasks_recovery.provably_dead(mine)
    assert tasks_recovery.provably_dead(dead_worker)


def test_nothing_proves_a_worker_dead_that_ran_elsewhere_or_chose_its_own_id(dead_worker):
    host, _, pid, started = dead_worker.split(":")
    assert not tasks_recovery.provably_dead(f"{host}:000000000000:{pid}:{started}")  # another machine
    assert not tasks_recovery.provably_dead("worker-7")  # --worker-id worker-7
    assert not tasks_recovery.provably_dead(f"{host}:-:{pid}:-")  # no /proc where it ran


def test_a_killed_worker_not_yet_reaped_by_its_parent_is_dead():
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    worker = tasks_recovery.worker_id(process.pid)
    try:
        assert not tasks_recovery.provably_dead(worker)
        process.kill()
        deadline = time.monotonic() + 10
        while not tasks_recovery.provably_dead(worker) and time.monotonic() < deadline:
            time.sleep(0.05)  # a zombie until it is waited for
        assert tasks_recovery.provably_dead(worker)
    finally:
        process.kill()
        process.wait()


def test_a_pid_taken_by_another_process_since_does_not_pass_for_the_dead_worker():
    host, key, pid, started = tasks_recovery.worker_id().split(":")
    assert tasks_recovery.provably_dead(f"{host}:{key}:{pid}:{int(started) - 1}")


@pytest.mark.django_db
def test_the_task_of_a_dead_worker_is_put_back_at_once(database_tasks, dead_worker):
    lost = _running(worker=dead_worker)
    alive = _running(worker=tasks_recovery.worker_id())  # this process: running it still
    done = tasks_recovery.requeue_lost()
    assert [(r.id, r.why, r.failed) for r in done] == [(str(lost.pk), "worker gone", False)]
    assert (_status(lost), _status(alive)) == ("READY", "RUNNING")
    assert tasks_recovery.requeue_lost() == []  # a second sweep (or another worker's) finds nothing


@pytest.mark.django_db
def test_a_task_past_its_lease_is_put_back_whatever_its_worker(database_tasks, settings):
    settings.TASKS_STALE_AFTER_SECONDS = 600
    slow = _running(worker=tasks_recovery.worker_id(), started_ago=300)
    stale = _running(worker="worker-on-a-lost-machine", started_ago=601)
    done = tasks_recovery.requeue_lost()
    assert [(r.id, r.why) for r in done] == [(str(stale.pk), "lease expired")]
    assert (_status(slow), _status(stale)) == ("RUNNING", "READY")

    settings.TASKS_STALE_AFTER_SECONDS = 0  # no lease: only proven deaths put tasks back
    stale = _running(worker="worker-on-a-lost-machine", started_ago=10**6)
    assert tasks_recovery.requeue_lost() == []


@pytest.mark.django_db
def test_a_task_that_kills_every_worker_is_given_up_on(database_tasks, dead_worker):
    poison = _running(worker=dead_worker, attempts=tasks_recovery.MAX_ATTEMPTS)
    [done] = tasks_recovery.requeue_lost()
    assert done.failed
    poison.refresh_from_db()
    assert poison.status == "FAILED" and poison.finished_at is not None
    assert poison.exception_class_path == "masthead.core.tasks_recovery.WorkerLost"
    assert dead_worker in poison.traceback


@pytest.mark.django_db
def test_finished_and_waiting_tasks_are_left_alone(database_tasks, dead_worker):
    finished = _running(worker=dead_worker)
    DBTaskResult.objects.filter(pk=finished.pk).update(status="SUCCESSFUL")
    waiting = comment_tasks.recount_threads.enqueue(article_ids=[])
    assert tasks_recovery.requeue_lost() == []
    assert _status(finished) == "SUCCESSFUL"
    assert DBTaskResult.objects.get(pk=waiting.id).status == "READY"


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_runs_again_the_task_of_a_dead_worker(database_tasks, dead_worker):
    lost = _running(worker=dead_worker)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)
    lost.refresh_from_db()
    assert lost.status == "SUCCESSFUL"
    assert lost.worker_ids == [dead_worker, tasks_recovery.worker_id()]  # then this process


@pytest.mark.django_db(transaction=True)
def test_a_running_worker_sweeps_again_every_little_while(database_tasks, dead_worker, monkeypatch):
    monkeypatch.setattr(tasks_recovery, "SWEEP_SECONDS", 0.05)
    sweeper = tasks_recovery.Sweeper(backend_name="default")
    sweeper.start()
    try:
        lost = _running(worker=dead_worker)  # dies after the worker started
        deadline = time.monotonic() + 10
        while _status(lost) != "READY" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _status(lost) == "READY"
    finally:
        sweeper.stop()
        sweeper.join(timeout=10)
    assert not sweeper.is_alive()
