from django.contrib import admin

from masthead.community.models import Digest, Follow, Ignore, Notification


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("follower", "followed", "created_at")
    search_fields = ("follower__username", "followed__username")
    raw_id_fields = ("follower", "followed")
    date_hierarchy = "created_at"


@admin.register(Ignore)
class IgnoreAdmin(admin.ModelAdmin):
    list_display = ("reader", "ignored", "created_at")
    search_fields = ("reader__username", "ignored__username")
    raw_id_fields = ("reader", "ignored")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "actor", "count", "delivery", "created_at", "read_at", "emailed_at")
    list_filter = ("kind", "delivery")
    search_fields = ("recipient__username", "actor__username", "source")
    raw_id_fields = ("recipient", "actor", "article")
    date_hierarchy = "created_at"


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ("reader", "day", "notification_count", "sent_at")
    search_fields = ("reader__username",)
    raw_id_fields = ("reader",)
