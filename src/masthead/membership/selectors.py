"""Every read about reader revenue. Premium is decided here, in one place:
``reader_entitlements`` (and ``membership_status`` for one membership)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from masthead.core.errors import MastheadError
from masthead.core.pagination import Page, keyset_page
from masthead.membership.models import Bookmark, Interval, Kind, Payment, PlanPrice, Subscription, Supporter
from masthead.newsroom.models import Article

Status = Subscription.Status
PREMIUM_STATES = ("active", "past_due", "canceled")
BOOKMARK_ORDER = ("-created_at", "-id")


def _grace() -> timedelta:
    return timedelta(days=settings.PREMIUM_GRACE_DAYS)


# --- Memberships and what they entitle to.


def membership_status(subscription: Subscription, *, now: datetime | None = None) -> str:
    """What a membership is worth today: "active", "past_due" (a renewal failed; Premium
    through the grace period), "canceled" (Premium until the end of the period paid for),
    "expired", or "none" (never paid). ``subscriptions_live_q`` is the same rule in SQL."""
    now = now or timezone.now()
    status = subscription.status
    if status == Status.ACTIVE:
        end = subscription.current_period_end
        # Without word from the provider (a renewal we never heard of), access lapses once
        # the period and the grace after it are over.
        return "active" if end is None or now < end + _grace() else "expired"
    if status == Status.PAST_DUE:
        since = subscription.past_due_since
        return "past_due" if since is not None and now < since + _grace() else "expired"
    if status == Status.CANCELED:
        end = subscription.access_ends_at
        return "canceled" if end is not None and now < end else "expired"
    if status == Status.PENDING:
        return "none"
    return "expired"


def subscriptions_live_q(now: datetime | None = None) -> Q:
    """Subscriptions that ``membership_status`` counts as live (active, past_due, canceled)."""
    now = now or timezone.now()
    grace = _grace()
    return (
        (
            Q(status=Status.ACTIVE)
            & (Q(current_period_end__isnull=True) | Q(current_period_end__gt=now - grace))
        )
        | Q(status=Status.PAST_DUE, past_due_since__gt=now - grace)
        | Q(status=Status.CANCELED, access_ends_at__gt=now)
    )


@dataclass(frozen=True)
class Entitlements:
    status: str  # none, active, past_due, canceled, expired
    membership: Subscription | None

    @property
    def premium(self) -> bool:
        return self.status in PREMIUM_STATES

    @property
    def renewing(self) -> bool:
        """A membership that will carry on by itself: subscribing again would pay twice."""
        return self.status in ("active", "past_due")


_NOBODY = Entitlements(status="none", membership=None)
_RANK = {"active": 4, "past_due": 3, "canceled": 2, "expired": 1, "none": 0}


def reader_entitlements(reader) -> Entitlements:
    """The reader's best membership and what it entitles them to now. One query, remembered
    on the reader object for the rest of the request."""
    if not getattr(reader, "is_authenticated", False):
        return _NOBODY
    cached = getattr(reader, "_masthead_entitlements", None)
    if cached is not None:
        return cached
    now = timezone.now()
    best = _NOBODY
    memberships = Subscription.objects.filter(reader=reader, kind=Kind.MEMBERSHIP).exclude(
        status=Status.PENDING
    )
    for membership in memberships.order_by("-created_at", "-id")[:20]:
        status = membership_status(membership, now=now)
        if _RANK[status] > _RANK[best.status]:
            best = Entitlements(status=status, membership=membership)
    reader._masthead_entitlements = best
    return best


def is_premium(reader) -> bool:
    return reader_entitlements(reader).premium


def premium_required(reader) -> None:
    if not is_premium(reader):
        raise MastheadError(
            "premium_required",
            "Saving stories for later is a Premium perk. Become a member at /premium/; "
            "anything you saved before is kept for you.",
            403,
        )


def reader_membership(reader) -> dict:
    """The membership as `/api/v1/me` shows it: ``{status, plan, renews_at, ends_at}``."""
    entitlements = reader_entitlements(reader)
    membership = entitlements.membership
    if membership is None:
        return {"status": "none", "plan": None, "renews_at": None, "ends_at": None}
    status = entitlements.status
    renews = status == "active" and not membership.is_complimentary
    ends_at = None
    if status == "canceled":
        ends_at = membership.access_ends_at
    elif status == "past_due":
        ends_at = membership.past_due_since + _grace()
    return {
        "status": status,
        "plan": membership.plan,
        "renews_at": membership.current_period_end if renews else None,
        "ends_at": ends_at,
    }


# --- Supporters.


def supporter_get(reader) -> Supporter | None:
    return (
        Supporter.objects.filter(reader=reader).first()
        if getattr(reader, "is_authenticated", False)
        else None
    )


def supporter_badges(*, reader_ids, article=None) -> dict[int, list[str]]:
    """The badge provider (core.badges): readers who opted in and support the newsroom now
    (a live membership or recurring gift, or a gift in the last year). One query."""
    now = timezone.now()
    live = Subscription.objects.filter(subscriptions_live_q(now), reader=OuterRef("reader"))
    recent = Payment.objects.filter(
        reader=OuterRef("reader"), confirmed=True, paid_at__gte=now - timedelta(days=365)
    ).exclude(refunded_minor__gte=F("amount_minor"))
    ids = (
        Supporter.objects.filter(reader_id__in=list(reader_ids), show_badge=True)
        .filter(Exists(live) | Exists(recent))
        .values_list("reader_id", flat=True)
    )
    return {reader_id: ["supporter"] for reader_id in ids}


def reader_is_supporter(reader) -> bool:
    """Whether the reader gives or is a member now (whatever their badge choice)."""
    if not getattr(reader, "is_authenticated", False):
        return False
    now = timezone.now()
    if Subscription.objects.filter(subscriptions_live_q(now), reader=reader).exists():
        return True
    return (
        Payment.objects.filter(reader=reader, confirmed=True, paid_at__gte=now - timedelta(days=365))
        .exclude(refunded_minor__gte=F("amount_minor"))
        .exists()
    )


def reader_payments(reader) -> QuerySet[Payment]:
    return Payment.objects.filter(reader=reader).order_by("-paid_at", "-id")


def reader_subscriptions(reader) -> QuerySet[Subscription]:
    return Subscription.objects.filter(reader=reader).order_by("-created_at", "-id")


def checkout_outcome(*, checkout_session_id: str) -> dict:
    """What the thank-you page may say: whether the provider's paid event has arrived yet."""
    if not checkout_session_id:
        return {"confirmed": False, "kind": None}
    payment = Payment.objects.filter(checkout_session_id=checkout_session_id, confirmed=True).first()
    if payment is not None:
        return {"confirmed": True, "kind": payment.kind}
    subscription = Subscription.objects.filter(checkout_session_id=checkout_session_id).first()
    if subscription is not None and subscription.status != Status.PENDING:
        return {"confirmed": True, "kind": subscription.kind}
    return {"confirmed": False, "kind": None}


