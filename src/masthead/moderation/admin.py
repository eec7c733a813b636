"""Moderation settings in the admin (moderators also have their own page: /moderation/settings/).

Writes go through ``moderation.services`` so they are validated the same way as through
the API and written to the audit log.
"""

from django import forms
from django.contrib import admin

from masthead.moderation import services
from masthead.moderation.models import ArticleModeration, ModerationSettings, SectionModeration

_LISTS = ("banned_words", "suspect_words", "allowed_words", "link_allowlist")
_LIST = forms.Textarea(attrs={"rows": 12, "class": "vLargeTextField"})


class ModerationSettingsForm(forms.ModelForm):
    class Meta:
        model = ModerationSettings
        fields = services.SETTINGS_FIELDS
        widgets = {
            "banned_words": _LIST,
            "suspect_words": _LIST,
            "allowed_words": _LIST,
            "link_allowlist": _LIST,
        }


@admin.register(ModerationSettings)
class ModerationSettingsAdmin(admin.ModelAdmin):
    form = ModerationSettingsForm
    list_display = ("__str__", "mode", "toxicity_threshold", "new_reader_count", "updated_at", "updated_by")

    def has_add_permission(self, request) -> bool:
        return not ModerationSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        changes = {}
        for name in form.changed_data:
            value = form.cleaned_data[name]
            changes[name] = value.splitlines() if name in _LISTS else value
        services.moderation_settings_update(actor=request.user, changes=changes)
        obj.refresh_from_db()


@admin.register(SectionModeration)
class SectionModerationAdmin(admin.ModelAdmin):
    list_display = ("section", "mode", "updated_at")
    list_select_related = ("section",)

    def save_model(self, request, obj, form, change):
        services.section_mode_set(section=obj.section, mode=obj.mode, actor=request.user)

    def delete_model(self, request, obj):
        services.section_mode_set(section=obj.section, mode=None, actor=request.user)


@admin.register(ArticleModeration)
class ArticleModerationAdmin(admin.ModelAdmin):
    list_display = ("article", "mode", "updated_at")
    list_select_related = ("article",)
    raw_id_fields = ("article",)
    search_fields = ("article__headline",)

    def save_model(self, request, obj, form, change):
        services.article_mode_set(article=obj.article, mode=obj.mode, actor=request.user)

    def delete_model(self, request, obj):
        services.article_mode_set(article=obj.article, mode=None, actor=request.user)
