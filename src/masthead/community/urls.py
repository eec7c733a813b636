from django.urls import path

from masthead.community import views

app_name = "community"

urlpatterns = [
    path("me/following/", views.following_feed, name="following"),
    path("me/notifications/", views.notifications, name="notifications"),
    path("me/notifications/<int:notification_id>/", views.notification_open, name="notification-open"),
    path("me/notifications/read/", views.notifications_read, name="notifications-read"),
    path("me/notifications/settings/", views.notification_settings, name="settings"),
    path("me/notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("readers/<str:username>/follow/", views.follow, name="follow"),
    path("readers/<str:username>/ignore/", views.ignore, name="ignore"),
    path("readers/<str:username>/followers/", views.reader_followers, name="reader-followers"),
    path("readers/<str:username>/following/", views.reader_following, name="reader-following"),
    path("readers/<str:username>/comments/", views.reader_comments, name="reader-comments"),
]
