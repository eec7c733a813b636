from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "masthead.community"
    label = "community"
    verbose_name = "Community: follows and notifications"

    def ready(self) -> None:
        from masthead.accounts.signals import reader_deleting
        from masthead.community import checks, privacy, receivers  # noqa: F401 (privacy registers, checks register)

        reader_deleting.connect(receivers.on_reader_deleting, dispatch_uid="masthead.community.erase")
        receivers.connect_comments()
