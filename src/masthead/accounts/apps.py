from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "masthead.accounts"
    label = "accounts"
    verbose_name = "Readers and staff"

    def ready(self) -> None:
        from masthead.accounts import privacy, receivers, roles  # noqa: F401 (privacy registers sections)

        post_migrate.connect(roles.sync_role_groups, dispatch_uid="masthead.roles")
        user_logged_in.connect(receivers.on_user_logged_in, dispatch_uid="masthead.accounts.sign_in")
