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
        self._forget_tokens_on_change()

    def _forget_tokens_on_change(self) -> None:
        """Checked tokens are remembered per worker (accounts.tokens): forgotten when a
        reader, a token or an email address changes."""
        from allauth.account.models import EmailAddress
        from django.db.models.signals import post_delete, post_save

        from masthead.accounts import tokens
        from masthead.accounts.models import PersonalAccessToken, Reader

        for model in (Reader, PersonalAccessToken, EmailAddress):
            uid = f"masthead.accounts.tokens:{model._meta.label}"
            post_save.connect(tokens.on_change, sender=model, dispatch_uid=uid + ":save")
            post_delete.connect(tokens.on_change, sender=model, dispatch_uid=uid + ":delete")
