"""Who follows and ignores whom, and what each reader is told about it.

Comments are referred to by id only (``comment_id``), never by a foreign key: the
community app reads the conversation through the comments app's own code
(``community.sources``), and a notification about a comment that later goes simply stops
being shown (``selectors``).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from masthead.community.kinds import Channel, Kind


class Follow(models.Model):
    """``follower`` follows ``followed``: their comments reach the follower's feed and bell."""

    follower = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    followed = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # (followed, follower): also the index the fan-out walks a reader's followers by.
            models.UniqueConstraint(fields=["followed", "follower"], name="community_follow_once"),
            models.CheckConstraint(condition=~Q(follower=F("followed")), name="community_follow_not_self"),
        ]
        indexes = [
            # Keyset pages of a reader's followers and of whom they follow, newest first.
            models.Index(fields=["followed", "-created_at", "-id"], name="community_followers_idx"),
            models.Index(fields=["follower", "-created_at", "-id"], name="community_following_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.followed_id}"


class Ignore(models.Model):
    """``reader`` ignores ``ignored``: their comments and notifications disappear for the
    reader. The ignored reader is never told."""

    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ignored = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reader", "ignored"], name="community_ignore_once"),
            models.CheckConstraint(condition=~Q(reader=F("ignored")), name="community_ignore_not_self"),
        ]
        # The fan-out asks "which of these recipients ignore this actor?"
        indexes = [models.Index(fields=["ignored", "reader"], name="community_ignored_by_idx")]

    def __str__(self) -> str:
        return f"{self.reader_id} ignores {self.ignored_id}"


class CommunityProfile(models.Model):
    """A reader's community privacy options; a reader without a row has the defaults."""

    reader = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    followers_private = models.BooleanField(
        default=False, help_text="Only the reader sees who follows them (the count stays public)."
    )
    accepts_followers = models.BooleanField(
        default=True, help_text="Off: nobody can follow the reader (current followers are removed)."
    )

    def __str__(self) -> str:
        return f"Community options of {self.reader_id}"


class NotificationSetting(models.Model):
    """One reader's channel for one kind, where it differs from the default."""

    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    channel = models.CharField(max_length=12, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reader", "kind"], name="community_setting_once"),
        ]

    def __str__(self) -> str:
        return f"{self.reader_id}: {self.kind} → {self.channel}"


class Notification(models.Model):
    """One thing a reader is told about, once.

    ``source`` names what it is about ("comment:42", "reader:7"); with the recipient and the
    kind it is unique, so a fan-out task that runs twice, or a reader who follows, unfollows
    and follows again, notifies nobody twice. A batched kind (reactions) is one row per
    comment whose ``count`` and ``created_at`` move on as more readers react.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    source = models.CharField(max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    article = models.ForeignKey(
        "newsroom.Article", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment_id = models.BigIntegerField(null=True, blank=True)
    count = models.PositiveIntegerField(default=1, help_text="How many readers (batched kinds).")
    data = models.JSONField(default=dict, blank=True, help_text="Excerpt, reason: what the text shows.")
    delivery = models.CharField(
        max_length=12, choices=Channel.choices, default=Channel.IN_APP, help_text="As chosen when created."
    )
    created_at = models.DateTimeField(default=timezone.now, help_text="When its latest news came.")
    read_at = models.DateTimeField(null=True, blank=True)
    email_pending = models.BooleanField(
        default=False, help_text="Waiting to be emailed (now or in a digest)."
    )
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "source"], name="community_notify_once"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="community_notif_list_idx"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="community_notif_unread_idx"
            ),
            models.Index(
                fields=["delivery", "recipient"],
                condition=Q(email_pending=True),
                name="community_notif_email_idx",
            ),
            models.Index(fields=["comment_id"], name="community_notif_comment_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id} ({self.source})"

    @property
    def read(self) -> bool:
        return self.read_at is not None


class Digest(models.Model):
    """A daily digest sent to a reader: one per reader and day, so a rerun sends nothing."""

    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(help_text="The day it belongs to, in TIME_ZONE.")
    notification_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "-id"]
        constraints = [models.UniqueConstraint(fields=["reader", "day"], name="community_digest_once")]

    def __str__(self) -> str:
        return f"Digest for {self.reader_id} on {self.day}"
