"""The newsroom desk: editors write, preview, schedule and publish in the Django admin.

Every write to an article, a live update or the appeal goes through
``masthead.newsroom.services`` so it is sanitized, audited and clears cached pages; the
admin only collects the form.
"""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from masthead.core import pagecache
from masthead.newsroom import services
from masthead.newsroom.models import Article, ArticleAuthor, Author, LiveUpdate, Section, SupportAppeal, Tag

_WIDE = {"class": "vLargeTextField"}  # the admin's full-width text box


def _refresh_listings() -> None:
    """Sections, authors and tags show on cached listing pages (the sections bar is on
    every page); they have no service of their own yet, so their admins refresh pages."""
    transaction.on_commit(lambda: pagecache.bump(services.NEWSROOM))


class _RefreshListingsAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _refresh_listings()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _refresh_listings()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        _refresh_listings()


@admin.register(Section)
class SectionAdmin(_RefreshListingsAdmin):
    list_display = ("name", "slug", "position", "description")
    list_editable = ("position",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Author)
class AuthorAdmin(_RefreshListingsAdmin):
    list_display = ("name", "job_title", "slug", "reader")
    search_fields = ("name", "slug", "job_title")
    prepopulated_fields = {"slug": ("name",)}
    raw_id_fields = ("reader",)
    list_select_related = ("reader",)


@admin.register(Tag)
class TagAdmin(_RefreshListingsAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


class ArticleStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return (("draft", "Draft"), ("scheduled", "Scheduled"), ("published", "Published"))

    def queryset(self, request, queryset):
        now = timezone.now()
        published = Q(status=Article.Status.PUBLISHED, published_at__isnull=False)
        match self.value():
            case "draft":
                return queryset.exclude(published)
            case "scheduled":
                return queryset.filter(published, published_at__gt=now)
            case "published":
                return queryset.filter(published, published_at__lte=now)
        return queryset


class ArticleAuthorInline(admin.TabularInline):
    model = ArticleAuthor
    extra = 1
    fields = ("author", "position")
    autocomplete_fields = ("author",)
    ordering = ("position", "id")
    verbose_name = "byline"
    verbose_name_plural = "bylines"


class LiveUpdateForm(forms.ModelForm):
    class Meta:
        model = LiveUpdate
        fields = ("posted_at", "headline", "body")
        widgets = {
            "headline": forms.TextInput(attrs=_WIDE),
            "body": forms.Textarea(attrs={**_WIDE, "rows": 5}),
        }


class LiveUpdateInline(admin.StackedInline):
    model = LiveUpdate
    form = LiveUpdateForm
    extra = 1
    fields = ("posted_at", "headline", "body", "author")
    readonly_fields = ("author",)
    ordering = ("-posted_at", "-id")
    verbose_name = "live update"
    verbose_name_plural = "live updates, newest first"


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose what editors see
        widgets = {
            "headline": forms.TextInput(attrs=_WIDE),
            "slug": forms.TextInput(attrs=_WIDE),
            "standfirst": forms.Textarea(attrs={**_WIDE, "rows": 3}),
            "body": forms.Textarea(attrs={**_WIDE, "rows": 24}),
            "hero_alt": forms.TextInput(attrs=_WIDE),
            "hero_caption": forms.TextInput(attrs=_WIDE),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("hero_image") and not (cleaned.get("hero_alt") or "").strip():
            self.add_error("hero_alt", "Describe the picture for readers who cannot see it.")
        return cleaned


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleForm
    list_display = (
        "headline",
        "section",
        "state_label",
        "published_at",
        "is_live",
        "is_top_story",
        "preview",
    )
    list_filter = (ArticleStateFilter, "section", "is_live", "is_top_story", "comments_enabled")
    list_select_related = ("section",)
    search_fields = ("headline", "standfirst", "slug")
    date_hierarchy = "published_at"
    ordering = ("-published_at", "-id")
    prepopulated_fields = {"slug": ("headline",)}
    autocomplete_fields = ("tags",)
    inlines = (ArticleAuthorInline, LiveUpdateInline)
    actions = ("publish_now", "unpublish")
    readonly_fields = ("state_label", "preview", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("headline", "slug", "section", "standfirst", "body", "tags")}),
        ("Picture", {"fields": ("hero_image", "hero_alt", "hero_caption")}),
        (
            "Publishing",
            {
                "fields": (
                    ("state_label", "preview"),
                    "status",
                    "published_at",
                    "revised_at",
                    ("is_top_story", "is_live", "comments_enabled"),
                ),
                "description": "Choose “Published” with a time in the future to schedule a story. "
                "Leave the time empty to publish now.",
            },
        ),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    @admin.display(description="state")
    def state_label(self, obj: Article) -> str:
        if obj.pk is None:
            return "new"
        if obj.state == "scheduled":
            return f"scheduled for {timezone.localtime(obj.published_at):%d %b %Y %H:%M}"
        return obj.state

    @admin.display(description="page")
    def preview(self, obj: Article) -> str:
        if obj.pk is None:
            return "—"
        label = "View" if obj.is_published else "Preview"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', obj.get_absolute_url(), label
        )

    def view_on_site(self, obj: Article) -> str:
        return obj.get_absolute_url()

    def get_inline_instances(self, request, obj=None):
        # Live updates belong to live stories only, once the story exists.
        return [
            inline
            for inline in super().get_inline_instances(request, obj)
            if not isinstance(inline, LiveUpdateInline) or (obj is not None and obj.is_live)
        ]

    def save_model(self, request, obj, form, change):
        services.article_save(article=obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not LiveUpdate:
            return super().save_formset(request, form, formset, change)
        updates = formset.save(commit=False)
        for update in formset.deleted_objects:
            services.liveupdate_delete(update=update, actor=request.user)
        for update in updates:
            if update.author_id is None:
                update.author = request.user
            services.liveupdate_save(update=update, actor=request.user)
        return None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.article_bylines_changed(article=form.instance)

    @admin.action(description="Publish now", permissions=["change"])
    def publish_now(self, request, queryset):
        count = 0
        for article in queryset:
            services.article_publish(article=article, actor=request.user)
            count += 1
        self.message_user(request, f"Published {count} article(s).", messages.SUCCESS)

    @admin.action(description="Unpublish (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = 0
        for article in queryset.exclude(status=Article.Status.DRAFT):
            services.article_unpublish(article=article, actor=request.user, reason="Unpublished in the admin")
            count += 1
        self.message_user(request, f"Unpublished {count} article(s).", messages.SUCCESS)


@admin.register(SupportAppeal)
class SupportAppealAdmin(admin.ModelAdmin):
    """One appeal, shown at the foot of every article: the list is its edit form."""

    fields = ("heading", "body", "button_label")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SupportAppeal.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        appeal = SupportAppeal.objects.order_by("id").first()
        if appeal is None:
            return HttpResponseRedirect(reverse("admin:newsroom_supportappeal_add"))
        return HttpResponseRedirect(reverse("admin:newsroom_supportappeal_change", args=[appeal.pk]))

    def save_model(self, request, obj, form, change):
        services.appeal_save(appeal=obj, actor=request.user)
