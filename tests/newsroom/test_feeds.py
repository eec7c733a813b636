"""RSS 2.0 and Atom feeds for the whole site and for one section."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"


def rss_items(client, url: str) -> tuple[ET.Element, list[ET.Element]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    return channel, channel.findall("item")


def atom_entries(client, url: str) -> tuple[ET.Element, list[ET.Element]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    assert root.tag == f"{ATOM}feed"
    return root, root.findall(f"{ATOM}entry")


@pytest.fixture
def newsroom(section):
    """Three published stories a few hours apart, a draft and a scheduled one."""
    sport = factories.section(name="Sport")
    ada, ben = factories.author(name="Ada Quill"), factories.author(name="Ben Inkwell")
    stories = {
        "old": factories.article(
            headline="Harbour master steps down", section=section, ago=timedelta(hours=5)
        ),
        "sport": factories.article(headline="Rowing club wins cup", section=sport, ago=timedelta(hours=3)),
        "new": factories.article(
            headline="Council approves sea wall",
            standfirst="The vote was close: 6 <to> 5 & a recount.",
            section=section,
            authors=[ada, ben],
            tags=["Flooding", "Council"],
            ago=timedelta(hours=1),
            revised_at=timezone.now() - timedelta(minutes=10),
        ),
    }
    factories.article(headline="Draft about the pier", section=section, published=False)
    factories.article(
        headline="Scheduled budget story", section=section, published_at=timezone.now() + timedelta(hours=2)
    )
    return stories


def test_rss_lists_published_articles_newest_first(client, newsroom, settings):
    channel, items = rss_items(client, "/feeds/rss/")
    assert channel.findtext("title") == settings.SITE_NAME
    assert channel.findtext("link") == "http://127.0.0.1:8000/"
    assert channel.findtext("language") == settings.SITE_LANGUAGE
    assert [i.findtext("title") for i in items] == [
        "Council approves sea wall",
        "Rowing club wins cup",
        "Harbour master steps down",
    ]


def test_rss_item_fields(client, newsroom):
    story = newsroom["new"]
    _, items = rss_items(client, "/feeds/rss/")
    item = items[0]
    assert item.findtext("link") == "http://127.0.0.1:8000/articles/council-approves-sea-wall/"
    assert item.findtext("description") == "The vote was close: 6 &lt;to&gt; 5 &amp; a recount."
    assert parsedate_to_datetime(item.findtext("pubDate")) == story.published_at.replace(microsecond=0)
    assert item.findtext(f"{DC}creator") == "Ada Quill, Ben Inkwell"
    assert [c.text for c in item.findall("category")] == ["Politics", "Council", "Flooding"]
    guid = item.find("guid")
    assert guid.get("isPermaLink") == "false"
    assert guid.text == f"tag:127.0.0.1,{story.created_at:%Y-%m-%d}:article:{story.pk}"


def test_guids_are_unique_and_survive_a_slug_change(client, newsroom):
    _, items = rss_items(client, "/feeds/rss/")
    guids = [i.findtext("guid") for i in items]
    assert len(set(guids)) == len(guids) == 3
    from masthead.newsroom import services

    story = newsroom["new"]
    story.slug = "sea-wall-approved"
    services.article_save(article=story)
    from django.core.cache import cache

    cache.clear()
    _, items = rss_items(client, "/feeds/rss/")
    assert items[0].findtext("link").endswith("/articles/sea-wall-approved/")
    assert items[0].findtext("guid") == guids[0]


def test_atom_feed(client, newsroom, settings):
    story = newsroom["new"]
    feed, entries = atom_entries(client, "/feeds/atom/")
    assert feed.findtext(f"{ATOM}title") == settings.SITE_NAME
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "http://127.0.0.1:8000/feeds/atom/"
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Council approves sea wall",
        "Rowing club wins cup",
        "Harbour master steps down",
    ]
    entry = entries[0]
    assert (
        entry.find(f"{ATOM}link").get("href") == "http://127.0.0.1:8000/articles/council-approves-sea-wall/"
    )
    assert entry.findtext(f"{ATOM}published") == story.published_at.isoformat()
    assert entry.findtext(f"{ATOM}updated") == story.last_modified.isoformat()
    assert story.last_modified > story.published_at
    assert entry.findtext(f"{ATOM}summary") == "The vote was close: 6 &lt;to&gt; 5 &amp; a recount."
    assert [a.findtext(f"{ATOM}name") for a in entry.findall(f"{ATOM}author")] == ["Ada Quill, Ben Inkwell"]
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["Politics", "Council", "Flooding"]
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == 3 and all(i.startswith("tag:") for i in ids)
    # Atom wants an author for every entry: the feed's stands in for unsigned stories.
    assert feed.find(f"{ATOM}author").findtext(f"{ATOM}name") == settings.SITE_NAME


def test_an_unsigned_story_has_no_invented_byline(client, section):
    factories.article(headline="Notice to mariners", section=section, authors=[])
    _, items = rss_items(client, "/feeds/rss/")
    assert items[0].find(f"{DC}creator") is None


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_section_feed_has_only_that_section(client, newsroom, section, kind, settings):
    url = f"/section/{section.slug}/{kind}/"
    if kind == "rss":
        channel, items = rss_items(client, url)
        titles = [i.findtext("title") for i in items]
        assert channel.findtext("title") == f"{settings.SITE_NAME}: Politics"
        assert channel.findtext("link") == "http://127.0.0.1:8000/section/politics/"
    else:
        feed, entries = atom_entries(client, url)
        titles = [e.findtext(f"{ATOM}title") for e in entries]
        assert feed.findtext(f"{ATOM}title") == f"{settings.SITE_NAME}: Politics"
        assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"http://127.0.0.1:8000{url}"
    assert titles == ["Council approves sea wall", "Harbour master steps down"]


@pytest.mark.parametrize("url", ["/section/no-such-section/rss/", "/section/no-such-section/atom/"])
def test_unknown_section_feed_is_404(client, url, settings):
    # The 404 page links static files; without a collectstatic manifest that would be a 500.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/feeds/rss/", "/feeds/atom/"])
def test_drafts_and_scheduled_stories_never_appear(client, newsroom, url):
    body = client.get(url).content.decode()
    assert "Draft about the pier" not in body
    assert "Scheduled budget story" not in body


def test_feed_holds_the_latest_thirty(client, section):
    for hours in range(32, 0, -1):
        factories.article(headline=f"Bulletin {hours} hours ago", section=section, ago=timedelta(hours=hours))
    _, items = rss_items(client, "/feeds/rss/")
    assert len(items) == 30
    assert items[0].findtext("title") == "Bulletin 1 hours ago"
    assert items[-1].findtext("title") == "Bulletin 30 hours ago"


def test_feed_queries_do_not_grow_with_items(client, section):
    def count_queries() -> int:
        from django.core.cache import cache

        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/feeds/atom/").status_code == 200
        return len(queries)

    factories.article(section=section, tags=["One"], authors=[factories.author()])
    few = count_queries()
    for i in range(12):
        factories.article(
            section=section, tags=[f"T{i}", "Shared"], authors=[factories.author(), factories.author()]
        )
    assert count_queries() == few <= 5


def test_links_use_site_url_not_the_request_host(client, newsroom, settings):
    settings.SITE_URL = "https://news.example.org"
    channel, items = rss_items(client, "/feeds/rss/")
    assert channel.findtext("link") == "https://news.example.org/"
    assert items[0].findtext("link") == "https://news.example.org/articles/council-approves-sea-wall/"
    assert items[0].findtext("guid").startswith("tag:news.example.org,")


def test_text_xml_cannot_carry_is_dropped_not_fatal(client, section):
    factories.article(headline="Tide\x0btables for\x01 June", standfirst="Low\x0c water.", section=section)
    _, items = rss_items(client, "/feeds/rss/")
    assert items[0].findtext("title") == "Tidetables for June"
    assert items[0].findtext("description") == "Low water."


def test_a_newly_published_story_reaches_a_cached_feed(client, section, django_capture_on_commit_callbacks):
    factories.article(headline="First story", section=section, ago=timedelta(hours=1))
    _, items = rss_items(client, "/feeds/rss/")
    assert client.get("/feeds/rss/")["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        factories.article(headline="Breaking story", section=section)
    _, items = rss_items(client, "/feeds/rss/")
    assert [i.findtext("title") for i in items] == ["Breaking story", "First story"]
