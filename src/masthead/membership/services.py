"""Every write about reader revenue: checkouts, provider events, memberships, bookmarks.

Provider events are the only source of money and Premium: a checkout only sends the
reader to the provider, and opening the success address changes nothing. Each event is
recorded by id when it arrives (``webhook_event_receive``) and processed once, later, in a
task (``webhook_event_process``). Where the order of events matters (a subscription's
state) the handler fetches the object's current state from the provider instead of
trusting the event's copy; where it does not (a payment's details, a refunded amount
that only grows) each event merges what it knows.
"""

import logging
from datetime import UTC, datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from masthead.accounts.models import Reader
from masthead.accounts.tasks import email_enqueue
from masthead.core.audit import audit_log
from masthead.core.errors import MastheadError, NotFound
from masthead.core.idempotency import fingerprint, idempotent_create
from masthead.membership import selectors
from masthead.membership.models import (
    Bookmark,
    Checkout,
    Interval,
    Kind,
    Payment,
    PlanPrice,
    Subscription,
    Supporter,
    WebhookEvent,
)
from masthead.membership.money import format_money
from masthead.membership.providers import get_provider
from masthead.membership.providers.base import CheckoutRequest, PaymentProvider, PlanSpec, ProviderError
from masthead.newsroom.models import Article

log = logging.getLogger(__name__)
Status = Subscription.Status


def _invalid(field: str, message: str) -> MastheadError:
    return MastheadError("validation_error", message, 422, fields={field: [message]})


def _ts(value) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value else None


def _id_of(value) -> str | None:
    """An expandable field: the id whether it came as a string or as the object."""
    if isinstance(value, dict):
        return value.get("id")
    return value or None


# --- Checkout.


def checkout_start(
    *,
    reader,
    kind: str,
    interval: str,
    amount_minor: int | None = None,
    currency: str | None = None,
    plan: str | None = None,
    idempotency_key: str | None = None,
) -> Checkout:
    """Open a provider checkout for a gift (anyone) or a Premium membership (a reader).

    Raises 422 ``validation_error`` for an amount outside the configured bounds or an
    unknown currency or plan, 401 for a membership without an account, 409
    ``already_member`` for a reader whose membership renews by itself. The same
    ``idempotency_key`` from the same caller within 24 hours answers with the first checkout.
    """
    reader = reader if getattr(reader, "is_authenticated", False) else None
    currency = (currency or settings.SUPPORT_CURRENCY).upper()
    if currency not in settings.SUPPORT_CURRENCIES:
        raise _invalid("currency", f"We take gifts in {', '.join(settings.SUPPORT_CURRENCIES)}.")
    if interval not in Interval.values:
        raise _invalid("interval", "Choose once, month or year.")
    if kind == Kind.MEMBERSHIP:
        amount_minor, plan = _membership_terms(reader=reader, interval=interval, currency=currency, plan=plan)
        product_name = f"{settings.SITE_NAME} Premium ({plan})"
    elif kind == Kind.DONATION:
        _check_gift_amount(amount_minor)
        every = {"once": "", "month": ", monthly", "year": ", yearly"}[interval]
        product_name = f"A gift to {settings.SITE_NAME}{every}"
    else:
        raise _invalid("kind", "Choose donation or membership.")

    provider = get_provider()
    supporter = selectors.supporter_get(reader)
    metadata = {"masthead_kind": kind, "masthead_interval": interval}
    if reader:
        metadata["masthead_reader"] = str(reader.pk)
    back = reverse("membership:premium") if kind == Kind.MEMBERSHIP else reverse("newsroom:support")
    request = CheckoutRequest(
        mode="payment" if interval == Interval.ONCE else "subscription",
        amount_minor=amount_minor,
        currency=currency,
        product_name=product_name,
        interval=None if interval == Interval.ONCE else interval,
        price_id=selectors.plan_price_id(provider=provider.name, plan=plan, currency=currency)
        if kind == Kind.MEMBERSHIP
        else None,
        customer_id=supporter.customer_id if supporter and supporter.provider == provider.name else None,
        customer_email=reader.email if reader and reader.email else None,
        client_reference_id=str(reader.pk) if reader else None,
        metadata=metadata,
        success_url=f"{settings.SITE_URL}{reverse('membership:thanks')}?session_id={{CHECKOUT_SESSION_ID}}",
        cancel_url=f"{settings.SITE_URL}{back}",
    )
    owner = f"reader:{reader.pk}" if reader else "anonymous"

    def create(stamp: dict) -> Checkout:
        try:
            link = provider.checkout_session_create(request)
        except ProviderError as exc:
            log.warning("checkout could not be opened: %s", exc)
            raise MastheadError(
                "payment_provider_unavailable",
                "Payments are not available just now; please try again shortly.",
                503,
            ) from exc
        return Checkout.objects.create(
            reader=reader,
            owner=owner,
            kind=kind,
            interval=interval,
            amount_minor=amount_minor,
            currency=currency,
            provider=provider.name,
            session_id=link.id,
            url=link.url,
            **stamp,
        )

    checkout, _ = idempotent_create(
        queryset=Checkout.objects.filter(owner=owner),
        key=idempotency_key,
        fingerprint=fingerprint(kind, interval, amount_minor, currency),
        create=create,
    )
    return checkout


