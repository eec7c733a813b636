from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "masthead.moderation"
    label = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from masthead.moderation import checks, config, warm  # noqa: F401 (checks register themselves)

        config.connect_signals()
        warm.connect()
