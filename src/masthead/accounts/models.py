from django.contrib.auth.models import AbstractUser
from django.db import models


class Reader(AbstractUser):
    """Everyone with an account: readers, moderators, editors, admins (roles are groups)."""

    display_name = models.CharField(max_length=60, blank=True)
    bio = models.CharField(max_length=280, blank=True)

    class Meta:
        verbose_name = "reader"
        verbose_name_plural = "readers"

    def __str__(self) -> str:
        return self.username

    @property
    def public_name(self) -> str:
        return self.display_name or self.username
