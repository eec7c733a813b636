"""``/api/v1/moderation/…``: the queues, decisions, sanctions, log, settings and metrics.

Moderators and admins only (403 ``forbidden`` for anyone else signed in); the metrics
also for editors. Every handler is one selector or service call: the permission checks,
validation and the audit log live there.
"""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from masthead.api.auth import reader_required
from masthead.comments.models import Comment
from masthead.moderation import metrics, selectors, services
from masthead.moderation.tasks import snapshot_soon

router = Router(tags=["moderation"])

Mode = Literal["post", "pre", "closed"]
InheritableMode = Literal["post", "pre", "closed", "inherit"]
LinkPolicy = Literal["allowlist", "hold_all", "allow_all"]
Queue = Literal["pending", "reported", "rejected", "approved"]


# --- Settings.


class SettingsOut(Schema):
    mode: Mode = Field(description="The site's mode; sections and articles may have their own.")
    banned_words: list[str] = Field(description="Words and phrases whose comments are rejected.")
    suspect_words: list[str] = Field(description="Words and phrases whose comments wait for a moderator.")
    allowed_words: list[str] = Field(description="Mild swearing the toxicity scorer ignores.")
    link_policy: LinkPolicy
    link_allowlist: list[str] = Field(description="Domains whose links do not hold a comment.")
    toxicity_threshold: float
    new_reader_count: int = Field(description="Comments pre-moderated until this many were approved.")
    new_reader_probation_days: int
    rejection_rate_threshold: float
    rejection_rate_min_comments: int
    report_threshold: int = Field(
        description="Reports (weighted: 1 from a reader in good standing) that send a published "
        "comment to the reported queue."
    )
    section_modes: dict[str, Mode] = Field(description="Sections with their own mode, by slug.")
    article_modes: dict[str, Mode] = Field(description="Articles with their own mode, by slug.")
    scorer: str = Field(description="The toxicity scorer in use (MODERATION_SCORER; not editable here).")
    updated_at: datetime | None = Field(description="When moderators last changed them (null: never).")


class SettingsIn(Schema):
    """Send only what changes; a list replaces the stored list whole."""

    mode: Mode | None = None
    banned_words: list[str] | None = Field(None, max_length=services.MAX_TERMS)
    suspect_words: list[str] | None = Field(None, max_length=services.MAX_TERMS)
    allowed_words: list[str] | None = Field(None, max_length=services.MAX_TERMS)
    link_policy: LinkPolicy | None = None
    link_allowlist: list[str] | None = Field(None, max_length=services.MAX_DOMAINS)
    toxicity_threshold: float | None = Field(None, ge=0.01, le=1.0)
    new_reader_count: int | None = Field(None, ge=0, le=100)
    new_reader_probation_days: int | None = Field(None, ge=0, le=365)
    rejection_rate_threshold: float | None = Field(None, ge=0.01, le=1.0)
    rejection_rate_min_comments: int | None = Field(None, ge=1, le=1000)
    report_threshold: int | None = Field(None, ge=1, le=100)
    section_modes: dict[str, InheritableMode] | None = Field(
        None, description="Section slug → mode, or inherit to follow the site's."
    )
    article_modes: dict[str, InheritableMode] | None = Field(
        None, description="Article slug → mode, or inherit to follow its section's (else the site's)."
    )


@router.get(
    "/moderation/settings",
    response=SettingsOut,
    auth=reader_required,
    summary="The moderation settings (moderators)",
)
def get_settings(request: HttpRequest):
    return selectors.moderation_settings(viewer=request.user)


@router.put(
    "/moderation/settings",
    response=SettingsOut,
    auth=reader_required,
    summary="Change moderation settings (moderators)",
    description="Partial: fields left out keep their value. Every change is written to the moderation log.",
)
def put_settings(request: HttpRequest, payload: SettingsIn):
    selectors.require_moderator(request.user)
    changes = payload.model_dump(exclude_none=True, exclude={"section_modes", "article_modes"})
    services.moderation_settings_update(
        actor=request.user,
        changes=changes,
        section_modes=payload.section_modes,
        article_modes=payload.article_modes,
    )
    return selectors.moderation_settings(viewer=request.user)