def _check_gift_amount(amount_minor: int | None) -> None:
    low, high = settings.DONATION_MIN_MINOR, settings.DONATION_MAX_MINOR
    currency = settings.SUPPORT_CURRENCY
    if amount_minor is None:
        raise _invalid("amount_minor", "Choose an amount.")
    if not low <= amount_minor <= high:
        raise _invalid(
            "amount_minor",
            f"Gifts are between {format_money(low, currency)} and {format_money(high, currency)}.",
        )


def _membership_terms(*, reader, interval: str, currency: str, plan: str | None) -> tuple[int, str]:
    if reader is None:
        raise MastheadError("not_authenticated", "Sign in or create an account to become a member.", 401)
    by_interval = {Interval.MONTH: "monthly", Interval.YEAR: "yearly"}
    if interval not in by_interval:
        raise _invalid("interval", "Premium is paid monthly or yearly.")
    chosen = by_interval[interval]
    if plan not in (None, "", "premium", chosen):
        raise _invalid("plan", f"The {interval}ly Premium plan is called {chosen!r}.")
    if currency != settings.SUPPORT_CURRENCY:
        raise _invalid("currency", f"Premium is priced in {settings.SUPPORT_CURRENCY}.")
    if selectors.reader_entitlements(reader).renewing:
        raise MastheadError(
            "already_member", "You are already a member; manage your membership from the Premium page.", 409
        )
    return getattr(settings, selectors.PLANS[chosen]["setting"]), chosen


def portal_open(*, reader, return_url: str) -> str:
    """The provider's page where the reader updates their card or cancels."""
    supporter = selectors.supporter_get(reader)
    provider = get_provider()
    if supporter is None or not supporter.customer_id or supporter.provider != provider.name:
        raise NotFound("You have no membership or regular gift to manage yet.")
    try:
        return provider.portal_session_create(customer_id=supporter.customer_id, return_url=return_url)
    except ProviderError as exc:
        log.warning("portal could not be opened: %s", exc)
        raise MastheadError(
            "payment_provider_unavailable",
            "Payments are not available just now; please try again shortly.",
            503,
        ) from exc


def prices_sync(*, provider: PaymentProvider | None = None) -> list[tuple[PlanPrice, bool]]:
    """Make sure the provider has a price for each Premium plan and remember its id."""
    provider = provider or get_provider()
    specs = [
        PlanSpec(
            plan=plan["plan"],
            interval=plan["interval"],
            amount_minor=plan["amount_minor"],
            currency=plan["currency"],
            product_name=f"{settings.SITE_NAME} Premium",
        )
        for plan in selectors.premium_plans()
    ]
    results = []
    for spec, price_id, created in provider.prices_sync(specs):
        row, _ = PlanPrice.objects.update_or_create(
            provider=provider.name,
            plan=spec.plan,
            currency=spec.currency,
            defaults={"amount_minor": spec.amount_minor, "price_id": price_id},
        )
        results.append((row, created))
    return results


# --- Provider events.


def webhook_event_receive(*, provider: str, event: dict) -> tuple[WebhookEvent, bool]:
    """Record an event by its id and queue its processing; an id seen before records
    nothing new (a replayed delivery). Called with an event whose signature was checked."""
    try:
        with transaction.atomic():
            row, created = WebhookEvent.objects.get_or_create(
                id=event["id"],
                defaults={
                    "provider": provider,
                    "type": event["type"],
                    "created": _ts(event.get("created")) or timezone.now(),
                    "payload": event,
                },
            )
    except IntegrityError:  # the same delivery arrived twice at the same moment
        return WebhookEvent.objects.get(id=event["id"]), False
    if row.processed_at is None:
        from masthead.membership.tasks import webhook_event_process_task

        transaction.on_commit(lambda: webhook_event_process_task.enqueue(event_id=row.id))
    return row, created


