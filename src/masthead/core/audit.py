from django.db import models

from masthead.core.models import AuditLogEntry


def audit_log(*, actor, action: str, target: models.Model, reason: str = "", **data) -> AuditLogEntry:
    """Record what an editor or moderator did; called by the service doing it."""
    return AuditLogEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:255],
        reason=reason,
        data=data,
    )
