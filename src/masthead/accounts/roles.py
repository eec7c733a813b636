"""Roles are Django groups with a fixed set of permissions, kept in step after every migrate.

reader: no extra permission. moderator: the moderation desk. editor: the newsroom in the
admin. admin: everything, including people. Premium is not a role: membership derives it.
"""

from django.contrib.auth.models import Group, Permission

READER, MODERATOR, EDITOR, ADMIN = "reader", "moderator", "editor", "admin"
ROLES = (READER, MODERATOR, EDITOR, ADMIN)
STAFF_ROLES = (MODERATOR, EDITOR, ADMIN)

# app_label -> model names whose add/change/delete/view permissions the role gets.
_ROLE_MODELS: dict[str, dict[str, tuple[str, ...]]] = {
    READER: {},
    # The desk (/moderation/) checks the role itself; these let a moderator also use the
    # admin's moderation settings and per-section/article modes.
    MODERATOR: {
        "core": ("auditlogentry",),
        "moderation": ("moderationsettings", "sectionmoderation", "articlemoderation"),
    },
    EDITOR: {
        "newsroom": (
            "section",
            "author",
            "tag",
            "article",
            "articleauthor",
            "liveupdate",
            "supportappeal",
        ),
        # When an article's comments close (Thread.closes_at), and its moderation mode.
        "comments": ("thread",),
        "moderation": ("articlemoderation",),
        "core": ("auditlogentry",),
    },
    ADMIN: {},
}


def role_permissions(role: str):
    if role == ADMIN:
        return Permission.objects.all()
    query = Permission.objects.none()
    for app_label, models in _ROLE_MODELS[role].items():
        query |= Permission.objects.filter(content_type__app_label=app_label, content_type__model__in=models)
    return query


def sync_role_groups(sender=None, **kwargs) -> None:
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(role_permissions(role))


def has_role(user, role: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=role).exists()