# --- What there is to buy.


def support_options() -> dict:
    return {
        "currency": settings.SUPPORT_CURRENCY,
        "currencies": settings.SUPPORT_CURRENCIES,
        "min_minor": settings.DONATION_MIN_MINOR,
        "max_minor": settings.DONATION_MAX_MINOR,
        "suggested_minor": settings.DONATION_SUGGESTED_MINOR,
    }


PLANS = {
    "monthly": {
        "interval": Interval.MONTH,
        "setting": "PREMIUM_MONTHLY_MINOR",
        "price_setting": "STRIPE_PRICE_PREMIUM_MONTHLY",
    },
    "yearly": {
        "interval": Interval.YEAR,
        "setting": "PREMIUM_YEARLY_MINOR",
        "price_setting": "STRIPE_PRICE_PREMIUM_YEARLY",
    },
}


def premium_plans() -> list[dict]:
    return [
        {
            "plan": plan,
            "interval": spec["interval"],
            "amount_minor": getattr(settings, spec["setting"]),
            "currency": settings.SUPPORT_CURRENCY,
        }
        for plan, spec in PLANS.items()
    ]


def plan_price_id(*, provider: str, plan: str, currency: str) -> str | None:
    """A configured (settings) or synced (`masthead sync_prices`) price for a Premium plan;
    None means the checkout describes the price inline."""
    if provider == "stripe" and currency == settings.SUPPORT_CURRENCY:
        configured = getattr(settings, PLANS[plan]["price_setting"], "")
        if configured:
            return configured
    row = PlanPrice.objects.filter(provider=provider, plan=plan, currency=currency).first()
    if row is None or row.amount_minor != getattr(settings, PLANS[plan]["setting"]):
        return None  # the price changed since the sync: describe it inline until synced again
    return row.price_id


