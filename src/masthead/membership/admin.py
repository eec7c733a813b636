from django.contrib import admin

from masthead.membership.models import Checkout, Payment, PlanPrice, Subscription, Supporter, WebhookEvent


class ReadOnly(admin.ModelAdmin):
    """Money is recorded from the provider's events; the admin shows it and never edits it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnly):
    list_display = (
        "paid_at",
        "kind",
        "interval",
        "amount_minor",
        "refunded_minor",
        "currency",
        "reader",
        "provider",
    )
    list_filter = ("kind", "interval", "provider", "confirmed")
    search_fields = ("payment_intent_id", "invoice_id", "checkout_session_id", "email", "reader__username")
    list_select_related = ("reader",)
    date_hierarchy = "paid_at"


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnly):
    list_display = (
        "provider_id",
        "kind",
        "reader",
        "status",
        "interval",
        "amount_minor",
        "current_period_end",
    )
    list_filter = ("kind", "status", "provider")
    search_fields = ("provider_id", "customer_id", "reader__username")
    list_select_related = ("reader",)


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnly):
    list_display = ("id", "type", "provider", "received_at", "processed_at", "attempts")
    list_filter = ("type", "provider")
    search_fields = ("id",)


@admin.register(Checkout)
class CheckoutAdmin(ReadOnly):
    list_display = ("created_at", "kind", "interval", "amount_minor", "currency", "owner", "provider")
    list_filter = ("kind", "interval", "provider")


@admin.register(Supporter)
class SupporterAdmin(ReadOnly):
    list_display = ("reader", "provider", "customer_id", "show_badge")
    search_fields = ("reader__username", "customer_id")


@admin.register(PlanPrice)
class PlanPriceAdmin(ReadOnly):
    list_display = ("provider", "plan", "currency", "amount_minor", "price_id")
