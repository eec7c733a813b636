from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from masthead.core.errors import MastheadError
from masthead.newsroom.demo.content import CITY, NEWSROOM_NAME
from masthead.newsroom.demo.loader import DemoSummary, demo_load


class Command(BaseCommand):
    help = (
        "Migrate the database, then load the demo newsroom (The Harbour Light, Porthaven) and its "
        "demo accounts. Safe to run again: it only updates what differs and never duplicates."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo even though SITE_URL names a public site (it creates staff accounts "
            "whose passwords are printed and public).",
        )

    def handle(self, *args, verbosity: int, force: bool = False, **options):
        host = urlsplit(settings.SITE_URL).hostname or ""
        if host not in {"127.0.0.1", "localhost", "::1"} and not force:
            raise CommandError(
                f"SITE_URL is {settings.SITE_URL}: this looks like a real site, and the demo creates "
                "an editor and a moderator with public passwords. Pass --force to load it anyway."
            )
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0), stdout=self.stdout)
        try:
            summary = demo_load()
        except MastheadError as exc:  # e.g. a demo username retired by an earlier erasure
            raise CommandError(f"Could not load the demo: {exc.message}") from exc
        if verbosity:
            self._report(summary)

    def _report(self, s: DemoSummary) -> None:
        out = self.stdout.write
        out(self.style.SUCCESS(f"{NEWSROOM_NAME}, the demo newsroom of {CITY}, is loaded."))
        out(f"  {s.sections} sections, {s.authors} authors, {s.tags} tags")
        out(
            f"  {s.published + s.scheduled + s.drafts} articles: {s.published} published "
            f"({s.top_stories} top stories, {s.live_stories} live with {s.live_updates} updates), "
            f"{s.scheduled} scheduled, {s.drafts} draft"
        )
        out(f"  {s.images} hero images ({s.images_drawn} drawn this run)")
        out(f"  This run: {s.articles_created} articles created, {s.articles_updated} updated.")
        if s.comments:
            unread = ", ".join(f"{name} {count}" for name, count in (s.notifications or {}).items() if count)
            out(
                f"  {s.comments} reader comments ({s.comments_posted} posted this run), {s.follows} follows; "
                f"unread notifications: {unread or 'none'}"
            )
        out("")
        out("Demo accounts (their passwords are public: use them on your own machine only)")
        rows = [("Account", "Username", "Password", "Role")]
        rows += [(a.label, a.username, a.password, a.role) for a in s.accounts]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for number, row in enumerate(rows):
            line = "  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            out(self.style.MIGRATE_HEADING(line.rstrip()) if number == 0 else line.rstrip())
        if s.voices:
            out("")
            out("Readers in the conversation (no password: sign in as jenny or howard to join in)")
            out("  " + ", ".join(f"{v.username} ({v.display_name})" for v in s.voices))
        out("")
        out(f"Site:   {settings.SITE_URL}/")
        out(f"Admin:  {settings.SITE_URL}/admin/  (sign in as the editor)")
