from django.urls import path

from masthead.membership import views

app_name = "membership"

# /support/ itself is routed by newsroom.urls (its name, newsroom:support, is linked from
# every page) to views.support.
urlpatterns = [
    path("support/thanks/", views.thanks, name="thanks"),
    path("premium/", views.premium, name="premium"),
    path("premium/checkout/", views.premium_checkout, name="premium-checkout"),
    path("premium/manage/", views.premium_manage, name="premium-manage"),
    path("premium/badge/", views.premium_badge, name="premium-badge"),
    path("me/bookmarks/", views.bookmarks, name="bookmarks"),
    path("me/bookmarks/<slug:slug>/", views.bookmark, name="bookmark"),
    path("webhooks/stripe", views.stripe_webhook, name="stripe-webhook"),
    path("support/demo/checkout/<str:session_id>/", views.demo_checkout, name="demo-checkout"),
    path("support/demo/portal/<str:session_id>/", views.demo_portal, name="demo-portal"),
    path("editors/revenue/", views.revenue, name="revenue"),
    path("editors/revenue.csv", views.revenue_csv, name="revenue-csv"),
]