def webhook_event_process(*, event_id: str) -> str:
    """Apply one recorded event, once, whoever calls first (the task, or the demo)."""
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.select_for_update().get(id=event_id)
            if event.processed_at is not None:
                return "already processed"
            handler = _HANDLERS.get(event.type)
            if handler is not None:
                handler(
                    provider=get_provider(event.provider), obj=event.payload["data"]["object"], event=event
                )
            event.processed_at = timezone.now()
            event.attempts += 1
            event.last_error = ""
            event.save(update_fields=["processed_at", "attempts", "last_error"])
            return "processed" if handler else "ignored"
    except Exception as exc:
        WebhookEvent.objects.filter(id=event_id, processed_at=None).update(last_error=repr(exc)[:2000])
        raise


def _reader_from(metadata: dict | None, fallback: str | None = None) -> Reader | None:
    ref = (metadata or {}).get("masthead_reader") or fallback
    if not ref or not str(ref).isdigit():
        return None
    return Reader.objects.filter(pk=int(ref), is_active=True).first()


def _on_checkout_completed(*, provider: PaymentProvider, obj: dict, event: WebhookEvent) -> None:
    metadata = obj.get("metadata") or {}
    reader = _reader_from(metadata, obj.get("client_reference_id"))
    customer_id = _id_of(obj.get("customer"))
    if reader is not None and customer_id:
        supporter_link(reader=reader, provider=provider.name, customer_id=customer_id)
    if obj.get("mode") == "payment":
        if obj.get("payment_status") != "paid":
            return  # a delayed payment method: checkout.session.async_payment_succeeded follows
        payment_record(
            provider=provider.name,
            payment_intent_id=_id_of(obj.get("payment_intent")),
            checkout_session_id=obj["id"],
            confirmed=True,
            kind=metadata.get("masthead_kind") or Kind.DONATION,
            interval=Interval.ONCE,
            amount_minor=obj.get("amount_total") or 0,
            currency=obj.get("currency") or "",
            paid_at=event.created,
            reader=reader,
            email=(obj.get("customer_details") or {}).get("email") or obj.get("customer_email") or "",
        )
    elif obj.get("mode") == "subscription" and obj.get("subscription"):
        subscription_sync(
            provider=provider,
            subscription_id=_id_of(obj["subscription"]),
            reader=reader,
            checkout_session_id=obj["id"],
        )


def _on_subscription_event(*, provider: PaymentProvider, obj: dict, event: WebhookEvent) -> None:
    subscription_sync(provider=provider, subscription_id=obj["id"])


def _invoice_subscription(obj: dict) -> tuple[str | None, dict]:
    details = (obj.get("parent") or {}).get("subscription_details") or {}
    return _id_of(details.get("subscription")), details.get("metadata") or {}


def _on_invoice_paid(*, provider: PaymentProvider, obj: dict, event: WebhookEvent) -> None:
    subscription_id, metadata = _invoice_subscription(obj)
    subscription = (
        subscription_sync(provider=provider, subscription_id=subscription_id) if subscription_id else None
    )
    if not obj.get("amount_paid"):
        return  # a free invoice: nothing received
    intent = None
    for payment in (obj.get("payments") or {}).get("data") or ():
        intent = _id_of((payment.get("payment") or {}).get("payment_intent")) or intent
    intent = intent or provider.invoice_payment_intent(obj["id"])
    payment_record(
        provider=provider.name,
        payment_intent_id=intent,
        invoice_id=obj["id"],
        confirmed=True,
        kind=metadata.get("masthead_kind") or (subscription.kind if subscription else Kind.DONATION),
        interval=subscription.interval if subscription else "",
        amount_minor=obj["amount_paid"],
        currency=obj.get("currency") or "",
        paid_at=_ts((obj.get("status_transitions") or {}).get("paid_at")) or event.created,
        reader=(subscription.reader if subscription else None) or _reader_from(metadata),
        email=obj.get("customer_email") or "",
        subscription=subscription,
    )


def _on_invoice_payment_failed(*, provider: PaymentProvider, obj: dict, event: WebhookEvent) -> None:
    subscription_id, _ = _invoice_subscription(obj)
    if subscription_id:
        subscription_sync(provider=provider, subscription_id=subscription_id)


