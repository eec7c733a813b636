"""`/api/v1/me…` and `/api/v1/readers/{username}`: accounts' part of the JSON API."""

from datetime import datetime
from typing import Any

from django.contrib.auth import logout
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from masthead.accounts import selectors, services
from masthead.accounts.privacy import reader_export
from masthead.accounts.throttle import throttle
from masthead.api.auth import reader_optional, reader_required

router = Router(tags=["readers"])


class ReaderOut(Schema):
    username: str
    display_name: str
    bio: str
    joined_at: datetime
    comment_count: int
    follower_count: int
    following_count: int
    is_following: bool
    accepts_followers: bool = Field(
        description="false: the reader takes no followers (offer no Follow button)."
    )
    followers_visible: bool = Field(
        description="The caller may read GET /readers/{username}/followers (false: the list is private)."
    )


class MembershipOut(Schema):
    status: str = Field(
        description="none, active, past_due (a renewal failed: Premium through a grace period), "
        "canceled (Premium until ends_at) or expired."
    )
    plan: str | None = Field(description="monthly, yearly or complimentary.")
    renews_at: datetime | None
    ends_at: datetime | None = Field(None, description="When Premium ends, if it will not renew.")


class StandingOut(Schema):
    status: str = Field(description="active, suspended or banned.")
    until: datetime | None = Field(description="When a suspension ends by itself.")
    message: str


class MeOut(ReaderOut):
    email: str
    email_verified: bool
    roles: list[str]
    membership: MembershipOut
    standing: StandingOut


class DeleteMeIn(Schema):
    password: str = Field(max_length=4096)


@router.get("/me", response=MeOut, auth=reader_required, summary="My profile, roles and membership")
def get_me(request: HttpRequest):
    return selectors.reader_own_profile(reader=request.user)


@router.get(
    "/readers/{username}",
    response=ReaderOut,
    auth=reader_optional,
    summary="A reader's public profile (never an email)",
)
def get_reader(request: HttpRequest, username: str):
    return selectors.reader_public_profile(username=username, viewer=request.user)


@router.get(
    "/me/export",
    response=dict[str, Any],
    auth=reader_required,
    summary="Everything stored about me, as JSON",
)
def export_me(request: HttpRequest):
    return reader_export(reader=request.user)


@router.delete(
    "/me",
    response={204: None},
    auth=reader_required,
    summary="Delete my account (confirm with my password)",
    description=(
        "Erases the account; comments stay in their threads as tombstones. A wrong password "
        "is refused with 403 `password_incorrect`; repeated attempts with 429 `rate_limited`."
    ),
)
def delete_me(request: HttpRequest, payload: DeleteMeIn):
    throttle(request, action="delete_account", user=request.user)
    services.reader_delete(reader=request.user, password=payload.password)
    if getattr(request, "auth_method", None) == "session":
        logout(request)
    return Status(204, None)
