from django.contrib import admin

from masthead.core.models import AuditLogEntry


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(admin.ModelAdmin):
    """The audit log is written only by services; in the admin it can be read, never edited."""

    list_display = ("at", "actor", "action", "target_type", "target_repr", "reason")
    list_filter = ("action", "target_type")
    list_select_related = ("actor",)
    search_fields = ("action", "target_repr", "target_id", "actor__username", "reason")
    date_hierarchy = "at"
    fields = ("at", "actor", "action", "target_type", "target_id", "target_repr", "reason", "data")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