def _on_charge_refunded(*, provider: PaymentProvider, obj: dict, event: WebhookEvent) -> None:
    intent = _id_of(obj.get("payment_intent"))
    if not intent:
        return
    payment_record(
        provider=provider.name,
        payment_intent_id=intent,
        confirmed=False,
        amount_minor=obj.get("amount") or 0,
        currency=obj.get("currency") or "",
        paid_at=_ts(obj.get("created")),
        refunded_minor=obj.get("amount_refunded") or 0,
    )


_HANDLERS = {
    "checkout.session.completed": _on_checkout_completed,
    "checkout.session.async_payment_succeeded": _on_checkout_completed,
    "customer.subscription.created": _on_subscription_event,
    "customer.subscription.updated": _on_subscription_event,
    "customer.subscription.deleted": _on_subscription_event,
    "invoice.paid": _on_invoice_paid,
    "invoice.payment_failed": _on_invoice_payment_failed,
    "charge.refunded": _on_charge_refunded,
}
HANDLED_EVENTS = tuple(_HANDLERS)


# --- Subscriptions: always the provider's current state.


def _status_from(data: dict) -> str:
    status = data.get("status")
    if status in ("active", "trialing"):
        return Status.CANCELED if data.get("cancel_at_period_end") or data.get("cancel_at") else Status.ACTIVE
    if status == "past_due":
        return Status.PAST_DUE
    if status == "canceled":
        reason = (data.get("cancellation_details") or {}).get("reason")
        # Ended by the reader: what they paid for runs its course. Ended because the card
        # kept failing (or a dispute): nothing more is owed to them.
        return Status.EXPIRED if reason in ("payment_failed", "payment_disputed") else Status.CANCELED
    if status == "incomplete":
        return Status.PENDING
    return Status.EXPIRED  # incomplete_expired, unpaid, paused


def subscription_sync(
    *,
    provider: PaymentProvider,
    subscription_id: str,
    reader: Reader | None = None,
    checkout_session_id: str = "",
) -> Subscription:
    """Bring our record of a subscription in line with the provider's current object.

    The row is locked before the provider is asked, so of two events processed at once
    the one that writes last also read last: arrival order never decides the outcome.
    """
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(provider_id=subscription_id).first()
        data = provider.subscription_retrieve(subscription_id)
        if subscription is None:
            try:
                with transaction.atomic():
                    subscription = Subscription.objects.create(
                        provider=provider.name,
                        provider_id=subscription_id,
                        kind=(data.get("metadata") or {}).get("masthead_kind") or Kind.DONATION,
                    )
            except IntegrityError:
                subscription = Subscription.objects.select_for_update().get(provider_id=subscription_id)
                data = provider.subscription_retrieve(subscription_id)
        _subscription_apply(subscription, data, reader=reader, checkout_session_id=checkout_session_id)
    return subscription


def _subscription_apply(subscription: Subscription, data: dict, *, reader, checkout_session_id: str) -> None:
    metadata = data.get("metadata") or {}
    item = data["items"]["data"][0]
    price = item["price"]
    now = timezone.now()
    status = _status_from(data)
    subscription.kind = metadata.get("masthead_kind") or subscription.kind
    subscription.reader = subscription.reader or reader or _reader_from(metadata)
    subscription.customer_id = _id_of(data.get("customer")) or subscription.customer_id
    subscription.checkout_session_id = subscription.checkout_session_id or checkout_session_id
    subscription.interval = (price.get("recurring") or {}).get("interval") or subscription.interval
    subscription.amount_minor = (price.get("unit_amount") or 0) * (item.get("quantity") or 1)
    subscription.currency = (data.get("currency") or price.get("currency") or "").upper()
    subscription.provider_status = data.get("status") or ""
    subscription.current_period_end = _ts(item.get("current_period_end"))
    entering_past_due = status == Status.PAST_DUE and subscription.past_due_since is None
    subscription.past_due_since = (subscription.past_due_since or now) if status == Status.PAST_DUE else None
    subscription.access_ends_at = (
        (_ts(data.get("cancel_at")) or subscription.current_period_end) if status == Status.CANCELED else None
    )
    if status != Status.PENDING and subscription.started_at is None:
        subscription.started_at = _ts(data.get("start_date")) or now
    if status == Status.CANCELED:
        subscription.ended_at = subscription.access_ends_at
    elif status == Status.EXPIRED:
        subscription.ended_at = subscription.ended_at or _ts(data.get("ended_at")) or now
    else:
        subscription.ended_at = None
    subscription.status = status
    subscription.save()
    if subscription.reader is not None and subscription.customer_id:
        supporter_link(
            reader=subscription.reader, provider=subscription.provider, customer_id=subscription.customer_id
        )
    if entering_past_due:
        _mail_payment_failed(subscription)


