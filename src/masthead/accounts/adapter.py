"""How allauth behaves on this site: our username rules, queued mail, no address leaks."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest

from masthead.accounts import selectors
from masthead.accounts.tasks import email_enqueue


class AccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username: str, shallow: bool = False) -> str:
        username = super().clean_username(username, shallow=shallow)
        # A deleted reader's name stays theirs: nobody may sign up to pass as them.
        if not shallow and selectors.username_is_retired(username):
            raise self.validation_error("username_taken")
        return username

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render now (the request is at hand), deliver from the task queue."""
        request = allauth_context.request
        ctx = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
        }
        ctx.update(context)
        email_enqueue(self.render_mail(template_prefix, email, ctx))

    def send_confirmation_mail(self, request: HttpRequest, emailconfirmation, signup: bool) -> None:
        address = emailconfirmation.email_address
        taken = (
            EmailAddress.objects.filter(email__iexact=address.email, verified=True)
            .exclude(user_id=address.user_id)
            .exists()
        )
        if taken:
            # Enumeration prevention let a second account name an address somebody already
            # confirmed. That account can never be confirmed, so tell the owner instead.
            self.send_account_already_exists_mail(address.email)
            return
        super().send_confirmation_mail(request, emailconfirmation, signup)