# --- The queues.


class ReasonOut(Schema):
    rule: str
    detail: str


class ModerationInfoOut(Schema):
    reason: str = Field(description="The sentence the author was shown, or the moderator's reason.")
    rules: list[str] = Field(description="The pipeline's rules that fired (filter a queue by one: ?rule=).")
    reasons: list[ReasonOut] = Field(description="What each rule found, for moderators.")
    score: float | None = Field(description="The toxicity score, when the scorer ran.")
    scorer: str | None
    mode: str | None = Field(description="The moderation mode the comment was posted under.")


class ReportItemOut(Schema):
    reason: Literal["spam", "abuse", "off_topic", "misinformation", "other"]
    note: str
    created_at: datetime
    reporter: str | None = Field(description="The reporting reader's username (null: account deleted).")
    weight: float = Field(description="What the report counts towards the threshold (0.1 to 1).")


class DecisionOut(Schema):
    decision: Literal["approved", "rejected"]
    decided_at: datetime
    decided_by: str | None
    waited_seconds: float | None


class ArticleRefOut(Schema):
    slug: str
    headline: str
    url: str
    section: str | None


class ParentOut(Schema):
    id: int
    author: str | None
    body_html: str
    deleted: bool


class QueueAuthorOut(Schema):
    username: str
    display_name: str
    joined_at: datetime


class QueueItemOut(Schema):
    id: int
    article_slug: str
    parent_id: int | None
    depth: int
    author: QueueAuthorOut | None = Field(description="null once the account was deleted.")
    body: str = Field(description="What the reader wrote (Markdown source).")
    body_html: str
    created_at: datetime
    edited_at: datetime | None
    status: Literal["published", "pending", "rejected"]
    featured: bool
    deleted: bool
    reaction_count: int
    reply_count: int
    report_count: int = Field(description="Readers who ever reported it.")
    report_weight: float = Field(description="Its open reports' weights summed.")
    url: str
    article: ArticleRefOut
    parent: ParentOut | None = Field(description="The comment it replies to, for context.")
    reports: list[ReportItemOut] = Field(description="Its open reports (since the last decision).")
    moderation: ModerationInfoOut
    decision: DecisionOut | None = Field(description="The latest moderator's decision on it.")


class QueueOut(Schema):
    items: list[QueueItemOut]
    next_cursor: str | None


class QueueQuery(Schema):
    article: str | None = Field(None, max_length=140, description="An article's slug.")
    section: str | None = Field(None, max_length=80, description="A section's slug.")
    rule: str | None = Field(None, max_length=40, description="A rule that fired: banned_words, links…")
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(20, ge=1, le=100)


class CountsOut(Schema):
    pending: int
    reported: int


def _item(request: HttpRequest, comment: Comment) -> dict:
    data = comment.moderation_data or {}
    review = comment.review
    parent = comment.parent
    author = comment.author
    decided = review is not None and review.decided_at is not None and review.decision
    return {
        "id": comment.pk,
        "article_slug": comment.article.slug,
        "parent_id": comment.parent_id,
        "depth": comment.depth,
        "author": None
        if author is None
        else {
            "username": author.username,
            "display_name": author.public_name,
            "joined_at": author.date_joined,
        },
        "body": comment.body,
        "body_html": comment.body_html,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "status": comment.status,
        "featured": comment.featured,
        "deleted": comment.is_deleted,
        "reaction_count": comment.reaction_count,
        "reply_count": comment.reply_count,
        "report_count": comment.report_count,
        "report_weight": review.report_weight if review else 0.0,
        "url": request.build_absolute_uri(comment.get_absolute_url()),
        "article": {
            "slug": comment.article.slug,
            "headline": comment.article.headline,
            "url": request.build_absolute_uri(comment.article.get_absolute_url()),
            "section": comment.article.section.slug if comment.article.section_id else None,
        },
        "parent": None
        if parent is None
        else {
            "id": parent.pk,
            "author": parent.author.username if parent.author and not parent.is_deleted else None,
            "body_html": "" if parent.is_deleted else parent.body_html,
            "deleted": parent.is_deleted,
        },
        "reports": [
            {
                "reason": r.reason,
                "note": r.note,
                "created_at": r.created_at,
                "reporter": r.reader.username if r.reader else None,
                "weight": r.weight,
            }
            for r in comment.open_reports_list
        ],
        "moderation": {
            "reason": comment.moderation_reason,
            "rules": data.get("rules") or [],
            "reasons": data.get("reasons") or [],
            "score": data.get("score"),
            "scorer": data.get("scorer"),
            "mode": data.get("mode"),
        },
        "decision": {
            "decision": review.decision,
            "decided_at": review.decided_at,
            "decided_by": review.decided_by.username if review.decided_by else None,
            "waited_seconds": review.wait_seconds,
        }
        if decided
        else None,
    }


