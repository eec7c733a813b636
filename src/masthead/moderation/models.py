"""What moderators set: the site-wide settings and per-section / per-article modes.

The pipeline never reads these rows per comment: ``config.current()`` keeps a compiled
snapshot per process, rebuilt when the settings change (see ``config.py``).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from masthead.comments.models import Comment
from masthead.core.models import BaseModel
from masthead.moderation import defaults
from masthead.newsroom.models import Article, Section


class Mode(models.TextChoices):
    POST = "post", "Post-moderation: publish, moderators review afterwards"
    PRE = "pre", "Pre-moderation: every comment waits for a moderator"
    CLOSED = "closed", "Closed: no new comments"


class LinkPolicy(models.TextChoices):
    ALLOWLIST = "allowlist", "Hold comments linking outside the allow-list"
    HOLD_ALL = "hold_all", "Hold every comment with a link"
    ALLOW_ALL = "allow_all", "Never hold a comment for its links"


class ModerationSettings(BaseModel):
    """The one row of site-wide moderation settings (``ModerationSettings.load()``)."""

    SINGLETON_ID = 1

    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.POST)
    banned_words = models.TextField(
        blank=True,
        default=defaults.banned_words,
        help_text="One word or phrase per line: a comment containing one is rejected and the "
        "reader told which. End a term with * to match every word it begins.",
    )
    suspect_words = models.TextField(
        blank=True,
        default=defaults.suspect_words,
        help_text="One word or phrase per line: a comment containing one waits for a moderator.",
    )
    allowed_words = models.TextField(
        blank=True,
        default=defaults.allowed_words,
        help_text="Mild swearing the house style accepts: the toxicity scorer rates comments as if "
        "these words were not there. One per line.",
    )
    link_policy = models.CharField(max_length=10, choices=LinkPolicy.choices, default=LinkPolicy.ALLOWLIST)
    link_allowlist = models.TextField(
        blank=True,
        default=defaults.allowed_domains,
        help_text="One domain per line; its subdomains are allowed too. The site's own is always allowed.",
    )
    toxicity_threshold = models.FloatField(
        default=0.8,
        validators=[MinValueValidator(0.01), MaxValueValidator(1.0)],
        help_text="A comment the toxicity scorer rates at or above this (0 to 1) is held, after one "
        "chance to revise it.",
    )
    new_reader_count = models.PositiveSmallIntegerField(
        default=2,
        validators=[MaxValueValidator(100)],
        help_text="A reader's comments wait for a moderator until this many were approved (0: off).",
    )
    new_reader_probation_days = models.PositiveSmallIntegerField(
        default=7,
        validators=[MaxValueValidator(365)],
        help_text="A reader with a comment rejected in the last this many days is moderated as new.",
    )
    rejection_rate_threshold = models.FloatField(
        default=0.5,
        validators=[MinValueValidator(0.01), MaxValueValidator(1.0)],
        help_text="A reader whose recent comments were rejected at this rate or more is held.",
    )
    rejection_rate_min_comments = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="The rejection rate counts only once a reader has this many recent decided comments.",
    )
    report_threshold = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="A published comment goes to the reported queue once its reports weigh this much "
        "(one report from a reader in good standing weighs 1). It stays visible meanwhile.",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "moderation settings"
        verbose_name_plural = "moderation settings"

    def __str__(self) -> str:
        return "Moderation settings"

    @classmethod
    def load(cls) -> "ModerationSettings":
        """The row, created with the defaults if there is none yet (for writes)."""
        row, _ = cls.objects.get_or_create(pk=cls.SINGLETON_ID)
        return row

    @classmethod
    def read(cls) -> "ModerationSettings":
        """The row, or the defaults unsaved (for reads: a read never writes)."""
        return cls.objects.filter(pk=cls.SINGLETON_ID).first() or cls(pk=cls.SINGLETON_ID)


class SectionModeration(BaseModel):
    """A section's own moderation mode (no row: the site's)."""

    section = models.OneToOneField(Section, on_delete=models.CASCADE, related_name="moderation")
    mode = models.CharField(max_length=8, choices=Mode.choices)

    class Meta:
        verbose_name = "section moderation mode"

    def __str__(self) -> str:
        return f"{self.section}: {self.mode}"


class ArticleModeration(BaseModel):
    """An article's own moderation mode (no row: its section's, else the site's)."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="moderation")
    mode = models.CharField(max_length=8, choices=Mode.choices)

    class Meta:
        verbose_name = "article moderation mode"

    def __str__(self) -> str:
        return f"{self.article}: {self.mode}"


# --- What the moderators' desk keeps about comments and readers.


class CommentReview(models.Model):
    """A comment's standing with the moderators: its open reports (weighted), whether it sits
    in the reported queue, and the latest moderator's decision on it.

    Created on the first report or the first decision; a comment without one was never
    reported nor decided by a person. Written only by ``moderation.services``.
    """

    class Decision(models.TextChoices):
        NONE = "", "Not decided by a moderator"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    comment = models.OneToOneField(
        Comment, on_delete=models.CASCADE, primary_key=True, related_name="moderation_review"
    )
    open_reports = models.PositiveIntegerField(default=0, help_text="Reports since the last decision.")
    report_weight = models.FloatField(
        default=0.0, help_text="Those reports' weights summed (a reporter in good standing counts 1)."
    )
    reported_at = models.DateTimeField(
        null=True, blank=True, help_text="When the reports crossed the threshold; empty: not in the queue."
    )
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    wait_seconds = models.FloatField(
        null=True, blank=True, help_text="How long the latest decision kept the comment waiting."
    )

    class Meta:
        verbose_name = "comment review"
        indexes = [
            models.Index(
                fields=["-report_weight", "-comment"],
                condition=models.Q(reported_at__isnull=False),
                name="moderation_reported_idx",
            ),
            models.Index(
                fields=["decision", "-decided_at", "-comment"],
                condition=models.Q(decided_at__isnull=False),
                name="moderation_decided_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of comment {self.comment_id}"


class ReporterRecord(models.Model):
    """How a reader's past reports fared: ``upheld`` (the moderator rejected the comment) and
    ``dismissed`` (the moderator kept it). Their next reports weigh by it (``weight``)."""

    reader = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    upheld = models.PositiveIntegerField(default=0)
    dismissed = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "reporter record"

    def __str__(self) -> str:
        return f"{self.reader_id}: {self.upheld} upheld, {self.dismissed} dismissed"


class ReaderWarning(models.Model):
    """A moderator's warning to a reader: emailed to them, and part of their record."""

    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    message = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["reader", "-created_at"], name="moderation_warning_reader_idx")]

    def __str__(self) -> str:
        return f"Warning to {self.reader_id} at {self.created_at:%Y-%m-%d %H:%M}"


class QueueSnapshot(models.Model):
    """The queues' sizes at a moment (``tasks.snapshot_queues``): the metrics' "over time"."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    pending = models.PositiveIntegerField()
    reported = models.PositiveIntegerField()

    class Meta:
        ordering = ["-at"]
        get_latest_by = "at"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M}: {self.pending} pending, {self.reported} reported"
