"""Tasks whose worker died are run again: the recovery the database queue lacks.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again,
so a worker killed in the middle of a task (SIGKILL, the OOM killer, a lost machine) would
leave it RUNNING for ever. Every ``masthead db_worker`` (``core/management/commands``)
sweeps the RUNNING tasks when it starts and every ``SWEEP_SECONDS`` after, and puts back
in the queue (READY) each task that is

- **provably orphaned**: its worker ran on this machine (the same kernel boot and PID
  namespace) and that process is gone. Worker ids carry host, pid and the process's start
  time (``worker_id()``), so a pid reused since cannot pass for the dead worker. A
  supervisor restarting a killed worker therefore has its task run again within seconds;
- **past its lease**: claimed more than ``TASKS_STALE_AFTER_SECONDS`` ago (30 minutes by
  default), whatever its worker, which covers a machine that died. Our tasks run in
  seconds (a fan-out batch, 200 emails), so in normal operation a live worker is never
  overtaken; a task that did outlive its lease would run a second time alongside the
  first, which our tasks survive (docs/operations.md, "When a worker dies").

Putting back is a conditional update on the claim that was seen (status and start time),
so two workers sweeping at once, or a worker finishing the task meanwhile, never put a task
back twice. A task claimed ``MAX_ATTEMPTS`` times without finishing (one that kills its
worker every time) is marked FAILED instead of being tried for ever.
"""

import logging
import os
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from hashlib import blake2b
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
SWEEP_SECONDS = 60  # or half the lease, if that is shorter


class WorkerLost(Exception):
    """Recorded as the error of a task given up on after ``MAX_ATTEMPTS`` lost workers."""


# --- Who is running a task, and are they still alive.


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text()
    except OSError:
        return None


def _machine_key() -> str | None:
    """Names this kernel boot and PID namespace: the place where a pid means one process.
    None where there is no /proc (then only the lease puts tasks back)."""
    boot = _read("/proc/sys/kernel/random/boot_id")
    try:
        namespace = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return None
    if not boot:
        return None
    return blake2b(f"{boot.strip()}/{namespace}".encode(), digest_size=6).hexdigest()


def _stat(pid: int) -> tuple[str, str] | None:
    """The process's state and start time (clock ticks since boot: with the pid, one
    process ever), from /proc/<pid>/stat; None if it cannot be read."""
    stat = _read(f"/proc/{pid}/stat")
    if stat is None:
        return None
    # Fields 3 and 22; the command name (field 2) may hold spaces and parentheses.
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[0], fields[19]


def _started(pid: int) -> str | None:
    stat = _stat(pid)
    return stat[1] if stat else None


def worker_id(pid: int | None = None) -> str:
    """``host:machine:pid:start``, at most 64 characters (django-tasks-db's limit)."""
    pid = pid or os.getpid()
    host = socket.gethostname().split(".")[0][:24] or "worker"
    key, started = _machine_key(), _started(pid)
    if key is None or started is None:
        return f"{host}:-:{pid}:-"
    return f"{host}:{key}:{pid}:{started}"


def provably_dead(worker: str) -> bool:
    """True only when ``worker`` (a ``worker_id()``) ran here and its process is gone."""
    try:
        _, key, pid, started = worker.rsplit(":", 3)
        pid_number = int(pid)
    except ValueError:
        return False  # an id given with --worker-id: no proof either way
    if key == "-" or key != _machine_key() or pid_number <= 0:
        return False
    try:
        os.kill(pid_number, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # it exists, as another user's process (whose /proc entry may be hidden)
    stat = _stat(pid_number)
    if stat is None:
        return False
    state, now_started = stat
    return now_started != started or state in {"Z", "X"}  # the pid reused since, or a zombie


# --- The sweep.


@dataclass(frozen=True)
class Recovered:
    id: str
    task_path: str
    why: str  # "worker gone" | "lease expired"
    failed: bool  # given up on (MAX_ATTEMPTS) rather than put back


def stale_after() -> timedelta | None:
    seconds = settings.TASKS_STALE_AFTER_SECONDS
    return timedelta(seconds=seconds) if seconds > 0 else None


def requeue_lost(*, backend_name: str | None = None, now: datetime | None = None) -> list[Recovered]:
    """Put back in the queue every RUNNING task whose worker is provably gone or whose
    lease expired; returns what was done."""
    now = now or timezone.now()
    lease = stale_after()
    running = DBTaskResult.objects.running()
    if backend_name is not None:
        running = running.filter(backend_name=backend_name)
    done = []
    rows = running.values_list("id", "task_path", "worker_ids", "started_at")
    for pk, task_path, workers, started_at in rows:
        if workers and provably_dead(workers[-1]):
            why = "worker gone"
        elif lease is not None and started_at is not None and started_at < now - lease:
            why = "lease expired"
        else:
            continue
        claim = DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING, started_at=started_at)
        give_up = len(workers) >= MAX_ATTEMPTS
        if give_up:
            changed = claim.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=f"{WorkerLost.__qualname__}: {len(workers)} workers claimed it and "
                f"none finished it ({why}); workers: {', '.join(workers)}",
            )
        else:
            changed = claim.update(status=TaskResultStatus.READY)
        if changed:
            done.append(Recovered(id=str(pk), task_path=task_path, why=why, failed=give_up))
            log.warning(
                "task %s (%s) %s: %s, after %d attempt(s)",
                pk,
                task_path,
                "given up" if give_up else "put back in the queue",
                why,
                len(workers),
            )
    return done


class Sweeper(threading.Thread):
    """Sweeps every ``SWEEP_SECONDS`` beside a long-running worker, on its own connection.
    A thread, because the worker's loop (django-tasks-db's) has no hook, and an idle worker
    is the very one that should pick up a lost task."""

    def __init__(self, *, backend_name: str) -> None:
        super().__init__(name="masthead-task-sweeper", daemon=True)
        self.backend_name = backend_name
        self.stopped = threading.Event()
        lease = stale_after()
        self.period = min(SWEEP_SECONDS, lease.total_seconds() / 2) if lease else SWEEP_SECONDS

    def run(self) -> None:
        while not self.stopped.wait(self.period):
            try:
                close_old_connections()
                requeue_lost(backend_name=self.backend_name)
            except Exception:  # a database blip: the next sweep tries again
                log.exception("sweeping lost tasks failed")
            finally:
                connections.close_all()  # this thread's connections only

    def stop(self) -> None:
        self.stopped.set()
