"""sitemap.xml, the Google News sitemap and robots.txt."""

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from masthead.newsroom import sitemaps
from tests import factories

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
ROOT = "http://127.0.0.1:8000"


def parse(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - our own output


def sitemap_urls(client) -> dict[str, str | None]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = parse(response.content)
    assert root.tag == f"{SM}urlset"
    return {url.findtext(f"{SM}loc"): url.findtext(f"{SM}lastmod") for url in root.findall(f"{SM}url")}


def news_entries(client) -> list[ET.Element]:
    response = client.get("/sitemap-news.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = parse(response.content)
    assert root.tag == f"{SM}urlset"
    return root.findall(f"{SM}url")


@pytest.fixture
def newsroom(section):
    empty = factories.section(name="Empty desk")
    writer = factories.author(name="Ada Quill")
    published = factories.article(
        headline="Harbour master steps down",
        section=section,
        authors=[writer],
        tags=["Harbour"],
        ago=timedelta(days=3),
    )
    factories.article(headline="Draft about the pier", section=empty, tags=["Secret"], published=False)
    factories.article(
        headline="Scheduled budget story",
        section=empty,
        authors=[factories.author(name="Future Writer")],
        published_at=timezone.now() + timedelta(hours=2),
    )
    return {"published": published, "writer": writer}


def test_sitemap_lists_published_pages_and_nothing_unpublished(client, newsroom):
    urls = sitemap_urls(client)
    assert set(urls) == {
        f"{ROOT}/",
        f"{ROOT}/support/",
        f"{ROOT}/articles/harbour-master-steps-down/",
        f"{ROOT}/section/politics/",
        f"{ROOT}/authors/ada-quill/",
        f"{ROOT}/tags/harbour/",
    }
    # Left out: the draft and the scheduled story, the section, tag and author that only
    # have those, and search result pages.


def test_sitemap_lastmod(client, newsroom, section):
    story = newsroom["published"]
    factories.article(
        headline="Next week's story",
        section=section,
        authors=[newsroom["writer"]],
        tags=["Harbour"],
        published_at=timezone.now() + timedelta(days=5),
    )
    urls = sitemap_urls(client)
    assert urls[f"{ROOT}/articles/harbour-master-steps-down/"].startswith(f"{story.last_modified:%Y-%m-%d}")
    # a section, author or tag is as fresh as its newest published story, not its scheduled one
    assert urls[f"{ROOT}/section/politics/"].startswith(f"{story.published_at:%Y-%m-%d}")
    assert urls[f"{ROOT}/authors/ada-quill/"].startswith(f"{story.published_at:%Y-%m-%d}")
    assert urls[f"{ROOT}/tags/harbour/"].startswith(f"{story.published_at:%Y-%m-%d}")
    assert urls[f"{ROOT}/"].startswith(f"{story.published_at:%Y-%m-%d}")
    assert urls[f"{ROOT}/support/"] is None


def test_sitemap_uses_site_url_whatever_host_was_asked(client, newsroom, settings):
    settings.SITE_URL = "https://news.example.org"
    urls = sitemap_urls(client)
    assert all(url.startswith("https://news.example.org/") for url in urls)
    assert "https://news.example.org/articles/harbour-master-steps-down/" in urls


def test_the_canonical_sitemap_template_keeps_the_time(newsroom):
    """templates/sitemaps/sitemap.xml, for urls.py to name instead of Django's date-only one."""
    story = newsroom["published"]
    request = RequestFactory().get("/sitemap.xml")
    urlset = sitemaps.ArticleSitemap().get_urls(site=None, protocol=request.scheme)
    root = parse(render_to_string("sitemaps/sitemap.xml", {"urlset": urlset}).encode())
    (url,) = root.findall(f"{SM}url")
    assert url.findtext(f"{SM}loc") == f"{ROOT}/articles/harbour-master-steps-down/"
    assert datetime.fromisoformat(url.findtext(f"{SM}lastmod")) == story.last_modified.replace(microsecond=0)


def test_news_sitemap_has_only_the_last_48_hours(client, section):
    fresh = factories.article(headline="Ferry cancelled", section=section, ago=timedelta(hours=2))
    factories.article(headline="Storm warning issued", section=section, ago=timedelta(hours=47))
    factories.article(headline="Last week's regatta", section=section, ago=timedelta(hours=49))
    factories.article(headline="Draft about the pier", section=section, published=False)
    factories.article(
        headline="Scheduled budget story", section=section, published_at=timezone.now() + timedelta(hours=1)
    )
    entries = news_entries(client)
    titles = [e.find(f"{NEWS}news").findtext(f"{NEWS}title") for e in entries]
    assert titles == ["Ferry cancelled", "Storm warning issued"]
    assert entries[0].findtext(f"{SM}loc") == f"{ROOT}/articles/ferry-cancelled/"
    published = entries[0].find(f"{NEWS}news").findtext(f"{NEWS}publication_date")
    assert datetime.fromisoformat(published) == fresh.published_at.replace(microsecond=0)
    assert published.endswith("+00:00")


def test_news_sitemap_publication_fields(client, section, settings):
    settings.SITE_NAME = "The Harbour & Bay <Light>"
    settings.SITE_LANGUAGE = "cy"
    factories.article(headline='Fish & chips: "the <best>" in town', section=section, ago=timedelta(hours=1))
    response = client.get("/sitemap-news.xml")
    assert b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' in response.content
    (entry,) = parse(response.content).findall(f"{SM}url")
    news = entry.find(f"{NEWS}news")
    assert news.find(f"{NEWS}publication").findtext(f"{NEWS}name") == "The Harbour & Bay <Light>"
    assert news.find(f"{NEWS}publication").findtext(f"{NEWS}language") == "cy"
    assert news.findtext(f"{NEWS}title") == 'Fish & chips: "the <best>" in town'


def test_news_sitemap_when_nothing_is_new(client, section):
    factories.article(headline="Old news", section=section, ago=timedelta(days=5))
    assert news_entries(client) == []


def test_news_sitemap_is_capped(client, section, monkeypatch):
    monkeypatch.setattr(sitemaps, "NEWS_LIMIT", 3)
    for minutes in range(1, 6):
        factories.article(headline=f"Update {minutes}", section=section, ago=timedelta(minutes=minutes))
    titles = [e.find(f"{NEWS}news").findtext(f"{NEWS}title") for e in news_entries(client)]
    assert titles == ["Update 1", "Update 2", "Update 3"]


def test_robots_txt_points_at_both_sitemaps(settings):
    settings.SITE_URL = "https://news.example.org"
    response = sitemaps.robots_txt(RequestFactory().get("/robots.txt"))
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Sitemap: https://news.example.org/sitemap.xml" in lines
    assert "Sitemap: https://news.example.org/sitemap-news.xml" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /search/" in lines
    assert not any(line.strip() == "Disallow: /" for line in lines)
