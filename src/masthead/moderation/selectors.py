"""Every read for moderators: settings and modes, the queues, a reader's record, the log.

Each selector checks who is asking (``require_moderator``) before it reads, so no view or
API handler can forget to. The metrics are in ``metrics.py``.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.fields.json import KT
from django.utils import timezone

from masthead.accounts.roles import EDITOR
from masthead.accounts.selectors import reader_standing
from masthead.comments.models import Comment, Report
from masthead.comments.selectors import viewer_is_moderator
from masthead.core.errors import MastheadError, NotFound
from masthead.core.models import AuditLogEntry
from masthead.core.pagination import Page, keyset_page
from masthead.moderation import config, reports, rules, scorers
from masthead.moderation.models import (
    ArticleModeration,
    CommentReview,
    ModerationSettings,
    ReaderWarning,
    ReporterRecord,
    SectionModeration,
)


def is_moderator(user) -> bool:
    """Moderators and admins (remembered on the user: one query per request at most)."""
    return viewer_is_moderator(user)


def require_moderator(user) -> None:
    if not getattr(user, "is_authenticated", False):
        raise MastheadError("not_authenticated", "Sign in to moderate.", 401)
    if not is_moderator(user):
        raise MastheadError("forbidden", "Only moderators can do that.", 403)


def can_see_metrics(user) -> bool:
    """Moderators, editors and admins: the editors watch how moderation is going."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_moderator(user):
        return True
    return user.groups.filter(name=EDITOR).exists()


def require_metrics_viewer(user) -> None:
    if not getattr(user, "is_authenticated", False):
        raise MastheadError("not_authenticated", "Sign in to see the moderation metrics.", 401)
    if not can_see_metrics(user):
        raise MastheadError("forbidden", "Only moderators and editors see the moderation metrics.", 403)


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def moderation_settings(*, viewer) -> dict:
    """The settings as moderators see and edit them (403 for anyone else)."""
    require_moderator(viewer)
    row = ModerationSettings.read()
    return {
        "mode": row.mode,
        "banned_words": _lines(row.banned_words),
        "suspect_words": _lines(row.suspect_words),
        "allowed_words": _lines(row.allowed_words),
        "link_policy": row.link_policy,
        "link_allowlist": _lines(row.link_allowlist),
        "toxicity_threshold": row.toxicity_threshold,
        "new_reader_count": row.new_reader_count,
        "new_reader_probation_days": row.new_reader_probation_days,
        "rejection_rate_threshold": row.rejection_rate_threshold,
        "rejection_rate_min_comments": row.rejection_rate_min_comments,
        "report_threshold": row.report_threshold,
        "section_modes": dict(
            SectionModeration.objects.select_related("section")
            .order_by("section__position", "section__name")
            .values_list("section__slug", "mode")
        ),
        "article_modes": dict(
            ArticleModeration.objects.select_related("article")
            .order_by("-updated_at", "-id")
            .values_list("article__slug", "mode")
        ),
        "scorer": getattr(scorers.get_scorer(), "name", "none"),
        "updated_at": row.updated_at,
    }


def moderation_mode(article) -> str:
    """``post``, ``pre`` or ``closed`` for this article (its own, else section's, else site's)."""
    return config.current().mode_for(article_id=article.pk, section_id=article.section_id)


def comments_closed_by_moderation(article) -> bool:
    """Moderators closed this article's comments (or its section's, or the whole site's)."""
    return moderation_mode(article) == config.CLOSED


# --- The queues.

PENDING, REPORTED, REJECTED, APPROVED = "pending", "reported", "rejected", "approved"
QUEUES = (PENDING, REPORTED, REJECTED, APPROVED)
QUEUE_LABELS = {
    PENDING: "Pending",
    REPORTED: "Reported",
    REJECTED: "Rejected",
    APPROVED: "Recently approved",
}
# Pending: whoever has waited longest first. Reported: the heaviest reports first (the
# report count, weighed). Rejected: the newest. Approved: the latest decisions.
QUEUE_ORDER = {
    PENDING: ("created_at", "id"),
    REPORTED: ("-moderation_review__report_weight", "-id"),
    REJECTED: ("-created_at", "-id"),
    APPROVED: ("-moderation_review__decided_at", "-id"),
}
# The counts in the navigation: the queues a moderator clears.
COUNTED = (PENDING, REPORTED)
COUNTS_KEY = "moderation:queue-counts"
COUNTS_SECONDS = 5


def rule_names() -> list[str]:
    """What the rule filter accepts: every registered rule, and "mode" (pre-moderation)."""
    return ["mode", *rules.RULES]


