"""``/api/v1/moderation/settings``: the moderation settings (moderators only).

(Phase 2 adds the queues, actions and log to this router.)
"""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from masthead.api.auth import reader_required
from masthead.moderation import selectors, services

router = Router(tags=["moderation"])

Mode = Literal["post", "pre", "closed"]
SectionMode = Literal["post", "pre", "closed", "inherit"]
LinkPolicy = Literal["allowlist", "hold_all", "allow_all"]


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
    section_modes: dict[str, Mode] = Field(description="Sections with their own mode, by slug.")
    scorer: str = Field(description="The toxicity scorer in use (MODERATION_SCORER; not editable here).")
    updated_at: datetime


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
    section_modes: dict[str, SectionMode] | None = Field(
        None, description="Section slug → mode, or inherit to follow the site's."
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
    changes = payload.model_dump(exclude_none=True, exclude={"section_modes"})
    services.moderation_settings_update(
        actor=request.user, changes=changes, section_modes=payload.section_modes
    )
    return selectors.moderation_settings(viewer=request.user)
