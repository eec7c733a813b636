"""The conversation under every article: threads, comments, reactions, reports.

Counters readers see on every page (an article's comment count, a comment's replies and
reactions) are stored on the rows and kept right by the services in the same transaction
as the change (``F()`` updates), so no page ever counts rows to show them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from masthead.core.idempotency import IdempotentModel, idempotency_constraint
from masthead.newsroom.models import Article


class Thread(models.Model):
    """An article's conversation: its counters and when it closes.

    Created with the article's first comment (``services.thread_for``); an article without
    one simply has no comments yet.
    """

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="comment_thread")
    comment_count = models.PositiveIntegerField(
        default=0, help_text="Published comments and replies that are not deleted."
    )
    closes_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=(
            "Close the comments at this moment instead of the usual number of days after "
            "publication (later to keep a conversation open, earlier to close it sooner). "
            "Turning comments off on the article closes them whatever this says."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "comment thread"

    def __str__(self) -> str:
        return f"Comments on {self.article}"


class Comment(IdempotentModel):
    class Status(models.TextChoices):
        PUBLISHED = "published", "Published"
        PENDING = "pending", "Awaiting moderation"
        REJECTED = "rejected", "Rejected"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    depth = models.PositiveSmallIntegerField(default=0, help_text="0 for a top-level comment.")
    # The ids of every ancestor, top-level first, "12/40/" (empty at the top): a permalink
    # fetches the whole chain in one query, however deep the reply.
    path = models.TextField(blank=True, default="", editable=False)
    body = models.TextField(blank=True, help_text="What the reader wrote (Markdown subset).")
    body_html = models.TextField(blank=True, editable=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PUBLISHED)
    moderation_reason = models.CharField(max_length=500, blank=True)
    moderation_data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.CharField(
        max_length=12, blank=True, help_text="author, moderator or erasure (the account was deleted)."
    )
    featured_at = models.DateTimeField(null=True, blank=True)
    reaction_count = models.PositiveIntegerField(default=0)
    reply_count = models.PositiveIntegerField(default=0, help_text="Published direct replies.")
    report_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # Keyset pages of an article's top-level comments, per sort.
            models.Index(
                fields=["article", "status", "created_at", "id"],
                condition=Q(parent__isnull=True),
                name="comment_toplevel_time_idx",
            ),
            models.Index(
                fields=["article", "status", "-reaction_count", "-id"],
                condition=Q(parent__isnull=True),
                name="comment_toplevel_top_idx",
            ),
            models.Index(
                fields=["article", "-featured_at", "-id"],
                condition=Q(featured_at__isnull=False),
                name="comment_featured_idx",
            ),
            # A comment's replies, oldest first (and the first few of many at once).
            models.Index(fields=["parent", "status", "created_at", "id"], name="comment_replies_idx"),
            # A reader's comments, newest first (profiles, counts, export).
            models.Index(fields=["author", "status", "-created_at", "-id"], name="comment_author_idx"),
        ]
        constraints = [idempotency_constraint("author", name="comment_idempotency_key_unique")]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.article_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def featured(self) -> bool:
        return self.featured_at is not None

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.split("/") if part]

    @property
    def root_id(self) -> int:
        ancestors = self.ancestor_ids
        return ancestors[0] if ancestors else self.pk

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}?comment={self.pk}#comment-{self.pk}"


class Reaction(models.Model):
    """One reader's reaction to one comment (one kind: "Respect", label configurable)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reactions")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "reader"], name="reaction_once")]
        indexes = [models.Index(fields=["reader", "comment"], name="reaction_reader_idx")]

    def __str__(self) -> str:
        return f"{self.reader_id} → comment {self.comment_id}"


class Report(models.Model):
    """A reader telling the moderators a comment breaks the rules; one per reader and comment."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Abuse, harassment or hate"
        OFF_TOPIC = "off_topic", "Off-topic"
        MISINFORMATION = "misinformation", "Misinformation"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reader"], condition=Q(reader__isnull=False), name="report_once"
            )
        ]
        indexes = [models.Index(fields=["reader", "-created_at"], name="report_reader_idx")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on comment {self.comment_id}"
