from django.core.management.base import BaseCommand

from masthead.moderation.metrics import take_snapshot


class Command(BaseCommand):
    help = "Record the moderation queues' sizes now (for the editors' metrics; run from cron)."

    def handle(self, *args, **options):
        snapshot = take_snapshot()
        when = f"{snapshot.at:%Y-%m-%d %H:%M}"
        self.stdout.write(f"{when}: {snapshot.pending} pending, {snapshot.reported} reported")
