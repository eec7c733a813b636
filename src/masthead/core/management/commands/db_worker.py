"""``masthead db_worker``: django-tasks-db's worker, which also runs again the tasks of
workers that died (``core/tasks_recovery.py``).

The same command and options as the library's; two differences. Its worker id names the
machine, the process and when it started, so the next worker started here can prove the
last one is gone. And it sweeps for lost tasks before its first claim, and every minute
after in a thread beside the worker's loop (``--batch`` runs sweep once, at start).
"""

from django_tasks_db.management.commands import db_worker

from masthead.core import tasks_recovery


class Command(db_worker.Command):
    help = "Run a database background worker; RUNNING tasks whose worker died are run again."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(worker_id=tasks_recovery.worker_id())

    def handle(self, *args, backend_name: str, batch: bool, **options) -> None:
        tasks_recovery.requeue_lost(backend_name=backend_name)
        sweeper = None
        if not batch:
            sweeper = tasks_recovery.Sweeper(backend_name=backend_name)
            sweeper.start()
        try:
            super().handle(*args, backend_name=backend_name, batch=batch, **options)
        finally:
            if sweeper is not None:
                sweeper.stop()