@router.get(
    "/moderation/queue/{queue}",
    response=QueueOut,
    auth=reader_required,
    summary="A moderation queue (moderators)",
    description=(
        "`pending`: awaiting a moderator, longest-waiting first. `reported`: published comments "
        "whose reports reached the threshold, heaviest first (they stay visible meanwhile). "
        "`rejected`: newest first. `approved`: comments a moderator approved, latest decision "
        "first. Filter by `article` or `section` (slugs) and by the `rule` that fired."
    ),
)
def get_queue(request: HttpRequest, queue: Queue, query: Query[QueueQuery]):
    filters = selectors.QueueFilters(article=query.article, section=query.section, rule=query.rule)
    page = selectors.moderation_queue(
        viewer=request.user, queue=queue, filters=filters, cursor=query.cursor, limit=query.limit
    )
    return {"items": [_item(request, c) for c in page.items], "next_cursor": page.next_cursor}


@router.get(
    "/moderation/counts",
    response=CountsOut,
    auth=reader_required,
    summary="How many comments wait in the pending and reported queues (moderators)",
    description="Cheap to poll (the desk's navigation and the header do): kept a few seconds.",
)
def get_counts(request: HttpRequest):
    counts = selectors.queue_counts(viewer=request.user)
    snapshot_soon()  # while a desk is open, the metrics' queue sizes are sampled
    return counts


# --- Decisions on comments.


class ActionIn(Schema):
    reason: str = Field("", max_length=services.REASON_MAX, description="Why; the author is told on reject.")


class BulkIn(Schema):
    action: Literal["approve", "reject"]
    ids: list[int] = Field(min_length=1, max_length=services.BULK_MAX)
    reason: str = Field("", max_length=services.REASON_MAX)


class BulkFailureOut(Schema):
    id: int
    code: str
    message: str


class BulkOut(Schema):
    done: list[int]
    failed: list[BulkFailureOut]


def _comment_action(action: str, summary: str, description: str):
    def handler(request: HttpRequest, comment_id: int, payload: ActionIn | None = None):
        reason = payload.reason if payload else ""
        services.comment_moderate(actor=request.user, comment=comment_id, action=action, reason=reason)
        return _item(request, selectors.moderation_card(viewer=request.user, comment_id=comment_id))

    handler.__name__ = f"comment_{action}"
    router.post(
        f"/moderation/comments/{{comment_id}}/{action}",
        response=QueueItemOut,
        auth=reader_required,
        summary=summary,
        description=description,
        operation_id=f"moderation_comment_{action}",
    )(handler)


_comment_action(
    "approve",
    "Approve a comment (moderators)",
    "Publishes a pending or rejected comment; on a published one, keeps it and dismisses its "
    "reports (their readers' reports weigh less from then on if this keeps happening).",
)
_comment_action(
    "reject",
    "Reject a comment (moderators)",
    "Takes it out of the conversation; its author is notified with `reason` (a default "
    "sentence if none). Its reports are upheld.",
)
_comment_action("feature", "Feature a comment (moderators)", "409 `conflict` unless it is published.")
_comment_action("unfeature", "Stop featuring a comment (moderators)", "")


