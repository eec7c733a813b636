"""Every newsroom read, with its visibility rule built in, and what each read costs."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from masthead.core.errors import NotFound
from masthead.newsroom import selectors, services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom(db):
    """Two sections, published stories an hour apart, one top story, a draft and a scheduled one."""
    politics = factories.section(name="Politics", position=1)
    sport = factories.section(name="Sport", position=2)
    factories.section(name="Empty", position=3)
    now = timezone.now()
    stories = [
        factories.article(
            headline=f"Story {n}",
            section=politics if n % 2 else sport,
            published_at=now - timedelta(hours=n),
            authors=[factories.author(), factories.author()],
            tags=["harbour"],
            is_top_story=n == 3,
            is_live=n == 2,
        )
        for n in range(1, 16)
    ]
    draft = factories.article(headline="Draft", section=politics, published=False, is_top_story=True)
    scheduled = factories.article(
        headline="Scheduled", section=politics, published_at=now + timedelta(hours=1), is_top_story=True
    )
    return {"politics": politics, "sport": sport, "stories": stories, "draft": draft, "scheduled": scheduled}


def _ids(articles) -> list[int]:
    return [a.pk for a in articles]


# --- Lists ------------------------------------------------------------------------------------


def test_published_list_is_newest_first_without_drafts_or_scheduled(newsroom):
    listed = selectors.article_list_published()

    assert _ids(listed) == _ids(newsroom["stories"])


def test_published_list_filters(newsroom):
    politics, stories = newsroom["politics"], newsroom["stories"]
    writer = stories[4].bylines.first().author

    assert _ids(selectors.article_list_published(section=politics)) == _ids(
        a for a in stories if a.section == politics
    )
    assert _ids(selectors.article_list_published(author=writer)) == [stories[4].pk]
    harbour = selectors.tag_get(slug="harbour")
    assert _ids(selectors.article_list_published(tag=harbour)) == _ids(stories)


def test_article_page(newsroom):
    page = selectors.article_page(section=newsroom["sport"], limit=3)
    rest = selectors.article_page(section=newsroom["sport"], cursor=page.next_cursor, limit=100)

    sport = [a for a in newsroom["stories"] if a.section == newsroom["sport"]]
    assert _ids(page.items) + _ids(rest.items) == _ids(sport)
    assert rest.next_cursor is None


def test_article_page_costs_two_queries_however_many_bylines(newsroom, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        page = selectors.article_page(limit=20)
        bylines = [[b.author.name for b in a.bylines.all()] for a in page.items]
        sections = [a.section.slug for a in page.items]

    assert len(bylines) == len(sections) == 15
    assert all(len(names) == 2 for names in bylines)


def test_article_search_costs_a_fixed_number_of_queries(newsroom, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        page = selectors.article_search(q="story", limit=20)
        bylines = [[b.author.name for b in a.bylines.all()] for a in page.items]
        sections = [a.section.slug for a in page.items]

    assert len(page.items) == len(bylines) == len(sections) == 15


def test_article_search_never_finds_drafts_or_scheduled(newsroom):
    found = (
        selectors.article_search(q="draft scheduled", limit=20).items
        + selectors.article_search(q="scheduled", limit=20).items
        + selectors.article_search(q="draft", limit=20).items
    )

    assert found == []


# --- The home page ------------------------------------------------------------------------------


def test_home_page_never_repeats_a_story_between_top_and_latest(newsroom):
    home = selectors.home_page(latest_count=10)

    top, latest = _ids(home["top"]), _ids(home["latest"])
    assert top == [newsroom["stories"][2].pk]  # the one top story; drafts and scheduled ones are not
    assert not set(top) & set(latest)
    assert len(latest) == 10
    assert latest == [pk for pk in _ids(newsroom["stories"]) if pk not in top][:10]


def test_home_page_without_a_top_story_leads_with_the_newest(newsroom):
    story = newsroom["stories"][2]
    story.is_top_story = False
    services.article_save(article=story)

    home = selectors.home_page(latest_count=5)

    assert _ids(home["top"]) == [newsroom["stories"][0].pk]
    assert newsroom["stories"][0].pk not in _ids(home["latest"])


def test_home_page_shows_no_draft_or_scheduled_story_anywhere(newsroom):
    home = selectors.home_page()

    shown = home["top"] + home["latest"] + home["live"] + [a for b in home["sections"] for a in b["articles"]]
    hidden = {newsroom["draft"].pk, newsroom["scheduled"].pk}
    assert shown
    assert not {a.pk for a in shown} & hidden


def test_home_page_sections_in_navigation_order_and_empty_ones_left_out(newsroom):
    home = selectors.home_page(per_section=4)

    assert [b["section"].name for b in home["sections"]] == ["Politics", "Sport"]
    assert all(len(b["articles"]) == 4 for b in home["sections"])
    assert _ids(home["live"]) == [newsroom["stories"][1].pk]


def test_home_page_cost_does_not_grow_with_the_number_of_stories(newsroom, django_assert_max_num_queries):
    def render(home):
        return [
            (a.section.name, [b.author.name for b in a.bylines.all()])
            for a in home["top"]
            + home["latest"]
            + home["live"]
            + [x for b in home["sections"] for x in b["articles"]]
        ]

    # top, latest and live: 2 queries each (rows + bylines); the section list; then every
    # section's newest stories in one windowed query (+ bylines), whatever the section count.
    with django_assert_max_num_queries(9):
        render(selectors.home_page())
    for n in range(20):
        factories.article(headline=f"More {n}", section=newsroom["sport"], authors=[factories.author()])
    with django_assert_max_num_queries(7 + 2 * 3):
        render(selectors.home_page())


# --- One article ----------------------------------------------------------------------------------


def test_anonymous_readers_see_only_published_articles(newsroom):
    story = newsroom["stories"][0]

    assert selectors.article_get_visible(viewer=AnonymousUser(), slug=story.slug) == story
    for hidden in (newsroom["draft"], newsroom["scheduled"]):
        with pytest.raises(NotFound):
            selectors.article_get_visible(viewer=AnonymousUser(), slug=hidden.slug)
    with pytest.raises(NotFound):
        selectors.article_get_visible(viewer=AnonymousUser(), slug="no-such-story")


def test_readers_cannot_preview(newsroom, reader):
    with pytest.raises(NotFound):
        selectors.article_get_visible(viewer=reader, slug=newsroom["draft"].slug)


def test_editors_preview_drafts_and_scheduled_articles(newsroom, editor):
    for hidden in (newsroom["draft"], newsroom["scheduled"]):
        assert selectors.article_get_visible(viewer=editor, slug=hidden.slug) == hidden
    assert selectors.can_preview(editor)
    assert not selectors.can_preview(AnonymousUser())


def test_one_article_costs_a_fixed_number_of_queries(newsroom, django_assert_max_num_queries):
    story = newsroom["stories"][0]

    with django_assert_max_num_queries(3):
        article = selectors.article_get_visible(viewer=AnonymousUser(), slug=story.slug)
        [b.author.name for b in article.bylines.all()]
        [t.slug for t in article.tags.all()]
        article.section.name  # noqa: B018 - the access is what is counted


# --- Live updates, lookups, the schedule --------------------------------------------------------------


def test_live_update_page_is_newest_first_and_hides_the_future(
    editor, section, django_assert_max_num_queries
):
    story = factories.article(headline="Live", section=section, is_live=True)
    now = timezone.now()
    old = services.liveupdate_post(
        article=story, author=editor, body="Old.", posted_at=now - timedelta(hours=1)
    )
    new = services.liveupdate_post(
        article=story, author=editor, body="New.", posted_at=now - timedelta(minutes=1)
    )
    services.liveupdate_post(article=story, author=editor, body="Later.", posted_at=now + timedelta(hours=1))

    with django_assert_max_num_queries(1):
        page = selectors.live_update_page(article=story, limit=10)
        [u.author.public_name for u in page.items]

    assert _ids(page.items) == [new.pk, old.pk]


def test_lookups_by_slug(newsroom):
    assert selectors.section_get(slug="politics") == newsroom["politics"]
    author = newsroom["stories"][0].bylines.first().author
    assert selectors.author_get(slug=author.slug) == author
    for lookup in (selectors.section_get, selectors.author_get, selectors.tag_get):
        with pytest.raises(NotFound):
            lookup(slug="nothing")


def test_section_list_in_navigation_order(newsroom):
    assert [s.name for s in selectors.section_list()] == ["Politics", "Sport", "Empty"]


def test_next_scheduled_at(newsroom):
    assert selectors.next_scheduled_at() == newsroom["scheduled"].published_at

    sooner = timezone.now() + timedelta(minutes=5)
    factories.article(headline="Sooner", section=newsroom["sport"], published_at=sooner)

    assert selectors.next_scheduled_at() == sooner