# --- Bookmarks.


def bookmark_page(*, reader, q: str = "", cursor: str | None = None, limit: int | None = None) -> Page:
    """The reader's saved stories, newest first; Premium only (403 ``premium_required``)."""
    premium_required(reader)
    bookmarks = Bookmark.objects.filter(
        reader=reader, article__in=Article.objects.published()
    ).select_related("article", "article__section")
    if q:
        bookmarks = bookmarks.filter(Q(article__headline__icontains=q) | Q(article__standfirst__icontains=q))
    return keyset_page(bookmarks, order=BOOKMARK_ORDER, cursor=cursor, limit=limit)


def bookmark_count(reader) -> int:
    """Saved stories, Premium or not (a lapsed member is told they are kept)."""
    return Bookmark.objects.filter(reader=reader).count()


def bookmarked_article_ids(reader) -> frozenset[int]:
    """Ids of the articles the reader saved, remembered for the request (one query for a
    whole listing of bookmark buttons)."""
    if not getattr(reader, "is_authenticated", False):
        return frozenset()
    cached = getattr(reader, "_masthead_bookmarked_ids", None)
    if cached is None:
        cached = frozenset(Bookmark.objects.filter(reader=reader).values_list("article_id", flat=True))
        reader._masthead_bookmarked_ids = cached
    return cached


# --- The editors' revenue page.


def _monthly_minor(subscription: Subscription) -> float:
    return (
        subscription.amount_minor / 12
        if subscription.interval == Interval.YEAR
        else subscription.amount_minor
    )


def revenue_report(*, days: int = 30, now: datetime | None = None) -> dict:
    """Donations per day, recurring revenue, active members, new and churned members."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    first = today - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    currency = settings.SUPPORT_CURRENCY

    per_day: dict[date, dict] = {
        first + timedelta(days=n): {
            "donations_count": 0,
            "donations_minor": 0,
            "membership_minor": 0,
            "new_members": 0,
            "churned_members": 0,
        }
        for n in range(days)
    }
    paid = (
        Payment.objects.filter(confirmed=True, paid_at__gte=start, currency=currency)
        .annotate(day=TruncDate("paid_at"))
        .values("day", "kind")
        .annotate(count=Count("id"), total=Sum(F("amount_minor") - F("refunded_minor")))
    )
    for row in paid:
        bucket = per_day.get(row["day"])
        if bucket is None:
            continue
        if row["kind"] == Kind.MEMBERSHIP:
            bucket["membership_minor"] += row["total"] or 0
        else:
            bucket["donations_count"] += row["count"]
            bucket["donations_minor"] += row["total"] or 0
    memberships = Subscription.objects.filter(kind=Kind.MEMBERSHIP)
    for field, key in (("started_at", "new_members"), ("ended_at", "churned_members")):
        rows = (
            memberships.filter(**{f"{field}__gte": start, f"{field}__lte": now})
            .annotate(day=TruncDate(field))
            .values("day")
            .annotate(count=Count("id"))
        )
        for row in rows:
            if row["day"] in per_day:
                per_day[row["day"]][key] += row["count"]

    live = Subscription.objects.filter(subscriptions_live_q(now)).exclude(provider=Subscription.COMPLIMENTARY)
    recurring: dict[str, float] = defaultdict(float)
    for subscription in live.filter(status__in=[Status.ACTIVE, Status.PAST_DUE], currency=currency):
        recurring[subscription.kind] += _monthly_minor(subscription)
    members = Subscription.objects.filter(subscriptions_live_q(now), kind=Kind.MEMBERSHIP)
    return {
        "currency": currency,
        "days": [{"day": day, **values} for day, values in per_day.items()],
        "recurring_monthly_minor": round(sum(recurring.values())),
        "recurring_membership_minor": round(recurring[Kind.MEMBERSHIP]),
        "recurring_donation_minor": round(recurring[Kind.DONATION]),
        # a reader with two live memberships counts once; an erased reader's still counts
        "active_members": members.exclude(reader=None).values("reader").distinct().count()
        + members.filter(reader=None).count(),
        "complimentary_members": members.filter(provider=Subscription.COMPLIMENTARY).count(),
        "donations_total_minor": sum(d["donations_minor"] for d in per_day.values()),
        "new_members_total": sum(d["new_members"] for d in per_day.values()),
        "churned_members_total": sum(d["churned_members"] for d in per_day.values()),
    }
