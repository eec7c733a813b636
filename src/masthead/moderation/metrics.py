"""How moderation is going, for editors: queue sizes over time, time to a decision, the
share decided automatically, and what each rule's holds came to.

Computed from what is stored anyway — ``QueueSnapshot`` rows (``tasks.snapshot_queues``),
``CommentReview`` (each comment's latest human decision and how long it waited) and the
comments' own ``moderation_data`` (the rules that fired) — over a window of days. A few
aggregate queries and one pass over the window's held comments.
"""

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.db.models.fields.json import KT
from django.utils import timezone

from masthead.comments.models import Comment
from masthead.core.errors import MastheadError
from masthead.moderation import selectors
from masthead.moderation.models import CommentReview, QueueSnapshot

WINDOWS = (1, 7, 30, 90)
DEFAULT_WINDOW = 30
CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 640, 180, 28
MAX_POINTS = 500  # snapshots drawn; more are thinned evenly


def take_snapshot() -> QueueSnapshot:
    counts = {queue: selectors.queue_size(queue) for queue in selectors.COUNTED}
    return QueueSnapshot.objects.create(pending=counts["pending"], reported=counts["reported"])


@dataclass
class Chart:
    """The queue sizes as SVG polylines (server-rendered: no script, no inline style)."""

    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    pending_points: str = ""
    reported_points: str = ""
    max_value: int = 0
    start: datetime | None = None
    end: datetime | None = None
    samples: int = 0

    @property
    def baseline(self) -> int:
        return self.height - CHART_PAD

    @property
    def top(self) -> int:
        return CHART_PAD // 2

    @property
    def left(self) -> int:
        return CHART_PAD

    @property
    def right(self) -> int:
        return self.width - CHART_PAD // 2


@dataclass
class RuleRow:
    rule: str
    held: int = 0  # comments the rule held (or rejected) in the window
    rejected: int = 0  # of those, rejected in the end (by the pipeline or a moderator)
    approved: int = 0  # of those, published in the end
    rejected_automatically: int = 0

    @property
    def rejected_share(self) -> float | None:
        decided = self.rejected + self.approved
        return self.rejected / decided if decided else None


@dataclass
class Metrics:
    days: int
    since: datetime
    chart: Chart
    snapshots: list[QueueSnapshot]
    current: dict[str, int]
    decisions: int
    median_wait_seconds: float | None
    p90_wait_seconds: float | None
    posted: int
    decided: int
    decided_automatically: int
    still_pending: int
    rules: list[RuleRow] = field(default_factory=list)
    moderators: list[dict] = field(default_factory=list)

    @property
    def automatic_share(self) -> float | None:
        return self.decided_automatically / self.decided if self.decided else None


def _thin(rows: list, limit: int) -> list:
    if len(rows) <= limit:
        return rows
    step = len(rows) / limit
    thinned = [rows[int(i * step)] for i in range(limit)]
    thinned[-1] = rows[-1]
    return thinned


def _chart(snapshots: list[QueueSnapshot], *, start: datetime, end: datetime) -> Chart:
    chart = Chart(start=start, end=end, samples=len(snapshots))
    chart.max_value = max([1, *(max(s.pending, s.reported) for s in snapshots)])
    span = max((end - start).total_seconds(), 1.0)
    plot_width = chart.right - chart.left
    plot_height = chart.baseline - chart.top

    def point(at: datetime, value: int) -> str:
        x = chart.left + plot_width * (at - start).total_seconds() / span
        y = chart.baseline - plot_height * value / chart.max_value
        return f"{x:.1f},{y:.1f}"

    chart.pending_points = " ".join(point(s.at, s.pending) for s in snapshots)
    chart.reported_points = " ".join(point(s.at, s.reported) for s in snapshots)
    return chart


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _rule_rows(since: datetime) -> list[RuleRow]:
    """Each rule's holds in the window and how they ended. A comment held by two rules counts
    under both; "mode" is pre-moderation."""
    rows: dict[str, RuleRow] = {}
    held = (
        Comment.objects.filter(created_at__gte=since)
        .annotate(_rules=KT("moderation_data__rules"))
        .exclude(_rules__isnull=True)
        .exclude(_rules="[]")
        .values_list("status", "moderation_data", "moderation_review__decision")
    )
    for status, data, decision in held.iterator(chunk_size=2000):
        names = (data or {}).get("rules") or []
        automatic = status == Comment.Status.REJECTED and decision != CommentReview.Decision.REJECTED
        for name in names:
            row = rows.setdefault(name, RuleRow(rule=name))
            row.held += 1
            if status == Comment.Status.REJECTED:
                row.rejected += 1
                row.rejected_automatically += automatic
            elif status == Comment.Status.PUBLISHED:
                row.approved += 1
    order = {name: i for i, name in enumerate(selectors.rule_names())}
    return sorted(rows.values(), key=lambda r: (order.get(r.rule, len(order)), r.rule))


def moderation_metrics(*, viewer, days: int = DEFAULT_WINDOW) -> Metrics:
    selectors.require_metrics_viewer(viewer)
    if days not in WINDOWS:
        message = f"One of {', '.join(map(str, WINDOWS))}."
        raise MastheadError("validation_error", message, 422, fields={"days": [message]})
    now = timezone.now()
    since = now - timedelta(days=days)

    snapshots = list(QueueSnapshot.objects.filter(at__gte=since).order_by("at"))
    current = {queue: selectors.queue_size(queue) for queue in selectors.COUNTED}
    series = [*_thin(snapshots, MAX_POINTS - 1), QueueSnapshot(at=now, **current)]

    decided_reviews = CommentReview.objects.filter(decided_at__gte=since)
    waits = list(decided_reviews.filter(wait_seconds__isnull=False).values_list("wait_seconds", flat=True))

    posted = Comment.objects.filter(created_at__gte=since).aggregate(
        posted=Count("id"),
        pending=Count("id", filter=Q(status=Comment.Status.PENDING)),
        human=Count(
            "id",
            filter=~Q(status=Comment.Status.PENDING) & Q(moderation_review__decided_at__isnull=False),
        ),
    )
    decided = posted["posted"] - posted["pending"]

    moderators = list(
        decided_reviews.filter(decided_by__isnull=False)
        .values("decided_by__username")
        .annotate(
            approved=Count("pk", filter=Q(decision=CommentReview.Decision.APPROVED)),
            rejected=Count("pk", filter=Q(decision=CommentReview.Decision.REJECTED)),
        )
        .order_by("decided_by__username")
    )
    return Metrics(
        days=days,
        since=since,
        chart=_chart(series, start=since, end=now),
        snapshots=snapshots,
        current=current,
        decisions=decided_reviews.count(),
        median_wait_seconds=statistics.median(waits) if waits else None,
        p90_wait_seconds=_percentile(waits, 0.9),
        posted=posted["posted"],
        decided=decided,
        decided_automatically=decided - posted["human"],
        still_pending=posted["pending"],
        rules=_rule_rows(since),
        moderators=[
            {"username": m["decided_by__username"], "approved": m["approved"], "rejected": m["rejected"]}
            for m in moderators
        ],
    )
