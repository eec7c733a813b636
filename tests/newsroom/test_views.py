"""The newsroom's HTML pages, as readers and editors see them."""

import io
import re
import time
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import RequestFactory
from django.utils import timezone
from PIL import Image

from masthead.core.views import server_error
from masthead.newsroom import services
from masthead.newsroom.models import SupportAppeal
from tests import factories

pytestmark = pytest.mark.django_db

# Queries for the front page with three sections (a fixed number, whatever the sections) and
# for an article page, each counting the schedule check a first request makes. A change that
# adds a query per story, byline or update (an N+1) breaks these.
HOME_MAX_QUERIES = 11
ARTICLE_MAX_QUERIES = 10


def _html(response) -> str:
    return response.content.decode()


def _h1_count(html: str) -> int:
    return len(re.findall(r"<h1[\s>]", html))


def _png(name: str = "hero.png") -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (20, 60, 120)).save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name=name)


@pytest.fixture
def newsroom(db):
    """A small front page: two sections, a top story, a live story and some news."""
    politics = factories.section(name="Politics", position=0)
    sport = factories.section(name="Sport", position=1)
    amira = factories.author(name="Amira Haddad")
    top = factories.article(
        headline="Council votes to reopen the harbour baths",
        section=politics,
        authors=[amira],
        is_top_story=True,
        ago=timedelta(hours=1),
    )
    live = factories.article(
        headline="Storm closes the coast road", section=politics, is_live=True, ago=timedelta(minutes=30)
    )
    rowing = factories.article(
        headline="Rowing club wins its first regional title", section=sport, ago=timedelta(hours=2)
    )
    return {"politics": politics, "sport": sport, "amira": amira, "top": top, "live": live, "rowing": rowing}


# --- Pages render, with what readers came for -------------------------------------------------


def test_home_leads_with_top_story_and_shows_live_latest_and_sections(client, newsroom):
    response = client.get("/")
    html = _html(response)
    assert response.status_code == 200
    assert _h1_count(html) == 1
    lead = html.index("front__lead")
    assert html.index("Council votes to reopen the harbour baths", lead) < html.index("front__latest")
    live_strip = html[html.index('class="live-strip"') : html.index("</section>", html.index("live-strip"))]
    assert "LIVE" in live_strip and "Storm closes the coast road" in live_strip
    assert 'id="latest-heading"' in html and "Rowing club wins its first regional title" in html
    for name in ("Politics", "Sport"):
        assert f'id="block-{name.lower()}"' in html
    assert '<html lang="en">' in html
    assert 'href="#main"' in html and '<main id="main"' in html
    assert 'href="/support/"' in html
    assert 'action="/search/"' in html
    assert 'type="application/rss+xml"' in html and 'type="application/atom+xml"' in html
    assert 'href="/section/sport/"' in html  # the sections bar


