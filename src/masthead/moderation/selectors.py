"""Every read of the moderation settings and modes."""

from masthead.accounts.roles import ADMIN, MODERATOR, has_role
from masthead.core.errors import MastheadError
from masthead.moderation import config, scorers
from masthead.moderation.models import ModerationSettings, SectionModeration


def is_moderator(user) -> bool:
    return has_role(user, MODERATOR) or has_role(user, ADMIN)


def require_moderator(user) -> None:
    if not is_moderator(user):
        raise MastheadError("forbidden", "Only moderators can do that.", 403)


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def moderation_settings(*, viewer) -> dict:
    """The settings as moderators see and edit them (403 for anyone else)."""
    require_moderator(viewer)
    row = ModerationSettings.load()
    return {
        "mode": row.mode,
        "banned_words": _lines(row.banned_words),
        "suspect_words": _lines(row.suspect_words),
        "allowed_words": _lines(row.allowed_words),
        "link_policy": row.link_policy,
        "link_allowlist": _lines(row.link_allowlist),
        "toxicity_threshold": row.toxicity_threshold,
        "new_reader_count": row.new_reader_count,
        "new_reader_probation_days": row.new_reader_probation_days,
        "rejection_rate_threshold": row.rejection_rate_threshold,
        "rejection_rate_min_comments": row.rejection_rate_min_comments,
        "section_modes": dict(
            SectionModeration.objects.select_related("section")
            .order_by("section__position", "section__name")
            .values_list("section__slug", "mode")
        ),
        "scorer": getattr(scorers.get_scorer(), "name", "none"),
        "updated_at": row.updated_at,
    }


def moderation_mode(article) -> str:
    """``post``, ``pre`` or ``closed`` for this article (its own, else section's, else site's)."""
    return config.current().mode_for(article_id=article.pk, section_id=article.section_id)


def comments_closed_by_moderation(article) -> bool:
    """Moderators closed this article's comments (or its section's, or the whole site's)."""
    return moderation_mode(article) == config.CLOSED
