"""What comments stores about a reader, in their export (accounts.privacy)."""

from masthead.accounts.privacy import register_export_section
from masthead.comments import selectors
from masthead.comments.models import Reaction, Report


@register_export_section("comments")
def export_comments(reader) -> list[dict]:
    return [
        {
            "id": c.pk,
            "article": c.article.slug,
            "article_headline": c.article.headline,
            "url": c.get_absolute_url(),
            "parent_id": c.parent_id,
            "body": c.body,
            "body_html": c.body_html,
            "status": c.status,
            "moderation_reason": c.moderation_reason,
            "created_at": c.created_at,
            "edited_at": c.edited_at,
            "deleted_at": c.deleted_at,
            "featured": c.featured_at is not None,
            "reaction_count": c.reaction_count,
            "reply_count": c.reply_count,
        }
        for c in selectors.reader_comments(reader)
    ]


@register_export_section("comment_reactions")
def export_reactions(reader) -> list[dict]:
    reactions = Reaction.objects.filter(reader=reader).order_by("-created_at", "-id")
    return [{"comment_id": r.comment_id, "created_at": r.created_at} for r in reactions]


@register_export_section("comment_reports")
def export_reports(reader) -> list[dict]:
    reports = Report.objects.filter(reader=reader).order_by("-created_at", "-id")
    return [
        {"comment_id": r.comment_id, "reason": r.reason, "note": r.note, "created_at": r.created_at}
        for r in reports
    ]
