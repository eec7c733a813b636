"""The article page's head tags (newsroom/_article_meta.html): OpenGraph, Twitter, JSON-LD.

Rendered on its own with the context the article page gives it, so these tests do not
depend on the rest of the page.
"""

import json
from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from masthead.core.context_processors import site
from masthead.newsroom import selectors
from tests import factories

pytestmark = pytest.mark.django_db

HOSTILE = "</script><script>alert(1)</script>"


class Head(HTMLParser):
    """The tags a crawler reads: meta by property or name, links by rel, scripts' text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.links: dict[str, str] = {}
        self.scripts: list[tuple[dict, str]] = []
        self._script: dict | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            self.meta.setdefault(key, []).append(attrs.get("content"))
        elif tag == "link":
            self.links[attrs["rel"]] = attrs["href"]
        elif tag == "script":
            self._script = attrs
            self.scripts.append((attrs, ""))

    def handle_data(self, data):
        if self._script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def one(self, key: str) -> str:
        (value,) = self.meta[key]
        return value

    def jsonld(self) -> dict:
        (script,) = self.scripts
        attrs, text = script
        assert attrs == {"type": "application/ld+json"}
        return json.loads(text)


@pytest.fixture(autouse=True)
def _public_host(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "news.example.org"]


def render_meta(slug: str, *, host: str = "news.example.org", secure: bool = True) -> str:
    request = RequestFactory().get(f"/articles/{slug}/", HTTP_HOST=host, secure=secure)
    request.user = AnonymousUser()
    article = selectors.article_get_visible(viewer=request.user, slug=slug)
    context = {"article": article, "tags": list(article.tags.all()), "request": request, **site(request)}
    return render_to_string("newsroom/_article_meta.html", context)


@pytest.fixture
def story(section):
    return factories.article(
        headline="Harbour baths reopen after council vote",
        standfirst="Swimmers return to the seafront pool.",
        section=section,
        authors=[factories.author(name="Ada Quill"), factories.author(name="Ben Inkwell")],
        tags=["Swimming", "Council"],
        hero_image="heroes/2026/06/baths.jpg",
        hero_alt="Swimmers in the restored pool",
        ago=timedelta(hours=2),
        revised_at=timezone.now() - timedelta(minutes=30),
    )


def test_canonical_and_opengraph(story, settings):
    head = Head(render_meta(story.slug))
    url = "https://news.example.org/articles/harbour-baths-reopen-after-council-vote/"
    assert head.links["canonical"] == url
    assert head.one("og:type") == "article"
    assert head.one("og:title") == "Harbour baths reopen after council vote"
    assert head.one("og:description") == "Swimmers return to the seafront pool."
    assert head.one("og:url") == url
    assert head.one("og:site_name") == settings.SITE_NAME
    assert head.one("og:image") == "https://news.example.org/media/heroes/2026/06/baths.jpg"
    assert head.one("og:image:alt") == "Swimmers in the restored pool"
    assert head.one("article:section") == "Politics"
    assert head.meta["article:tag"] == ["Council", "Swimming"]
    assert head.meta["article:author"] == [
        "https://news.example.org/authors/ada-quill/",
        "https://news.example.org/authors/ben-inkwell/",
    ]
    assert datetime.fromisoformat(head.one("article:published_time")) == story.published_at.replace(
        microsecond=0
    )
    assert datetime.fromisoformat(head.one("article:modified_time")) == story.last_modified.replace(
        microsecond=0
    )
    assert head.one("twitter:card") == "summary_large_image"
    assert head.one("twitter:image") == head.one("og:image")
    assert "robots" not in head.meta


def test_absolute_urls_follow_the_request(story):
    head = Head(render_meta(story.slug, host="127.0.0.1:8000", secure=False))
    assert (
        head.links["canonical"] == "http://127.0.0.1:8000/articles/harbour-baths-reopen-after-council-vote/"
    )
    assert head.one("og:image") == "http://127.0.0.1:8000/media/heroes/2026/06/baths.jpg"


def test_jsonld_news_article(story, settings):
    data = Head(render_meta(story.slug)).jsonld()
    url = "https://news.example.org/articles/harbour-baths-reopen-after-council-vote/"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Harbour baths reopen after council vote"
    assert data["description"] == "Swimmers return to the seafront pool."
    assert datetime.fromisoformat(data["datePublished"]) == story.published_at.replace(microsecond=0)
    assert datetime.fromisoformat(data["dateModified"]) == story.last_modified.replace(microsecond=0)
    assert data["author"] == [
        {"@type": "Person", "name": "Ada Quill", "url": "https://news.example.org/authors/ada-quill/"},
        {"@type": "Person", "name": "Ben Inkwell", "url": "https://news.example.org/authors/ben-inkwell/"},
    ]
    assert data["publisher"]["@type"] == "Organization"
    assert data["publisher"]["name"] == settings.SITE_NAME
    assert data["image"] == ["https://news.example.org/media/heroes/2026/06/baths.jpg"]
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["articleSection"] == "Politics"
    assert data["keywords"] == ["Council", "Swimming"]
    assert "coverageStartTime" not in data


def test_a_live_story_is_a_live_blog_posting(section):
    live = factories.article(headline="Storm live: the latest", section=section, is_live=True)
    data = Head(render_meta(live.slug)).jsonld()
    assert data["@type"] == "LiveBlogPosting"
    assert data["coverageStartTime"] == data["datePublished"]
    assert data["headline"] == "Storm live: the latest"


def test_a_story_without_image_tags_or_standfirst(section):
    plain = factories.article(headline="Notice to mariners", standfirst="", section=section, authors=[])
    head = Head(render_meta(plain.slug))
    assert "og:image" not in head.meta and "og:description" not in head.meta
    assert "article:tag" not in head.meta and "article:author" not in head.meta
    data = head.jsonld()
    assert "image" not in data and "description" not in data
    assert "author" not in data and "keywords" not in data


def test_a_hostile_headline_stays_inside_the_json(section):
    hostile = factories.article(
        headline=HOSTILE,
        standfirst="<!-- & ' \" \u2028 -->",
        section=section,
        tags=["</script>"],
        authors=[factories.author(name="<b>Mallory</b>")],
        slug="hostile",
    )
    html = render_meta(hostile.slug)
    assert "<script>" not in html
    assert html.count("</script>") == 1
    head = Head(html)
    assert len(head.scripts) == 1
    data = head.jsonld()
    assert data["headline"] == HOSTILE
    assert data["description"] == "<!-- & ' \" \u2028 -->"
    assert data["keywords"] == ["</script>"]
    assert data["author"][0]["name"] == "<b>Mallory</b>"
    assert head.one("og:title") == HOSTILE  # attribute-escaped, read back intact


def test_a_preview_of_an_unpublished_story_is_not_indexed(section):
    draft = factories.article(headline="Draft about the pier", section=section, published=False)
    request = RequestFactory().get(f"/articles/{draft.slug}/")
    context = {"article": draft, "tags": [], "request": request, **site(request)}
    head = Head(render_to_string("newsroom/_article_meta.html", context))
    assert head.one("robots") == "noindex, nofollow"
    assert "article:published_time" not in head.meta
    assert "datePublished" not in head.jsonld()


def test_rendering_the_head_tags_costs_no_queries(story, django_assert_num_queries):
    request = RequestFactory().get(f"/articles/{story.slug}/")
    article = selectors.article_get_visible(viewer=AnonymousUser(), slug=story.slug)
    context = {"article": article, "tags": list(article.tags.all()), "request": request, **site(request)}
    with django_assert_num_queries(0):
        render_to_string("newsroom/_article_meta.html", context)
