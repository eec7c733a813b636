"""Reader revenue: who supports the newsroom, how, and what they may do in return.

Money is recorded as the provider reports it (Stripe, or the local demo provider): a
``Payment`` per charge that went through, a ``Subscription`` per recurring arrangement
(a Premium membership or a recurring gift), and every provider event by its id so each
is processed once. Premium itself is never stored: ``selectors.reader_entitlements``
derives it from the membership's state and the clock.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from masthead.core.idempotency import IdempotentModel, idempotency_constraint
from masthead.core.models import BaseModel


class Interval(models.TextChoices):
    ONCE = "once", "once"
    MONTH = "month", "monthly"
    YEAR = "year", "yearly"


class Kind(models.TextChoices):
    DONATION = "donation", "donation"
    MEMBERSHIP = "membership", "Premium membership"


class Supporter(BaseModel):
    """A reader known to a payment provider (their customer id there), and whether they
    chose to show the Supporter badge beside their comments (off unless they opt in)."""

    reader = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supporter"
    )
    provider = models.CharField(max_length=20, blank=True)
    customer_id = models.CharField(max_length=255, blank=True, db_index=True)
    show_badge = models.BooleanField(
        default=False, help_text="Show the Supporter badge beside this reader's name in the community."
    )

    class Meta:
        verbose_name = "supporter"

    def __str__(self) -> str:
        return f"supporter {self.reader_id}"


class Checkout(IdempotentModel, BaseModel):
    """A checkout someone started: what they asked for and the provider's page for it.
    Nothing is paid or granted by this row; the provider's events do that."""

    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Whose Idempotency-Key space this is: "reader:<id>", or "anonymous" (a key is a UUID).
    owner = models.CharField(max_length=40)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    interval = models.CharField(max_length=10, choices=Interval.choices)
    amount_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    provider = models.CharField(max_length=20)
    session_id = models.CharField(max_length=255, unique=True)
    url = models.URLField(max_length=2000)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [idempotency_constraint("owner", name="membership_checkout_idempotency_key")]

    def __str__(self) -> str:
        return f"{self.kind} checkout {self.session_id}"


class Subscription(BaseModel):
    """A recurring arrangement at the provider: a Premium membership or a recurring gift.

    ``status`` is our reading of the provider's state, changed only by
    ``services.subscription_sync`` from the provider's current object; whether it still
    grants Premium today also depends on the clock (``selectors.membership_status``).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "waiting for the first payment"
        ACTIVE = "active", "active"
        PAST_DUE = "past_due", "payment failed (grace period)"
        CANCELED = "canceled", "canceled (runs to the end of the paid period)"
        EXPIRED = "expired", "expired"

    COMPLIMENTARY = "complimentary"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subscriptions",
    )
    provider = models.CharField(max_length=20)
    provider_id = models.CharField(max_length=255, unique=True)
    customer_id = models.CharField(max_length=255, blank=True)
    checkout_session_id = models.CharField(max_length=255, blank=True, db_index=True)
    interval = models.CharField(max_length=10, choices=Interval.choices, blank=True)
    amount_minor = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    provider_status = models.CharField(max_length=30, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    access_ends_at = models.DateTimeField(
        null=True, blank=True, help_text="For a canceled subscription: the end of the period paid for."
    )
    past_due_since = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True, db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["reader", "kind", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.provider_id} ({self.status})"

    @property
    def is_complimentary(self) -> bool:
        return self.provider == self.COMPLIMENTARY

    @property
    def plan(self) -> str:
        if self.is_complimentary:
            return "complimentary"
        return {Interval.MONTH: "monthly", Interval.YEAR: "yearly"}.get(self.interval, self.interval)


class Payment(BaseModel):
    """Money received: a one-off gift, or one invoice of a subscription.

    Events about one payment can arrive in any order (a refund before the payment it
    refunds); each fills in what it knows and never undoes another's: identifiers and
    details are set once, the refunded amount only grows. Financial records outlive the
    reader's account: erasure detaches the reader and their email (see receivers).
    """

    kind = models.CharField(max_length=20, choices=Kind.choices, blank=True)
    interval = models.CharField(max_length=10, choices=Interval.choices, blank=True)
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="payments"
    )
    email = models.EmailField(blank=True)
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.SET_NULL, related_name="payments"
    )
    provider = models.CharField(max_length=20)
    payment_intent_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    invoice_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    checkout_session_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    amount_minor = models.PositiveIntegerField(default=0)
    refunded_minor = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True, db_index=True)
    confirmed = models.BooleanField(default=False, help_text="A paid event named this payment.")
    receipt_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-paid_at", "-id"]

    def __str__(self) -> str:
        return f"{self.amount_minor / 100:.2f} {self.currency} ({self.kind or 'payment'})"

    @property
    def status(self) -> str:
        if self.refunded_minor and self.refunded_minor >= self.amount_minor:
            return "refunded"
        if self.refunded_minor:
            return "partially_refunded"
        return "paid"


class Bookmark(models.Model):
    """An article a Premium reader saved for later. Kept when Premium lapses (hidden until
    it comes back), gone with the reader's account or the article."""

    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks")
    article = models.ForeignKey("newsroom.Article", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["reader", "article"], name="membership_bookmark_once")]
        indexes = [models.Index(fields=["reader", "-created_at", "-id"], name="membership_bookmark_recent")]

    def __str__(self) -> str:
        return f"{self.reader_id} saved {self.article_id}"


class WebhookEvent(models.Model):
    """One provider event, recorded by its id when it arrives and processed once."""

    id = models.CharField(max_length=255, primary_key=True)
    provider = models.CharField(max_length=20)
    type = models.CharField(max_length=100, db_index=True)
    created = models.DateTimeField(help_text="When the provider created the event.")
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(
                fields=["received_at"], name="membership_event_unprocessed", condition=Q(processed_at=None)
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"


class PlanPrice(BaseModel):
    """A Premium plan's price id at a provider, created by `masthead sync_prices`."""

    provider = models.CharField(max_length=20)
    plan = models.CharField(max_length=10, choices=[("monthly", "monthly"), ("yearly", "yearly")])
    currency = models.CharField(max_length=3)
    amount_minor = models.PositiveIntegerField()
    price_id = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "plan", "currency"], name="membership_planprice_once")
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.amount_minor} {self.currency} = {self.price_id}"


class DemoObject(models.Model):
    """The demo provider's own records (sessions, customers, subscriptions, invoices…),
    shaped like Stripe's objects, so it can answer "what is this object's state now?"."""

    id = models.CharField(max_length=64, primary_key=True)
    type = models.CharField(max_length=40, db_index=True)
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "demo provider object"

    def __str__(self) -> str:
        return f"{self.type} {self.id}"
