from django.apps import AppConfig


class MembershipConfig(AppConfig):
    name = "masthead.membership"
    label = "membership"
    verbose_name = "Reader revenue"

    def ready(self) -> None:
        from masthead.accounts.signals import reader_deleting
        from masthead.core.badges import register_badge_provider
        from masthead.membership import checks, privacy, receivers, selectors  # noqa: F401 (registering)

        register_badge_provider(selectors.supporter_badges)
        reader_deleting.connect(receivers.on_reader_deleting, dispatch_uid="masthead.membership.erase")