@router.post(
    "/moderation/comments/bulk",
    response=BulkOut,
    auth=reader_required,
    summary="Approve or reject many comments (moderators)",
    description="Up to 100 ids; each is decided and logged on its own, and one that cannot be "
    "(deleted meanwhile: `conflict`; unknown: `not_found`) is listed in `failed`.",
)
def bulk(request: HttpRequest, payload: BulkIn):
    result = services.comments_bulk_moderate(
        actor=request.user, comment_ids=payload.ids, action=payload.action, reason=payload.reason
    )
    return {"done": result.done, "failed": result.failed}


# --- Readers.


class ReaderActionIn(Schema):
    message: str = Field(
        "", max_length=services.MESSAGE_MAX, description="Why: emailed to the reader, shown while sanctioned."
    )
    until: datetime | None = Field(None, description="suspend only: when the suspension ends by itself.")
    comment_id: int | None = Field(None, description="warn: the comment the warning is about.")


class StandingOut(Schema):
    status: Literal["active", "suspended", "banned"]
    until: datetime | None
    message: str


class ReaderCountsOut(Schema):
    published: int
    pending: int
    rejected: int
    deleted_by_moderators: int


class ReaderReportsOut(Schema):
    filed: int
    upheld: int
    dismissed: int
    weight: float


class WarningOut(Schema):
    at: datetime
    moderator: str | None
    message: str


class SanctionOut(Schema):
    at: datetime
    moderator: str | None
    action: str
    reason: str


class ReaderRecordOut(Schema):
    username: str
    display_name: str
    joined_at: datetime
    account_age_days: int
    standing: StandingOut
    comments: ReaderCountsOut
    reports: ReaderReportsOut = Field(description="The reports this reader filed and how they fared.")
    warnings: list[WarningOut]
    sanctions: list[SanctionOut] = Field(
        description="Warnings, suspensions, bans and reinstatements, newest first."
    )


def _record(record: dict) -> dict:
    return {
        **record,
        "comments": {k: v for k, v in record["comments"].items() if k != "last_comment_at"},
        "warnings": [
            {
                "at": w.created_at,
                "moderator": w.moderator.username if w.moderator else None,
                "message": w.message,
            }
            for w in record["warnings"]
        ],
        "sanctions": [
            {
                "at": e.at,
                "moderator": e.actor.username if e.actor else None,
                "action": e.action.removeprefix("reader."),
                "reason": e.reason,
            }
            for e in record["sanctions"]
        ],
    }


@router.get(
    "/moderation/readers/{username}",
    response=ReaderRecordOut,
    auth=reader_required,
    summary="A reader's record (moderators)",
)
def get_reader(request: HttpRequest, username: str):
    return _record(selectors.reader_record(viewer=request.user, username=username))


def _reader_action(action: str, summary: str, description: str):
    def handler(request: HttpRequest, username: str, payload: ReaderActionIn):
        reader = selectors.reader_for_moderation(viewer=request.user, username=username)
        comment = None
        if payload.comment_id is not None:
            comment = selectors.moderation_card(viewer=request.user, comment_id=payload.comment_id)
        services.reader_moderate(
            actor=request.user,
            reader=reader,
            action=action,
            message=payload.message,
            until=payload.until,
            comment=comment,
        )
        return _record(selectors.reader_record(viewer=request.user, username=username))

    handler.__name__ = f"reader_{action}"
    router.post(
        f"/moderation/readers/{{username}}/{action}",
        response=ReaderRecordOut,
        auth=reader_required,
        summary=summary,
        description=description,
        operation_id=f"moderation_reader_{action}",
    )(handler)


_reader_action(
    "warn",
    "Warn a reader (moderators)",
    "`message` (required) is emailed to them and kept on their record.",
)
_reader_action(
    "suspend",
    "Suspend a reader until a moment (moderators)",
    "`until` (required, within a year) and `message` (required). They cannot comment, react, "
    "report or follow until then; the suspension ends by itself. 403 `forbidden` for staff.",
)
_reader_action(
    "ban",
    "Ban a reader (moderators)",
    "`message` required. Until reinstated. 403 `forbidden` for staff.",
)
_reader_action("reinstate", "Lift a reader's suspension or ban (moderators)", "`message` optional.")


# --- The log.


