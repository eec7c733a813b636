from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from masthead.accounts.validators import USERNAME_MAX_LENGTH, validate_username


class Reader(AbstractUser):
    """Everyone with an account: readers, moderators, editors, admins (roles are groups).

    The username is the public handle and never changes once chosen; the display name is
    what other readers see beside comments. Email, sign-in records and IP addresses are
    private to the reader and staff.
    """

    username = models.CharField(
        "username",
        max_length=USERNAME_MAX_LENGTH,
        unique=True,
        validators=[validate_username],
        help_text="3 to 30 letters, digits or underscores. It cannot be changed later.",
        error_messages={"unique": "That username is taken."},
    )
    display_name = models.CharField(max_length=60, blank=True)
    bio = models.CharField(max_length=280, blank=True)
    # Sanctions, set by moderation services (accounts.services.reader_suspend/_ban/_reinstate)
    # and checked by every service that lets a reader write (selectors.reader_can_post).
    suspended_until = models.DateTimeField(null=True, blank=True)
    banned_at = models.DateTimeField(null=True, blank=True)
    sanction_message = models.CharField(
        max_length=500, blank=True, help_text="Shown to the reader while suspended or banned."
    )

    class Meta:
        verbose_name = "reader"
        verbose_name_plural = "readers"
        constraints = [
            # "Rita" and "rita" are one name: nobody may shadow another reader by case.
            models.UniqueConstraint(
                Lower("username"),
                name="accounts_reader_username_ci_unique",
                violation_error_message="That username is taken.",
            ),
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    @property
    def is_banned(self) -> bool:
        return self.banned_at is not None

    @property
    def is_suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > timezone.now()


class PersonalAccessToken(models.Model):
    """A named credential for the API (`Authorization: Bearer …`).

    Only a SHA-256 digest of the secret is stored, so a leaked database does not leak
    working tokens; the visible ``prefix`` lets a reader tell their tokens apart.
    """

    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(max_length=60)
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "personal access token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class SignIn(models.Model):
    """One successful sign-in, kept so a reader can spot one that was not theirs.

    Only the most recent few per reader are kept (accounts.services.SIGN_IN_HISTORY).
    """

    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_ins")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "sign-in"

    def __str__(self) -> str:
        return f"{self.reader_id} at {self.at:%Y-%m-%d %H:%M}"


class RetiredUsername(models.Model):
    """The username of a deleted account, kept so nobody can sign up as them.

    Only a SHA-256 digest of the case-folded name is stored: enough to refuse it, nothing
    to read back. An admin can release a name by deleting its row (admin: type the name).
    """

    digest = models.CharField(max_length=64, unique=True)
    retired_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "retired username"

    def __str__(self) -> str:
        return f"retired {self.retired_at:%Y-%m-%d} ({self.digest[:10]}…)"