# --- Payments: each event merges what it knows.


def payment_record(
    *,
    provider: str,
    confirmed: bool,
    amount_minor: int,
    currency: str,
    paid_at: datetime | None,
    payment_intent_id: str | None = None,
    invoice_id: str | None = None,
    checkout_session_id: str | None = None,
    refunded_minor: int = 0,
    kind: str = "",
    interval: str = "",
    reader: Reader | None = None,
    email: str = "",
    subscription: Subscription | None = None,
) -> Payment:
    """Create or complete the record of one payment. ``confirmed``: a paid event (checkout
    completed, invoice paid) names it, which is what sends the receipt, once."""
    keys = {
        name: value
        for name, value in (
            ("payment_intent_id", payment_intent_id),
            ("invoice_id", invoice_id),
            ("checkout_session_id", checkout_session_id),
        )
        if value
    }
    if not keys:
        raise ValueError("A payment needs at least one provider id.")
    match = Q()
    for name, value in keys.items():
        match |= Q(**{name: value})
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(match).order_by("id").first()
        if payment is None:
            try:
                with transaction.atomic():
                    payment = Payment.objects.create(provider=provider, **keys)
            except IntegrityError:
                payment = Payment.objects.select_for_update().filter(match).order_by("id").first()
        details = {
            **keys,
            "kind": kind,
            "interval": interval,
            "reader": reader,
            "email": email,
            "subscription": subscription,
            "amount_minor": amount_minor,
            "currency": currency.upper(),
        }
        for name, value in details.items():
            if value and not getattr(payment, name):
                setattr(payment, name, value)
        if paid_at and (payment.paid_at is None or paid_at < payment.paid_at):
            payment.paid_at = paid_at
        payment.refunded_minor = max(payment.refunded_minor, refunded_minor)
        send_receipt = confirmed and payment.receipt_sent_at is None and bool(payment.email or payment.reader)
        payment.confirmed = payment.confirmed or confirmed
        if send_receipt:
            payment.receipt_sent_at = timezone.now()
        payment.save()
        if send_receipt:
            _mail_receipt(payment)
    return payment


# --- Emails: rendered now, delivered by the task queue after commit.


def _mail(*, template: str, to: str, context: dict) -> None:
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"membership/email/{template}_subject.txt", context).split())
    body = render_to_string(f"membership/email/{template}_message.txt", context)
    message = EmailMessage(f"[{settings.SITE_NAME}] {subject}", body, settings.DEFAULT_FROM_EMAIL, [to])
    transaction.on_commit(lambda: email_enqueue(message))


def _mail_receipt(payment: Payment) -> None:
    to = payment.email or payment.reader.email
    if not to:
        return
    _mail(
        template="receipt",
        to=to,
        context={
            "payment": payment,
            "amount": format_money(payment.amount_minor, payment.currency),
            "reader": payment.reader,
            "premium_url": settings.SITE_URL + reverse("membership:premium"),
        },
    )


def _mail_payment_failed(subscription: Subscription) -> None:
    to = subscription.reader.email if subscription.reader else ""
    to = to or subscription.payments.exclude(email="").values_list("email", flat=True).first() or ""
    if not to:
        return
    _mail(
        template="payment_failed",
        to=to,
        context={
            "subscription": subscription,
            "grace_days": settings.PREMIUM_GRACE_DAYS,
            "grace_ends_at": subscription.past_due_since + selectors._grace(),
            "amount": format_money(subscription.amount_minor, subscription.currency),
            "manage_url": settings.SITE_URL + reverse("membership:premium"),
        },
    )


# --- Supporters and memberships granted by the newsroom.


def supporter_link(*, reader: Reader, provider: str, customer_id: str) -> Supporter:
    """Remember the reader's customer id at the provider (for the portal and next checkouts)."""
    supporter, _ = Supporter.objects.get_or_create(reader=reader)
    if (supporter.provider, supporter.customer_id) != (provider, customer_id):
        supporter.provider, supporter.customer_id = provider, customer_id
        supporter.save(update_fields=["provider", "customer_id", "updated_at"])
    return supporter