class LogTargetOut(Schema):
    type: str = Field(description="comment, reader, moderationsettings, section, article, thread…")
    id: str
    label: str


class LogEntryOut(Schema):
    id: int
    at: datetime
    moderator: str | None = Field(description="Who did it (null: the system, or an account since deleted).")
    action: str = Field(description="comment.approve, comment.reject, reader.suspend, moderation.settings…")
    target: LogTargetOut
    reason: str
    data: dict


class LogOut(Schema):
    items: list[LogEntryOut]
    next_cursor: str | None


class LogQuery(Schema):
    action: str | None = Field(None, max_length=64)
    moderator: str | None = Field(None, max_length=30, description="A moderator's username.")
    reader: str | None = Field(None, max_length=30, description="Entries about this reader.")
    comment: int | None = Field(None, description="Entries about this comment.")
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(20, ge=1, le=100)


def log_entry(entry) -> dict:
    return {
        "id": entry.pk,
        "at": entry.at,
        "moderator": entry.actor.username if entry.actor else None,
        "action": entry.action,
        "target": {
            "type": entry.target_type.rpartition(".")[2],
            "id": entry.target_id,
            "label": entry.target_repr,
        },
        "reason": entry.reason,
        "data": entry.data or {},
    }


@router.get(
    "/moderation/log",
    response=LogOut,
    auth=reader_required,
    summary="The moderation log (moderators)",
    description="Every moderator's action, newest first; filter by `action`, `moderator`, `reader` "
    "or `comment`.",
)
def get_log(request: HttpRequest, query: Query[LogQuery]):
    filters = selectors.LogFilters(
        action=query.action, moderator=query.moderator, reader=query.reader, comment=query.comment
    )
    page = selectors.moderation_log(
        viewer=request.user, filters=filters, cursor=query.cursor, limit=query.limit
    )
    return {"items": [log_entry(e) for e in page.items], "next_cursor": page.next_cursor}


# --- Metrics.


class RuleMetricOut(Schema):
    rule: str
    held: int
    approved: int
    rejected: int
    rejected_automatically: int


class QueuePointOut(Schema):
    at: datetime
    pending: int
    reported: int


class ModeratorMetricOut(Schema):
    username: str
    approved: int
    rejected: int


class MetricsOut(Schema):
    days: int
    since: datetime
    queue: list[QueuePointOut] = Field(description="Snapshots of the queues' sizes, oldest first, then now.")
    decisions: int = Field(description="Moderators' decisions in the window.")
    median_wait_seconds: float | None = Field(description="Median time from entering a queue to a decision.")
    p90_wait_seconds: float | None
    posted: int
    decided: int = Field(description="Comments posted in the window that are no longer pending.")
    decided_automatically: int
    automatic_share: float | None
    rules: list[RuleMetricOut] = Field(description="Each rule's holds in the window and how they ended.")
    moderators: list[ModeratorMetricOut]


class MetricsQuery(Schema):
    days: int = Field(metrics.DEFAULT_WINDOW, description="The window: 1, 7, 30 or 90 days.")


@router.get(
    "/moderation/metrics",
    response=MetricsOut,
    auth=reader_required,
    summary="How moderation is going (moderators and editors)",
)
def get_metrics(request: HttpRequest, query: Query[MetricsQuery]):
    m = metrics.moderation_metrics(viewer=request.user, days=query.days)
    return {
        "days": m.days,
        "since": m.since,
        "queue": [{"at": s.at, "pending": s.pending, "reported": s.reported} for s in m.snapshots]
        + [{"at": m.chart.end, **m.current}],
        "decisions": m.decisions,
        "median_wait_seconds": m.median_wait_seconds,
        "p90_wait_seconds": m.p90_wait_seconds,
        "posted": m.posted,
        "decided": m.decided,
        "decided_automatically": m.decided_automatically,
        "automatic_share": m.automatic_share,
        "rules": [
            {
                "rule": r.rule,
                "held": r.held,
                "approved": r.approved,
                "rejected": r.rejected,
                "rejected_automatically": r.rejected_automatically,
            }
            for r in m.rules
        ],
        "moderators": m.moderators,
    }
