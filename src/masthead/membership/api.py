"""`/api/v1/support/checkout`, `/api/v1/me/membership/portal` and `/api/v1/me/bookmarks…`."""

from datetime import datetime
from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from ninja import Header, Query, Router, Schema, Status
from pydantic import Field

from masthead.api.auth import reader_required
from masthead.core.idempotency import HEADER, validate_key
from masthead.membership import selectors, services

router = Router(tags=["reader revenue"])


class CheckoutIn(Schema):
    kind: Literal["donation", "membership"]
    amount_minor: int | None = Field(
        None,
        description="For a donation: the amount in minor units (pence, cents), within the configured bounds.",
    )
    currency: str | None = Field(
        None, min_length=3, max_length=3, description="Defaults to the site's currency."
    )
    interval: Literal["once", "month", "year"]
    plan: str | None = Field(None, max_length=20, description="For a membership: premium, monthly or yearly.")


class CheckoutOut(Schema):
    checkout_url: str


class PortalOut(Schema):
    portal_url: str


class SectionOut(Schema):
    name: str
    slug: str


class BookmarkOut(Schema):
    slug: str
    url: str
    headline: str
    standfirst: str
    section: SectionOut
    published_at: datetime | None
    saved_at: datetime


class BookmarkListOut(Schema):
    items: list[BookmarkOut]
    next_cursor: str | None


class BookmarkQuery(Schema):
    q: str | None = Field(
        None, max_length=200, description="Only saved stories whose headline or standfirst match."
    )
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(20, ge=1, le=100)


@router.post(
    "/support/checkout",
    response={201: CheckoutOut},
    summary="Start paying: a donation (anyone) or a Premium membership (a reader)",
    description=(
        "Answers with the provider's checkout page to send the payer to. Nothing is granted "
        "until the provider reports the payment. 422 `validation_error` for an amount outside "
        "the configured bounds; 401 for a membership without an account; 409 `already_member`. "
        "The same `Idempotency-Key` from the same caller within 24 h answers with the same checkout."
    ),
)
def start_checkout(
    request: HttpRequest,
    payload: CheckoutIn,
    idempotency_key: str | None = Header(None, alias=HEADER),
):
    checkout = services.checkout_start(
        reader=request.user,
        kind=payload.kind,
        interval=payload.interval,
        amount_minor=payload.amount_minor,
        currency=payload.currency,
        plan=payload.plan,
        idempotency_key=validate_key(idempotency_key),
    )
    return Status(201, {"checkout_url": checkout.url})


@router.get(
    "/me/membership/portal",
    response=PortalOut,
    auth=reader_required,
    summary="Where to manage or cancel my membership and regular gifts",
)
def membership_portal(request: HttpRequest):
    return {
        "portal_url": services.portal_open(
            reader=request.user, return_url=settings.SITE_URL + reverse("membership:premium")
        )
    }


def _bookmark(request: HttpRequest, bookmark) -> dict:
    article = bookmark.article
    return {
        "slug": article.slug,
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "headline": article.headline,
        "standfirst": article.standfirst,
        "section": {"name": article.section.name, "slug": article.section.slug},
        "published_at": article.published_at,
        "saved_at": bookmark.created_at,
    }


@router.get(
    "/me/bookmarks",
    response=BookmarkListOut,
    auth=reader_required,
    summary="My saved stories, newest first (Premium)",
    description="403 `premium_required` without a Premium membership; saved stories are kept when it lapses.",
)
def list_bookmarks(request: HttpRequest, query: Query[BookmarkQuery]):
    page = selectors.bookmark_page(
        reader=request.user, q=(query.q or "").strip(), cursor=query.cursor, limit=query.limit
    )
    return {"items": [_bookmark(request, b) for b in page.items], "next_cursor": page.next_cursor}


@router.put(
    "/me/bookmarks/{slug}",
    response=BookmarkOut,
    auth=reader_required,
    summary="Save a story for later (Premium; saving twice is fine)",
)
def put_bookmark(request: HttpRequest, slug: str):
    return _bookmark(request, services.bookmark_add(reader=request.user, slug=slug))


@router.delete(
    "/me/bookmarks/{slug}",
    response={204: None},
    auth=reader_required,
    summary="Forget a saved story (Premium; forgetting twice is fine)",
)
def delete_bookmark(request: HttpRequest, slug: str):
    services.bookmark_remove(reader=request.user, slug=slug)
    return Status(204, None)
