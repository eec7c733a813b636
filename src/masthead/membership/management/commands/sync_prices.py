from django.core.management.base import BaseCommand, CommandError

from masthead.membership.money import format_money
from masthead.membership.providers.base import ProviderError
from masthead.membership.services import prices_sync


class Command(BaseCommand):
    help = (
        "Make sure the payment provider has a recurring price for each Premium plan (monthly, "
        "yearly; amounts and currency from settings) and remember their ids. Safe to run again."
    )

    def handle(self, *args, **options):
        try:
            results = prices_sync()
        except ProviderError as exc:
            raise CommandError(f"The payment provider refused: {exc}") from exc
        for row, created in results:
            state = "created" if created else "found"
            amount = format_money(row.amount_minor, row.currency)
            self.stdout.write(f"{row.plan:8} {amount:>10} at {row.provider}: {row.price_id} ({state})")
