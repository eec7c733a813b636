from django.core.management.base import BaseCommand, CommandError

from masthead.accounts.models import Reader
from masthead.accounts.services import token_create
from masthead.core.errors import MastheadError


class Command(BaseCommand):
    help = "Print a new personal access token for a reader (it is shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--name", default="Command line", help="What the token is for (default: %(default)s)."
        )

    def handle(self, *args, username, name, **options):
        reader = Reader.objects.filter(username__iexact=username, is_active=True).first()
        if reader is None:
            raise CommandError(f"No active reader called {username!r}.")
        try:
            token, raw = token_create(reader=reader, name=name)
        except MastheadError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(raw)
        self.stderr.write(f"Token {token.prefix}… ({token.name}) for {reader.username}; store it now.")
