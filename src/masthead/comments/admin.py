"""Comments in the admin: for looking things up. Changes go through the services (so they
are counted, logged and reach open pages); the moderation desk is where moderators work."""

from django.contrib import admin, messages

from masthead.comments import services
from masthead.comments.models import Comment, Report, Thread
from masthead.core.errors import MastheadError


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ("article", "comment_count", "closes_at")
    search_fields = ("article__headline", "article__slug")
    readonly_fields = ("article", "comment_count", "updated_at")
    fields = ("article", "comment_count", "closes_at", "updated_at")

    def has_add_permission(self, request) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        services.thread_set_closing(article=obj.article, closes_at=obj.closes_at, actor=request.user)


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    can_delete = False
    fields = ("reader", "reason", "note", "created_at")
    readonly_fields = fields


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = (
        "id", "article", "author", "status", "created_at", "reaction_count", "report_count", "deleted_at"
    )  # fmt: skip
    list_filter = ("status", "featured_at", "deleted_at")
    search_fields = ("body", "author__username", "article__slug")
    list_select_related = ("article", "author")
    raw_id_fields = ("article", "author", "parent")
    readonly_fields = [f.name for f in Comment._meta.fields]
    inlines = [ReportInline]
    actions = ["feature", "unfeature", "delete_as_moderator"]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deleting leaves a tombstone: use the action

    @admin.action(description="Feature the selected comments")
    def feature(self, request, queryset) -> None:
        self._each(request, queryset, services.comment_feature)

    @admin.action(description="Stop featuring the selected comments")
    def unfeature(self, request, queryset) -> None:
        self._each(request, queryset, services.comment_unfeature)

    @admin.action(description="Delete the selected comments (leaves tombstones)")
    def delete_as_moderator(self, request, queryset) -> None:
        for comment in queryset:
            services.comment_delete(comment=comment, actor=request.user)

    def _each(self, request, queryset, service) -> None:
        for comment in queryset:
            try:
                service(comment=comment, actor=request.user)
            except MastheadError as exc:  # one refusal should not stop the rest
                self.message_user(request, f"Comment {comment.pk}: {exc}", messages.WARNING)
