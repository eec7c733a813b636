from django.apps import AppConfig


class MembershipConfig(AppConfig):
    name = "masthead.membership"
    label = "membership"
    verbose_name = "Reader revenue"

    def ready(self) -> None:
        from masthead.accounts.signals import reader_deleting
        from masthead.core.badges import register_badge_provider
        from masthead.membership import checks, privacy, receivers, selectors  # noqa: F401 (registering)
        from masthead.membership.models import Payment, Subscription, Supporter

        register_badge_provider(selectors.supporter_badges, changed_by=[Supporter, Subscription, Payment])
        reader_deleting.connect(receivers.on_reader_deleting, dispatch_uid="masthead.membership.erase")
