"""sitemap.xml, the Google News sitemap and robots.txt.

Every URL is built from ``SITE_URL``'s scheme and host, never the request's: without
django.contrib.sites, Django's sitemap view would use a RequestSite (whatever Host header the
crawler sent, and plain http behind a TLS-terminating proxy), and a sitemap must name the
canonical address. ``CanonicalSitemap`` overrides ``get_protocol``/``get_domain``, the two
hooks ``Sitemap.get_urls`` asks.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from masthead.newsroom import selectors
from masthead.newsroom.models import Article, Author, Section, Tag
from masthead.newsroom.templatetags.seo_tags import site_url, w3c_datetime, xml_safe

NEWS_WINDOW = timedelta(hours=48)  # Google News reads only the last two days
NEWS_LIMIT = 1000  # and at most this many entries per sitemap


class CanonicalSitemap(Sitemap):
    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc


def _published_only():
    """A lean queryset of published articles: a sitemap needs URLs and dates, not bylines."""
    return (
        selectors.article_list_published()
        .select_related(None)
        .prefetch_related(None)
        .only("slug", "published_at", "revised_at", "updated_at")
    )


class ArticleSitemap(CanonicalSitemap):
    def items(self):
        return _published_only()

    def lastmod(self, article: Article):
        return article.last_modified


class _WithPublishedArticles(CanonicalSitemap):
    """Sections, authors and tags that have at least one published article (an empty page
    is not worth a crawl), each dated by its newest article."""

    model: type

    def items(self):
        return (
            self.model.objects.filter(articles__in=Article.objects.published().values("pk"))
            .annotate(newest=Max("articles__published_at"))
            .order_by("pk")
        )

    def lastmod(self, obj):
        return obj.newest


class SectionSitemap(_WithPublishedArticles):
    model = Section


class AuthorSitemap(_WithPublishedArticles):
    model = Author


class TagSitemap(_WithPublishedArticles):
    model = Tag


class StaticSitemap(CanonicalSitemap):
    def items(self) -> list[str]:
        return ["newsroom:home", "newsroom:support"]

    def location(self, name: str) -> str:
        return reverse(name)

    def lastmod(self, name: str):
        if name == "newsroom:home":
            return _published_only().values_list("published_at", flat=True).first()
        return None


SITEMAPS = {
    "static": StaticSitemap,
    "sections": SectionSitemap,
    "articles": ArticleSitemap,
    "authors": AuthorSitemap,
    "tags": TagSitemap,
}


def news_sitemap(request: HttpRequest) -> HttpResponse:
    """Articles published in the last 48 hours, in Google News' sitemap format."""
    since = timezone.now() - NEWS_WINDOW
    articles = _published_only().only("slug", "headline", "published_at").filter(published_at__gte=since)
    entries = [
        {
            "location": site_url(article.get_absolute_url()),
            "title": xml_safe(article.headline),
            "published": w3c_datetime(article.published_at),
        }
        for article in articles[:NEWS_LIMIT]
    ]
    content = render_to_string(
        "sitemaps/news.xml",
        {
            "entries": entries,
            "publication_name": xml_safe(settings.SITE_NAME),
            "language": settings.SITE_LANGUAGE,
        },
    )
    response = HttpResponse(content, content_type="application/xml; charset=utf-8")
    response["X-Robots-Tag"] = "noindex"  # the sitemap itself is no search result
    return response


def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawl rules and where the sitemaps are (the News sitemap is announced only here)."""
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        "Disallow: /api/",
        f"Disallow: {reverse('newsroom:search')}",
        "",
        f"Sitemap: {site_url(reverse('newsroom:sitemap'))}",
        f"Sitemap: {site_url(reverse('newsroom:sitemap-news'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
