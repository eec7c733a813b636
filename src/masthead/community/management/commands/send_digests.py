"""`masthead send_digests`: queue today's daily notification digests (run it from cron)."""

from django.core.management.base import BaseCommand

from masthead.community import tasks


class Command(BaseCommand):
    help = (
        "Queue the daily notification digests (once a day, e.g. from cron). "
        "Running it twice sends nothing twice."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--now", action="store_true", help="Send in this process instead of queueing for the workers."
        )

    def handle(self, *args, now: bool = False, **options) -> None:
        if now:
            sent = tasks.daily_digests(inline=True)
            self.stdout.write(f"Daily digests: {sent} sent.")
        else:
            result = tasks.send_daily_digests.enqueue()
            self.stdout.write(f"Daily digests queued (task {result.id}).")