def test_home_without_stories_says_so(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "No stories yet" in _html(response)
    assert client.post("/").status_code == 405  # pages are read, never posted to


def test_section_page_lists_only_its_stories_with_its_feeds(client, newsroom):
    html = _html(client.get("/section/politics/"))
    assert "<h1" in html and ">Politics</h1>" in html
    assert "Council votes to reopen the harbour baths" in html
    assert "Rowing club" not in html
    assert 'href="/section/politics/rss/"' in html and 'href="/section/politics/atom/"' in html
    assert 'aria-current="page"' in html
    assert client.get("/section/nope/").status_code == 404


def test_author_page_shows_who_they_are_and_their_stories(client, newsroom):
    amira = newsroom["amira"]
    amira.job_title = "Political editor"
    amira.bio = "Covers the council & the harbour."
    amira.save()
    html = _html(client.get("/authors/amira-haddad/"))
    assert ">Amira Haddad</h1>" in html
    assert "Political editor" in html
    assert "Covers the council &amp; the harbour." in html
    assert "Council votes to reopen the harbour baths" in html
    assert "Rowing club" not in html
    assert client.get("/authors/nobody/").status_code == 404


def test_tag_page_lists_tagged_stories(client, section):
    factories.article(headline="Seagrass returns to the bay", section=section, tags=["Climate"])
    factories.article(headline="Library hours extended", section=section)
    html = _html(client.get("/tags/climate/"))
    assert ">Climate</h1>" in html
    assert "Seagrass returns to the bay" in html
    assert "Library hours extended" not in html


def test_listing_pages_go_back_in_time_with_older_stories(client, section):
    for n in range(23):
        factories.article(headline=f"Story {n:02d} of the day", section=section, ago=timedelta(minutes=n))
    first = _html(client.get("/section/politics/"))
    assert "Story 00 of the day" in first and "Story 19 of the day" in first
    assert "Story 20 of the day" not in first
    cursor = re.search(r'href="\?cursor=([^"]+)"[^>]*>Older stories', first)
    assert cursor, "the first page links to older stories"
    older = _html(client.get(f"/section/politics/?cursor={cursor.group(1)}"))
    assert "Story 20 of the day" in older and "Story 22 of the day" in older
    assert "Story 00 of the day" not in older
    assert "Older stories" not in older
    assert client.get("/section/politics/?cursor=forged").status_code == 404


def test_article_page_has_the_story_and_its_furniture(client, newsroom):
    article = factories.article(
        headline="Harbour baths: what the vote means",
        section=newsroom["politics"],
        authors=[newsroom["amira"]],
        standfirst="What it means for swimmers.",
        body="The vote was **unanimous**.\n\nWork starts in spring.",
    )
    article.hero_image = _png()
    article.hero_alt = "Swimmers at the old harbour baths"
    article.hero_caption = "The baths in 1962."
    services.article_save(article=article)
    article.tags.add(factories.tag(name="Harbour"))
    other = factories.article(headline="Budget gap forces hard choices", section=newsroom["politics"])

    response = client.get(article.get_absolute_url())
    html = _html(response)
    assert response.status_code == 200
    assert _h1_count(html) == 1
    assert '<h1 class="story__headline">Harbour baths: what the vote means</h1>' in html
    assert 'href="/section/politics/">Politics</a>' in html  # the kicker
    assert "What it means for swimmers." in html
    assert 'href="/authors/amira-haddad/" rel="author">Amira Haddad</a>' in html
    assert f'<time datetime="{article.published_at.isoformat()}"' in html
    assert "Updated" not in html  # never revised
    figure = html[html.index("<figure") : html.index("</figure>")]
    assert 'alt="Swimmers at the old harbour baths"' in figure
    assert "<figcaption>The baths in 1962.</figcaption>" in figure
    assert "<strong>unanimous</strong>" in html
    assert 'href="/tags/harbour/">Harbour</a>' in html
    related = html[html.index('id="related-heading"') :]
    assert other.headline in related
    assert "Rowing club" not in html  # related stories come from the same section


def test_article_shows_updated_time_once_revised(client, article):
    article.revised_at = article.published_at + timedelta(hours=2)
    services.article_save(article=article)
    html = _html(client.get(article.get_absolute_url()))
    assert f'Updated <time datetime="{article.revised_at.isoformat()}"' in html


def test_live_story_shows_updates_newest_first_with_time_and_author(client, newsroom, editor):
    live = newsroom["live"]
    now = timezone.now()
    editor.display_name = "Edna Ferris"
    editor.save()
    services.liveupdate_post(
        article=live, author=editor, body="Road closed.", posted_at=now - timedelta(minutes=20)
    )
    services.liveupdate_post(
        article=live,
        author=editor,
        body="Road reopened.",
        headline="All clear",
        posted_at=now - timedelta(minutes=5),
    )
    services.liveupdate_post(article=live, author=editor, body="Not yet.", posted_at=now + timedelta(hours=1))
    html = _html(client.get(live.get_absolute_url()))
    updates = html[html.index('class="live-updates"') :]
    assert updates.index("Road reopened.") < updates.index("Road closed.")
    assert "All clear" in updates and "Edna Ferris" in updates
    assert updates.count('class="live-update"') == 2  # a future-dated update waits for its time
    assert re.search(
        r'<li class="live-update" id="update-\d+">\s*<p class="live-update__meta">\s*<time', updates
    )


def test_search_finds_stories_and_says_when_nothing_matches(client, newsroom):
    response = client.get("/search/", {"q": "harbour"})
    html = _html(response)
    assert response.status_code == 200
    assert _h1_count(html) == 1
    results = html[html.index('class="listing search-results"') :]
    assert "Council votes to reopen the harbour baths" in results
    assert "What happened, in a sentence." in results  # the standfirst
    assert 'href="/section/politics/">Politics</a>' in results
    assert "Rowing club" not in results
    empty = _html(client.get("/search/", {"q": "zeppelin"}))
    assert "No results for “zeppelin”" in empty
    assert client.get("/search/").status_code == 200


def test_search_results_page_on_with_the_query_kept(client, section):
    for n in range(21):
        factories.article(headline=f"Harbour report {n}", section=section)
    html = _html(client.get("/search/", {"q": "harbour"}))
    assert html.count('class="story-card__headline"') == 20
    link = re.search(r'href="(\?q=harbour&amp;cursor=[^"]+)"', html)
    assert link, "the results link to the next page, keeping the query"
    more = _html(client.get("/search/" + link.group(1).replace("&amp;", "&")))
    assert more.count('class="story-card__headline"') == 1


def test_support_page_leads_with_the_appeal_and_takes_gifts(client, db):
    appeal = SupportAppeal(heading="Keep the lights on", body="First paragraph.\n\nSecond paragraph.")
    services.appeal_save(appeal=appeal)
    html = _html(client.get("/support/"))
    assert ">Keep the lights on</h1>" in html
    assert "<p>First paragraph.</p>" in html and "<p>Second paragraph.</p>" in html
    # the donation form (tests/membership covers it); never a card field of our own
    assert 'class="give-form" method="post" action="/support/"' in html
    assert "card number" not in html.lower()


# --- Drafts, previews and the schedule ---------------------------------------------------------


def test_draft_is_not_found_for_readers_and_previewed_for_editors(client, section, editor, reader):
    draft = factories.article(headline="Pier survey findings", section=section, published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(reader)
    assert client.get(draft.get_absolute_url()).status_code == 404

    client.force_login(editor)
    response = client.get(draft.get_absolute_url())
    html = _html(response)
    assert response.status_code == 200
    assert 'class="preview-banner"' in html and "This story is a draft" in html
    assert f'href="/admin/newsroom/article/{draft.pk}/change/"' in html
    assert "X-Page-Cache" not in response.headers  # an editor's view is never cached
    assert "Pier survey findings" not in _html(client.get("/"))


def test_published_article_has_no_preview_banner(client, article, editor):
    client.force_login(editor)
    assert 'class="preview-banner"' not in _html(client.get(article.get_absolute_url()))


def test_scheduled_article_appears_only_when_its_time_comes(client, section, editor, monkeypatch):
    factories.article(headline="Already out", section=section, ago=timedelta(hours=1))
    at = timezone.now() + timedelta(minutes=1)
    scheduled = factories.article(headline="Budget special", section=section, published_at=at)

    home = client.get("/")
    assert "Budget special" not in _html(home)
    assert client.get("/").headers["X-Page-Cache"] == "hit"
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    assert "Budget special" not in _html(client.get("/search/", {"q": "budget"}))
    client.force_login(editor)
    assert "This story is scheduled for" in _html(client.get(scheduled.get_absolute_url()))
    client.logout()

    later = at + timedelta(seconds=5)
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr(time, "time", lambda: later.timestamp())
    assert "Budget special" in _html(client.get("/"))  # the cached front page did not outlive it
    assert client.get(scheduled.get_absolute_url()).status_code == 200


# --- Caching --------------------------------------------------------------------------------------


def test_cached_article_page_is_refreshed_when_the_article_is_saved(
    client, article, django_capture_on_commit_callbacks
):
    url = article.get_absolute_url()
    assert client.get(url).headers["X-Page-Cache"] == "miss"
    assert client.get(url).headers["X-Page-Cache"] == "hit"
    assert client.get("/").headers["X-Page-Cache"] == "miss"
    assert client.get("/").headers["X-Page-Cache"] == "hit"

    article.headline = "Council delays the harbour baths vote"
    with django_capture_on_commit_callbacks(execute=True):
        services.article_save(article=article)

    response = client.get(url)
    assert response.headers["X-Page-Cache"] == "miss"
    assert "Council delays the harbour baths vote" in _html(response)
    home = client.get("/")
    assert home.headers["X-Page-Cache"] == "miss"
    assert "Council delays the harbour baths vote" in _html(home)


def test_signed_in_readers_get_fresh_pages(client, article, reader):
    client.force_login(reader)
    assert "X-Page-Cache" not in client.get(article.get_absolute_url()).headers


# --- The appeal -------------------------------------------------------------------------------------


def test_support_appeal_closes_every_article(client, newsroom):
    appeal = SupportAppeal(
        heading="Good journalism costs money",
        body="We are funded by readers.\n\nJoin them <today>.",
        button_label="Chip in",
    )
    services.appeal_save(appeal=appeal)
    for article in (newsroom["top"], newsroom["live"], newsroom["rowing"]):
        html = _html(client.get(article.get_absolute_url()))
        story_end = html.index("</article>", html.index('class="story '))
        appeal_at = html.index('class="appeal"')
        assert html.index('class="story__body') < appeal_at < story_end
        assert "Good journalism costs money" in html
        assert "<p>We are funded by readers.</p>" in html
        assert "Join them &lt;today&gt;." in html
        assert '<a class="button button--appeal" href="/support/">Chip in</a>' in html


def test_default_appeal_shows_before_an_editor_writes_one(client, article):
    html = _html(client.get(article.get_absolute_url()))
    assert SupportAppeal().heading.replace("'", "&#x27;") in html


# --- Security and weight ----------------------------------------------------------------------------


def test_pages_carry_csp_and_no_inline_script_or_style(client, newsroom, editor):
    draft = factories.article(headline="Unseen draft", section=newsroom["politics"], published=False)
    urls = [
        "/",
        "/section/politics/",
        "/authors/amira-haddad/",
        newsroom["top"].get_absolute_url(),
        newsroom["live"].get_absolute_url(),
        "/search/?q=harbour",
        "/search/?q=zeppelin",
        "/support/",
        "/no-such-page/",
    ]
    for url in urls:
        response = client.get(url)
        _assert_csp_clean(response, url)
    client.force_login(editor)
    _assert_csp_clean(client.get(draft.get_absolute_url()), "preview")


_LOADED = re.compile(r"<(img|script|iframe|source|video|audio|link)\b([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(r"""\b(src|href|rel)=["']([^"']*)["']""")


def _assert_csp_clean(response, label):
    csp = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp, label
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp, label
    html = _html(response)
    for tag in re.findall(r"<script\b[^>]*>", html, flags=re.IGNORECASE):
        assert 'type="application/ld+json"' in tag or "src=" in tag, (label, tag)
    assert not re.search(r"<[^>]+\sstyle\s*=", html, flags=re.IGNORECASE), label
    assert "<style" not in html.lower(), label
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), label  # no inline event handlers
    for name, attributes in _LOADED.findall(html):
        attrs = dict(_ATTR.findall(attributes))
        if name.lower() == "link" and attrs.get("rel") not in ("stylesheet", "icon", "preload", "manifest"):
            continue  # feeds, canonical: addresses, not requests
        url = attrs.get("src") or attrs.get("href") or ""
        assert not re.match(r"(https?:)?//", url), (label, url)  # nothing loads from elsewhere


def test_error_pages_are_friendly(client, db):
    response = client.get("/no-such-page/")
    html = _html(response)
    assert response.status_code == 404
    assert _h1_count(html) == 1 and "We could not find that page" in html
    assert 'action="/search/"' in html


def test_500_page_renders_without_touching_the_database(django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert "Something went wrong on our side" in _html(response)


def test_site_stylesheet_and_icon_are_served_as_static_files():
    assert finders.find("masthead/site.css"), "STATICFILES_DIRS must include src/masthead/static"
    assert finders.find("masthead/favicon.svg")


def _add_stories(sections, per_section: int) -> None:
    people = [factories.author(), factories.author()]
    for section in sections:
        for n in range(per_section):
            factories.article(
                section=section, authors=people, tags=["Harbour"], is_top_story=n == 0, is_live=n == 1
            )


def test_home_page_queries_do_not_grow_with_stories(client, django_assert_max_num_queries):
    sections = [factories.section(name=f"Desk {n}", position=n) for n in range(3)]
    _add_stories(sections, per_section=2)
    with django_assert_max_num_queries(HOME_MAX_QUERIES) as first:
        assert client.get("/").status_code == 200
    _add_stories(sections, per_section=4)
    cache.clear()
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get("/").status_code == 200


def test_article_page_queries_are_bounded(client, django_assert_max_num_queries, editor):
    section = factories.section(name="Politics")
    people = [factories.author() for _ in range(3)]
    article = factories.article(section=section, authors=people, tags=["A", "B", "C"], is_live=True)
    for n in range(5):
        services.liveupdate_post(article=article, author=editor, body=f"Update {n}")
    for _ in range(4):
        factories.article(section=section, authors=people)
    with django_assert_max_num_queries(ARTICLE_MAX_QUERIES):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
