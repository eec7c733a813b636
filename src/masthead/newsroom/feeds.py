"""RSS 2.0 and Atom feeds: the latest published reporting, for the site and per section.

Links point at ``SITE_URL`` (see ``seo_tags``): a feed reader should subscribe to the
canonical address whichever host it fetched from. Anonymous fetches are served from the page
cache like the listing pages they mirror, so a thousand feed readers polling every few
minutes cost one rendering per change.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from masthead.core.errors import NotFound
from masthead.core.pagecache import cache_anonymous_page
from masthead.newsroom import selectors
from masthead.newsroom.cache import listing_keys
from masthead.newsroom.models import Article, Section
from masthead.newsroom.templatetags.seo_tags import site_host, site_url, xml_safe

FEED_LENGTH = 30


def _feed_keys(request, *args, **kwargs):
    return listing_keys()


class LatestRss(Feed):
    """The whole site's latest articles."""

    feed_type = Rss201rev2Feed
    url_name = "newsroom:feed-rss"

    def __call__(self, request, *args, **kwargs):
        return cache_anonymous_page(_feed_keys)(super().__call__)(request, *args, **kwargs)

    @property
    def language(self) -> str:
        return settings.SITE_LANGUAGE

    def title(self, obj: Section | None) -> str:
        return settings.SITE_NAME

    def description(self, obj: Section | None) -> str:
        return settings.SITE_TAGLINE

    def subtitle(self, obj: Section | None) -> str:
        return self.description(obj)

    def link(self, obj: Section | None) -> str:
        return site_url(reverse("newsroom:home"))

    def feed_url(self, obj: Section | None) -> str:
        return site_url(reverse(self.url_name))

    def author_name(self, obj: Section | None) -> str:
        # Atom needs an author for every entry; this one stands in for unsigned pieces.
        return settings.SITE_NAME

    def items(self, obj: Section | None):
        articles = selectors.article_list_published(section=obj).prefetch_related("tags")
        return articles[:FEED_LENGTH]

    def item_title(self, item: Article) -> str:
        return xml_safe(item.headline)

    def item_description(self, item: Article) -> str:
        # RSS <description> and Atom <summary type="html"> are HTML; the standfirst is text.
        return escape(xml_safe(item.standfirst))

    def item_link(self, item: Article) -> str:
        return site_url(item.get_absolute_url())

    def item_guid(self, item: Article) -> str:
        # A tag: URI (RFC 4151) from the row, so renaming a slug does not make every
        # subscriber see the story again as new.
        return f"tag:{site_host()},{item.created_at:%Y-%m-%d}:article:{item.pk}"

    def item_guid_is_permalink(self, item: Article) -> bool:
        return False

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return item.last_modified

    def item_author_name(self, item: Article) -> str | None:
        names = [xml_safe(byline.author.name) for byline in item.bylines.all()]
        return ", ".join(names) or None

    def item_categories(self, item: Article) -> list[str]:
        return [xml_safe(item.section.name), *(xml_safe(tag.name) for tag in item.tags.all())]


class LatestAtom(LatestRss):
    feed_type = Atom1Feed
    url_name = "newsroom:feed-atom"


class SectionRss(LatestRss):
    """One section's latest articles; an unknown section is a 404."""

    url_name = "newsroom:section-feed-rss"

    def get_object(self, request, slug: str) -> Section:
        try:
            return selectors.section_get(slug=slug)
        except NotFound as exc:
            raise Http404(exc.message) from exc

    def title(self, obj: Section) -> str:
        return f"{settings.SITE_NAME}: {obj.name}"

    def description(self, obj: Section) -> str:
        return obj.description or f"The latest {obj.name} reporting from {settings.SITE_NAME}"

    def link(self, obj: Section) -> str:
        return site_url(obj.get_absolute_url())

    def feed_url(self, obj: Section) -> str:
        return site_url(reverse(self.url_name, args=[obj.slug]))


class SectionAtom(SectionRss):
    feed_type = Atom1Feed
    url_name = "newsroom:section-feed-atom"
