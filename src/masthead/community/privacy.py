"""The community's section of a reader's export (``GET /api/v1/me/export``)."""

from masthead.accounts.privacy import register_export_section
from masthead.community import selectors
from masthead.community.models import Follow, Ignore, Notification


@register_export_section("community")
def export_community(reader) -> dict:
    profile = selectors.community_profile(reader)
    following = Follow.objects.filter(follower_id=reader.pk).select_related("followed").order_by("created_at")
    followers = Follow.objects.filter(followed_id=reader.pk).select_related("follower").order_by("created_at")
    ignoring = Ignore.objects.filter(reader_id=reader.pk).select_related("ignored").order_by("created_at")
    notifications = (
        Notification.objects.filter(recipient_id=reader.pk)
        .select_related("actor", "article")
        .order_by("-created_at", "-id")
    )
    return {
        "options": {
            "followers_private": profile.followers_private,
            "accepts_followers": profile.accepts_followers,
        },
        "notification_settings": selectors.notification_settings(reader=reader),
        "following": [{"username": f.followed.username, "since": f.created_at} for f in following],
        "followers": [{"username": f.follower.username, "since": f.created_at} for f in followers],
        "ignoring": [{"username": i.ignored.username, "since": i.created_at} for i in ignoring],
        "notifications": [
            {
                "kind": n.kind,
                "created_at": n.created_at,
                "read_at": n.read_at,
                "emailed_at": n.emailed_at,
                "text": selectors.notification_text(n),
            }
            for n in notifications.iterator(chunk_size=500)
        ],
    }
