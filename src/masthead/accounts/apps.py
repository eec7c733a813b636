from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "masthead.accounts"
    label = "accounts"
    verbose_name = "Readers and staff"

    def ready(self) -> None:
        from masthead.accounts import roles

        post_migrate.connect(roles.sync_role_groups, dispatch_uid="masthead.roles")
