from django.urls import path

from masthead.moderation import views

app_name = "moderation"

urlpatterns = [
    path("moderation/", views.desk, name="desk"),
    path("moderation/queue/<str:queue>/", views.queue, name="queue"),
    path("moderation/comments/bulk/", views.bulk, name="bulk"),
    path("moderation/comments/<int:comment_id>/", views.comment, name="comment"),
    path("moderation/comments/<int:comment_id>/<str:action>/", views.comment_action, name="comment-action"),
    path("moderation/readers/<str:username>/", views.reader, name="reader"),
    path("moderation/readers/<str:username>/<str:action>/", views.reader_action, name="reader-action"),
    path("moderation/log/", views.log, name="log"),
    path("moderation/settings/", views.settings_page, name="settings"),
    path("moderation/metrics/", views.metrics_page, name="metrics"),
]
