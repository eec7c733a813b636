from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "masthead.comments"
    label = "comments"
    verbose_name = "Comments"

    def ready(self) -> None:
        from masthead.accounts.signals import reader_deleting
        from masthead.comments import badges, privacy, services  # noqa: F401 (privacy registers sections)
        from masthead.core.badges import register_badge_provider

        register_badge_provider(badges.staff_badges, changed_by=badges.staff_changed_by())
        register_badge_provider(badges.author_badges, changed_by=badges.author_changed_by())
        reader_deleting.connect(services.on_reader_deleting, dispatch_uid="masthead.comments.erase")
