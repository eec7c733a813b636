"""What reader revenue stores about a reader, for their data export (accounts.privacy)."""

from masthead.accounts.privacy import register_export_section
from masthead.membership import selectors


@register_export_section("support")
def export_support(reader) -> dict:
    supporter = selectors.supporter_get(reader)
    return {
        "membership": selectors.reader_membership(reader),
        "show_supporter_badge": bool(supporter and supporter.show_badge),
        "payments": [
            {
                "kind": p.kind,
                "interval": p.interval,
                "amount_minor": p.amount_minor,
                "refunded_minor": p.refunded_minor,
                "currency": p.currency,
                "paid_at": p.paid_at,
                "status": p.status,
                "email": p.email,
            }
            for p in selectors.reader_payments(reader)
        ],
        "subscriptions": [
            {
                "kind": s.kind,
                "plan": s.plan,
                "amount_minor": s.amount_minor,
                "currency": s.currency,
                "status": selectors.membership_status(s),
                "started_at": s.started_at,
                "current_period_end": s.current_period_end,
                "ended_at": s.ended_at,
            }
            for s in selectors.reader_subscriptions(reader)
        ],
    }


@register_export_section("bookmarks")
def export_bookmarks(reader) -> list[dict]:
    return [
        {"article": b.article.slug, "headline": b.article.headline, "saved_at": b.created_at}
        for b in reader.bookmarks.select_related("article").order_by("-created_at", "-id")
    ]
