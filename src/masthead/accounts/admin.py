from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from masthead.accounts.models import Reader


@admin.register(Reader)
class ReaderAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Profile", {"fields": ("display_name", "bio")}),
    )
    list_display = ("username", "display_name", "email", "is_staff", "date_joined")
    search_fields = ("username", "display_name", "email")
