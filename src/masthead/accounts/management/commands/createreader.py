from django.core.management.base import BaseCommand, CommandError

from masthead.accounts.roles import ROLES
from masthead.accounts.services import reader_create
from masthead.core.errors import MastheadError


class Command(BaseCommand):
    help = "Create a reader account (or moderator, editor, admin)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", choices=ROLES, default="reader")
        parser.add_argument(
            "--verified",
            action="store_true",
            help="Mark the email address as confirmed (no confirmation mail is sent).",
        )

    def handle(self, *args, username, email, password, role, verified, **options):
        try:
            reader = reader_create(
                username=username, email=email, password=password, role=role, email_verified=verified
            )
        except MastheadError as exc:
            raise CommandError(exc.message) from exc
        state = "verified" if verified else "unverified"
        self.stdout.write(f"Created {role} {reader.username} <{reader.email}> ({state} email).")
