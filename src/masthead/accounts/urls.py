from django.urls import path

from masthead.accounts import views

app_name = "accounts"

urlpatterns = [
    path("readers/<str:username>/", views.profile, name="profile"),
    path("me/", views.me, name="me"),
    path("me/settings/", views.settings_page, name="settings"),
    path("me/tokens/", views.tokens, name="tokens"),
    path("me/tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    path("me/privacy/", views.privacy, name="privacy"),
    path("me/privacy/export.json", views.export, name="export"),
    path("me/privacy/delete/", views.delete, name="delete"),
]
