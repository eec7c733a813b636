from django.contrib.sitemaps.views import sitemap
from django.urls import path

from masthead.membership import views as membership_views
from masthead.newsroom import feeds, live_views, sitemaps, views

app_name = "newsroom"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("section/<slug:slug>/", views.section, name="section"),
    path("authors/<slug:slug>/", views.author, name="author"),
    path("tags/<slug:slug>/", views.tag, name="tag"),
    path("articles/<slug:slug>/", views.article, name="article"),
    path("feeds/rss/", feeds.LatestRss(), name="feed-rss"),
    path("feeds/atom/", feeds.LatestAtom(), name="feed-atom"),
    path("section/<slug:slug>/rss/", feeds.SectionRss(), name="section-feed-rss"),
    path("section/<slug:slug>/atom/", feeds.SectionAtom(), name="section-feed-atom"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": sitemaps.SITEMAPS, "template_name": "sitemaps/sitemap.xml"},
        name="sitemap",
    ),
    path("sitemap-news.xml", sitemaps.news_sitemap, name="sitemap-news"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    # Reader revenue's page (donations); the name stays newsroom:support, linked from every page.
    path("support/", membership_views.support, name="support"),
    path("newsroom/live/<slug:slug>/", live_views.live_desk, name="live-desk"),
]
