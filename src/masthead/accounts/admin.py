import hashlib

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from masthead.accounts.models import PersonalAccessToken, Reader, RetiredUsername, SignIn
from masthead.accounts.services import reader_erase


class TokenInline(admin.TabularInline):
    model = PersonalAccessToken
    fields = ("name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # tokens are made by their reader, so only they ever see the secret


class SignInInline(admin.TabularInline):
    model = SignIn
    fields = ("at", "ip_address", "user_agent")
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0


@admin.register(Reader)
class ReaderAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Profile", {"fields": ("display_name", "bio")}),
        ("Standing", {"fields": ("suspended_until", "banned_at", "sanction_message")}),
    )
    list_display = (
        "username",
        "display_name",
        "email",
        "is_staff",
        "date_joined",
        "banned_at",
        "suspended_until",
    )
    list_filter = (*UserAdmin.list_filter, "banned_at")
    search_fields = ("username", "display_name", "email")
    inlines = (TokenInline, SignInInline)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly.append("username")  # a reader's handle never changes once chosen
        return readonly

    # Deleting from the admin erases like a reader's own deletion: signal, retired name.
    def delete_model(self, request, obj) -> None:
        reader_erase(reader=obj)

    def delete_queryset(self, request, queryset) -> None:
        for reader in queryset:
            reader_erase(reader=reader)


@admin.register(RetiredUsername)
class RetiredUsernameAdmin(admin.ModelAdmin):
    """Names of deleted accounts. Search by the exact name to find one and release it."""

    list_display = ("__str__", "retired_at")
    search_fields = ("digest",)
    search_help_text = "Type the exact username (its fingerprint is what is stored)."

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_search_results(self, request, queryset, search_term):
        if not search_term:
            return queryset, False
        digest = hashlib.sha256(search_term.strip().casefold().encode()).hexdigest()
        return queryset.filter(digest=digest), False