def _queue_rows(queue: str) -> QuerySet:
    live = Comment.objects.filter(deleted_at__isnull=True)
    if queue == PENDING:
        return live.filter(status=Comment.Status.PENDING)
    if queue == REPORTED:
        return live.filter(status=Comment.Status.PUBLISHED, moderation_review__reported_at__isnull=False)
    if queue == REJECTED:
        return live.filter(status=Comment.Status.REJECTED)
    if queue == APPROVED:
        return live.filter(
            status=Comment.Status.PUBLISHED,
            moderation_review__decision=CommentReview.Decision.APPROVED,
        )
    raise NotFound(f"No queue called {queue!r}: {', '.join(QUEUES)}.")


def _invalid(field: str, message: str) -> MastheadError:
    return MastheadError("validation_error", message, 422, fields={field: [message]})


@dataclass(frozen=True)
class QueueFilters:
    article: str | None = None  # an article's slug
    section: str | None = None  # a section's slug
    rule: str | None = None  # a rule that fired (moderation_data["rules"])

    def __bool__(self) -> bool:
        return bool(self.article or self.section or self.rule)

    def apply(self, rows: QuerySet) -> QuerySet:
        if self.article:
            rows = rows.filter(article__slug=self.article)
        if self.section:
            rows = rows.filter(article__section__slug=self.section)
        if self.rule:
            if self.rule not in rule_names():
                raise _invalid("rule", f"One of {', '.join(rule_names())}.")
            # The stored list as JSON text ('["links", "toxicity"]' on PostgreSQL,
            # '["links","toxicity"]' on SQLite): a quoted name matches one element exactly.
            rules_text = KT("moderation_data__rules")
            rows = rows.annotate(_rules=rules_text).filter(_rules__contains=f'"{self.rule}"')
        return rows


def _cards(rows: QuerySet) -> QuerySet:
    return rows.select_related(
        "article", "article__section", "author", "parent", "parent__author", "moderation_review"
    )


def _attach_reports(comments: list[Comment]) -> None:
    """Each comment's open reports (``open_reports_list``), each with its reporter's current
    weight: two queries for the whole page."""
    for comment in comments:
        comment.open_reports_list = []
    if not comments:
        return
    by_id = {c.pk: c for c in comments}
    open_reports = list(
        Report.objects.filter(comment_id__in=by_id, resolved_at__isnull=True)
        .select_related("reader")
        .only("id", "comment_id", "reason", "note", "created_at", "reader__id", "reader__username")
        .order_by("-created_at", "-id")
    )
    reporter_ids = {x.reader_id for x in open_reports if x.reader_id}
    records = {r.reader_id: r for r in ReporterRecord.objects.filter(reader_id__in=reporter_ids)}
    for report in open_reports:
        record = records.get(report.reader_id)
        report.weight = (
            reports.report_weight(upheld=record.upheld, dismissed=record.dismissed) if record else 1.0
        )
        by_id[report.comment_id].open_reports_list.append(report)


def _review(comment: Comment) -> CommentReview | None:
    try:
        return comment.moderation_review
    except CommentReview.DoesNotExist:
        return None


def decorate_cards(comments: list[Comment]) -> list[Comment]:
    _attach_reports(comments)
    for comment in comments:
        comment.review = _review(comment)
        data = comment.moderation_data or {}
        comment.reasons = data.get("reasons") or []
        comment.rules = data.get("rules") or []
        comment.score = data.get("score")
    return comments