def supporter_badge_set(*, reader: Reader, show: bool) -> Supporter:
    """Show or hide the Supporter badge beside the reader's comments (they opt in)."""
    supporter, _ = Supporter.objects.get_or_create(reader=reader)
    if supporter.show_badge != show:
        supporter.show_badge = show
        supporter.save(update_fields=["show_badge", "updated_at"])
    return supporter


@transaction.atomic
def membership_grant_complimentary(
    *, reader: Reader, actor: Reader | None = None, reason: str = ""
) -> Subscription:
    """A Premium membership the newsroom gives (staff, contributors, the demo): no provider,
    no end date. Granting it twice gives one."""
    existing = Subscription.objects.filter(
        reader=reader, provider=Subscription.COMPLIMENTARY, status=Status.ACTIVE
    ).first()
    if existing is not None:
        return existing
    now = timezone.now()
    membership = Subscription.objects.create(
        kind=Kind.MEMBERSHIP,
        reader=reader,
        provider=Subscription.COMPLIMENTARY,
        provider_id=f"comp_{reader.pk}_{int(now.timestamp() * 1000)}",
        status=Status.ACTIVE,
        provider_status="active",
        currency=settings.SUPPORT_CURRENCY,
        started_at=now,
    )
    audit_log(
        actor=actor, action="membership.grant", target=membership, reason=reason, reader=reader.username
    )
    return membership


@transaction.atomic
def membership_revoke_complimentary(*, reader: Reader, actor: Reader | None = None, reason: str = "") -> int:
    now = timezone.now()
    memberships = list(
        Subscription.objects.filter(reader=reader, provider=Subscription.COMPLIMENTARY, status=Status.ACTIVE)
    )
    for membership in memberships:
        membership.status, membership.ended_at = Status.EXPIRED, now
        membership.save(update_fields=["status", "ended_at", "updated_at"])
        audit_log(actor=actor, action="membership.revoke", target=membership, reason=reason)
    return len(memberships)


# --- Bookmarks (Premium).


def bookmark_add(*, reader: Reader, slug: str) -> Bookmark:
    """Save a published article for later; saving it again changes nothing."""
    selectors.premium_required(reader)
    article = Article.objects.published().filter(slug=slug).first()
    if article is None:
        raise NotFound("No article by that name.")
    try:
        with transaction.atomic():
            bookmark, _ = Bookmark.objects.get_or_create(reader=reader, article=article)
    except IntegrityError:  # the same save from two tabs at once
        bookmark = Bookmark.objects.get(reader=reader, article=article)
    reader.__dict__.pop("_masthead_bookmarked_ids", None)
    return bookmark


def bookmark_remove(*, reader: Reader, slug: str) -> None:
    """Forget a saved article; forgetting one that is not saved is fine."""
    selectors.premium_required(reader)
    Bookmark.objects.filter(reader=reader, article__slug=slug).delete()
    reader.__dict__.pop("_masthead_bookmarked_ids", None)


# --- Erasure.


def reader_revenue_detach(*, reader: Reader) -> None:
    """Before an account is erased: stop what would keep charging the reader, and keep the
    financial records the newsroom must keep for its accounts without anything personal
    (reader and email detached). Supporter settings and bookmarks go with the account."""
    live = Subscription.objects.filter(reader=reader).exclude(provider=Subscription.COMPLIMENTARY)
    for subscription in live.exclude(provider_status__in=["canceled", "incomplete_expired", ""]):
        transaction.on_commit(lambda s=subscription: _cancel_quietly(s.provider, s.provider_id))
    Payment.objects.filter(reader=reader).update(reader=None, email="")
    if reader.email:  # gifts made before signing in, under the same address
        Payment.objects.filter(email__iexact=reader.email).update(email="")
    Subscription.objects.filter(reader=reader).update(reader=None, checkout_session_id="")
    Checkout.objects.filter(reader=reader).update(reader=None, owner="erased")


def _cancel_quietly(provider_name: str, subscription_id: str) -> None:
    try:
        get_provider(provider_name).subscription_cancel(subscription_id)
    except (ProviderError, LookupError):
        log.exception(
            "could not cancel %s at %s for an erased reader; cancel it by hand",
            subscription_id,
            provider_name,
        )
