from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

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
        parser.add_argument(
            "--premium",
            action="store_true",
            help="Give the reader a complimentary Premium membership (no payment, no end date).",
        )

    @transaction.atomic
    def handle(self, *args, username, email, password, role, verified, premium=False, **options):
        try:
            reader = reader_create(
                username=username, email=email, password=password, role=role, email_verified=verified
            )
        except MastheadError as exc:
            raise CommandError(exc.message) from exc
        if premium:
            from masthead.membership.services import membership_grant_complimentary

            membership_grant_complimentary(reader=reader, reason="createreader --premium")
        state = "verified" if verified else "unverified"
        extra = ", complimentary Premium" if premium else ""
        self.stdout.write(f"Created {role} {reader.username} <{reader.email}> ({state} email{extra}).")