def moderation_queue(
    *,
    viewer,
    queue: str,
    filters: QueueFilters | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """A page of a queue, each comment with its article, parent, author, review and open
    reports: four queries whatever the page's size."""
    require_moderator(viewer)
    rows = (filters or QueueFilters()).apply(_queue_rows(queue))
    page = keyset_page(_cards(rows), order=QUEUE_ORDER[queue], cursor=cursor, limit=limit)
    decorate_cards(page.items)
    return page


def moderation_card(*, viewer, comment_id: int) -> Comment:
    """One comment as a moderator's card shows it (any status, deleted ones too)."""
    require_moderator(viewer)
    comment = _cards(Comment.objects.filter(pk=comment_id)).first()
    if comment is None:
        raise NotFound("No comment by that number.")
    return decorate_cards([comment])[0]


def queue_size(queue: str) -> int:
    """How many comments a queue holds now (no cache)."""
    return _queue_rows(queue).count()


def queue_counts(*, viewer, fresh: bool = False) -> dict[str, int]:
    """The counts in the navigation (pending, reported): kept for a few seconds in the shared
    cache, so every moderator's poll costs one cache read; a decision drops them at once."""
    require_moderator(viewer)
    counts = None if fresh else cache.get(COUNTS_KEY)
    if counts is None:
        counts = {queue: queue_size(queue) for queue in COUNTED}
        cache.set(COUNTS_KEY, counts, COUNTS_SECONDS)
    return counts


def forget_counts() -> None:
    cache.delete(COUNTS_KEY)


# --- A reader's record, for the card's "history" link.

SANCTION_ACTIONS = ("reader.warn", "reader.suspend", "reader.ban", "reader.reinstate")


def _reader(username: str):
    reader = get_user_model().objects.filter(username__iexact=username).first()
    if reader is None:
        raise NotFound("No reader by that name.")
    return reader


def reader_for_moderation(*, viewer, username: str):
    require_moderator(viewer)
    return _reader(username)


def reader_record(*, viewer, username: str) -> dict:
    """What a moderator weighs before a sanction: the reader's comments by outcome, their
    reports and how they fared, warnings and past sanctions, account age and standing."""
    require_moderator(viewer)
    reader = _reader(username)
    counts = Comment.objects.filter(author=reader).aggregate(
        published=Count("id", filter=Q(status=Comment.Status.PUBLISHED)),
        pending=Count("id", filter=Q(status=Comment.Status.PENDING)),
        rejected=Count("id", filter=Q(status=Comment.Status.REJECTED)),
        deleted_by_moderators=Count("id", filter=Q(deleted_by="moderator")),
        last_comment_at=Max("created_at"),
    )
    record = ReporterRecord.objects.filter(reader=reader).first()
    upheld, dismissed = (record.upheld, record.dismissed) if record else (0, 0)
    sanctions = list(
        AuditLogEntry.objects.filter(
            target_type=get_user_model()._meta.label_lower,
            target_id=str(reader.pk),
            action__in=SANCTION_ACTIONS,
        )
        .select_related("actor")
        .order_by("-at", "-id")[:20]
    )
    recent = list(
        Comment.objects.filter(author=reader)
        .select_related("article")
        .only(
            "id", "status", "body_html", "created_at", "deleted_at", "article__slug", "article__headline",
            "moderation_reason",
        )
        .order_by("-created_at", "-id")[:10]
    )  # fmt: skip
    return {
        "reader": reader,
        "username": reader.username,
        "display_name": reader.public_name,
        "joined_at": reader.date_joined,
        "account_age_days": (timezone.now() - reader.date_joined).days,
        "is_staff": reader.is_staff or reader.is_superuser,
        "standing": reader_standing(reader),
        "comments": counts,
        "reports": {
            "filed": Report.objects.filter(reader=reader).count(),
            "upheld": upheld,
            "dismissed": dismissed,
            "weight": reports.report_weight(upheld=upheld, dismissed=dismissed),
        },
        "warnings": list(ReaderWarning.objects.filter(reader=reader).select_related("moderator")[:20]),
        "sanctions": sanctions,
        "recent_comments": recent,
    }


# --- The moderation log: every moderator's action, from the audit log.

LOG_PREFIXES = ("comment.", "reader.", "moderation.", "thread.")
LOG_ORDER = ("-at", "-id")


@dataclass(frozen=True)
class LogFilters:
    action: str | None = None  # exact: "comment.reject"
    moderator: str | None = None  # a username
    reader: str | None = None  # entries about this reader (sanctions, warnings)
    comment: int | None = None  # entries about this comment

    def __bool__(self) -> bool:
        return bool(self.action or self.moderator or self.reader or self.comment)


def log_entries() -> QuerySet:
    about = Q()
    for prefix in LOG_PREFIXES:
        about |= Q(action__startswith=prefix)
    return AuditLogEntry.objects.filter(about).select_related("actor")


def moderation_log(
    *, viewer, filters: LogFilters | None = None, cursor: str | None = None, limit: int | None = None
) -> Page:
    """Who did what, when and why, newest first: decisions on comments, sanctions and
    warnings, settings and modes (the audit log's moderation entries)."""
    require_moderator(viewer)
    filters = filters or LogFilters()
    rows = log_entries()
    if filters.action:
        rows = rows.filter(action=filters.action)
    if filters.moderator:
        rows = rows.filter(actor__username__iexact=filters.moderator)
    if filters.reader:
        reader = get_user_model().objects.filter(username__iexact=filters.reader).only("id").first()
        target_id = str(reader.pk) if reader else ""
        rows = rows.filter(target_type=get_user_model()._meta.label_lower, target_id=target_id)
    if filters.comment:
        rows = rows.filter(target_type=Comment._meta.label_lower, target_id=str(filters.comment))
    return keyset_page(rows, order=LOG_ORDER, cursor=cursor, limit=limit)


def log_actions() -> list[str]:
    """The actions the log's filter offers (those that occurred)."""
    return sorted(set(log_entries().order_by().values_list("action", flat=True).distinct()))
