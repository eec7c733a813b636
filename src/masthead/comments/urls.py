from django.urls import path

from masthead.comments import views

app_name = "comments"

urlpatterns = [
    path("articles/<slug:slug>/comments/", views.thread, name="thread"),
    path("articles/<slug:slug>/comments/preview/", views.preview, name="preview"),
    path("comments/<int:pk>/", views.detail, name="detail"),
    path("comments/<int:pk>/replies/", views.replies, name="replies"),
    path("comments/<int:pk>/edit/", views.edit, name="edit"),
    path("comments/<int:pk>/delete/", views.delete, name="delete"),
    path("comments/<int:pk>/reaction/", views.react, name="react"),
    path("comments/<int:pk>/report/", views.report, name="report"),
]
