"""What moderators set: the site-wide settings and per-section / per-article modes.

The pipeline never reads these rows per comment: ``config.current()`` keeps a compiled
snapshot per process, rebuilt when the settings change (see ``config.py``).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

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
        row, _ = cls.objects.get_or_create(pk=cls.SINGLETON_ID)
        return row


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
