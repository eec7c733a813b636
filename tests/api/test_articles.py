"""`/api/v1/articles…` against the contract in shared/API.md and the generated schema."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from masthead.newsroom import services
from tests import factories
from tests.api.openapi import RFC3339_UTC, assert_matches_schema

pytestmark = pytest.mark.django_db

DETAIL_FIELDS = {
    "slug", "url", "headline", "standfirst", "section", "authors", "published_at", "updated_at",
    "body_html", "comment_count", "comments_open", "is_live",
}  # fmt: skip


def _utc_z(moment: datetime) -> str:
    """How the API writes a timestamp: UTC, milliseconds when there are any, a Z."""
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds" if moment.microsecond else "seconds")
    return text.removesuffix("+00:00") + "Z"


def _slugs(response) -> list[str]:
    return [item["slug"] for item in assert_matches_schema(response)["items"]]


def _walk(client, url: str, params: dict) -> list[str]:
    """Every slug of a listing, page by page, following next_cursor."""
    slugs, cursor = [], None
    for _ in range(50):
        body = assert_matches_schema(client.get(url, {**params, **({"cursor": cursor} if cursor else {})}))
        slugs += [item["slug"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return slugs
    raise AssertionError("the cursor never ran out")


# --- The list -----------------------------------------------------------------------------


def test_list_is_published_articles_newest_first(client, section):
    oldest = factories.article(
        headline="Pier reopens after storm repairs", section=section, ago=timedelta(hours=3)
    )
    newest = factories.article(
        headline="Ferry timetable cut for winter", section=section, ago=timedelta(hours=1)
    )
    middle = factories.article(
        headline="School roof fund reaches target", section=section, ago=timedelta(hours=2)
    )

    response = client.get("/api/v1/articles")

    assert response.status_code == 200
    assert _slugs(response) == [newest.slug, middle.slug, oldest.slug]
    assert response.json()["next_cursor"] is None


def test_list_item_describes_the_article(client, section):
    writer = factories.author(name="Maya Okafor")
    article = factories.article(
        headline="Harbour dredging contract awarded",
        standfirst="The council picked the cheapest bid.",
        section=section,
        authors=[writer],
        ago=timedelta(minutes=5),
    )

    item = assert_matches_schema(client.get("/api/v1/articles"))["items"][0]

    assert item["slug"] == article.slug
    assert item["url"] == f"http://testserver/articles/{article.slug}/"
    assert item["headline"] == "Harbour dredging contract awarded"
    assert item["standfirst"] == "The council picked the cheapest bid."
    assert item["section"] == section.slug
    assert item["authors"] == [{"name": "Maya Okafor", "slug": "maya-okafor"}]
    assert item["published_at"] == _utc_z(article.published_at)


def test_drafts_and_scheduled_articles_are_never_listed(client, editor, section):
    published = factories.article(headline="Published story", section=section, ago=timedelta(minutes=1))
    factories.article(headline="Draft story", section=section, published=False)
    factories.article(
        headline="Scheduled story", section=section, published_at=timezone.now() + timedelta(hours=2)
    )

    assert _slugs(client.get("/api/v1/articles")) == [published.slug]
    client.force_login(editor)  # an editor previews drafts on their pages, but lists stay public
    assert _slugs(client.get("/api/v1/articles")) == [published.slug]


def test_section_filter(client):
    politics = factories.section(name="Politics")
    sport = factories.section(name="Sport")
    vote = factories.article(headline="Budget vote tonight", section=politics)
    factories.article(headline="Rowing club wins regatta", section=sport)

    assert _slugs(client.get("/api/v1/articles", {"section": "politics"})) == [vote.slug]


def test_unknown_section_is_not_found(client, article):
    response = client.get("/api/v1/articles", {"section": "no-such-section"})

    assert response.status_code == 404
    assert assert_matches_schema(response)["error"]["code"] == "not_found"


def test_search_is_ranked_best_first(client, section):
    passing = factories.article(
        headline="Town hall budget approved",
        body="Councillors also discussed the lighthouse in passing.",
        section=section,
        ago=timedelta(minutes=1),  # the newest, so a date order would put it first
    )
    about = factories.article(
        headline="Lighthouse keeper retires after forty years",
        body="The lighthouse will be automated. The lighthouse keeper's cottage is for sale.",
        section=section,
        ago=timedelta(days=3),
    )
    factories.article(headline="Bus fares frozen", section=section)
    factories.article(headline="Lighthouse draft", body="lighthouse", section=section, published=False)

    assert _slugs(client.get("/api/v1/articles", {"q": "lighthouse"})) == [about.slug, passing.slug]


def test_search_within_a_section(client):
    politics = factories.section(name="Politics")
    sport = factories.section(name="Sport")
    debate = factories.article(headline="Harbour debate in council", section=politics)
    factories.article(headline="Harbour swim race", section=sport)

    assert _slugs(client.get("/api/v1/articles", {"q": "harbour", "section": "politics"})) == [debate.slug]


def test_search_pages_with_cursors(client, section):
    for n in range(5):
        factories.article(headline=f"Flood warning {n}", section=section)

    slugs = _walk(client, "/api/v1/articles", {"q": "flood", "limit": 2})

    assert len(slugs) == len(set(slugs)) == 5


# --- Cursors and limits ---------------------------------------------------------------------


def test_cursor_pages_stay_stable_while_new_articles_arrive(client, section):
    now = timezone.now()
    originals = [
        factories.article(headline=f"Story {n}", section=section, published_at=now - timedelta(hours=n))
        for n in range(1, 6)
    ]  # newest first: Story 1 … Story 5

    first = assert_matches_schema(client.get("/api/v1/articles", {"limit": 2}))
    factories.article(headline="Breaking: bridge closed", section=section, published_at=now)
    second = assert_matches_schema(
        client.get("/api/v1/articles", {"limit": 2, "cursor": first["next_cursor"]})
    )
    third = assert_matches_schema(
        client.get("/api/v1/articles", {"limit": 2, "cursor": second["next_cursor"]})
    )

    served = [item["slug"] for page in (first, second, third) for item in page["items"]]
    assert served == [a.slug for a in originals]  # no duplicate, no gap
    assert third["next_cursor"] is None


def test_articles_published_at_the_same_instant_are_each_served_once(client, section):
    moment = timezone.now() - timedelta(minutes=10)
    same = [factories.article(headline=f"Tie {n}", section=section, published_at=moment) for n in range(5)]

    slugs = _walk(client, "/api/v1/articles", {"limit": 2})

    assert slugs == [a.slug for a in sorted(same, key=lambda a: a.pk, reverse=True)]


@pytest.mark.parametrize("limit", ["0", "101", "-1", "many"])
def test_limit_out_of_bounds_is_a_validation_error(client, article, limit):
    response = client.get("/api/v1/articles", {"limit": limit})

    assert response.status_code == 422
    error = assert_matches_schema(response)["error"]
    assert error["code"] == "validation_error"
    assert list(error["fields"]) == ["limit"]


def test_limit_bounds_themselves_are_accepted(client, section):
    for n in range(3):
        factories.article(headline=f"Item {n}", section=section)

    one = assert_matches_schema(client.get("/api/v1/articles", {"limit": 1}))
    hundred = assert_matches_schema(client.get("/api/v1/articles", {"limit": 100}))

    assert len(one["items"]) == 1 and one["next_cursor"]
    assert len(hundred["items"]) == 3 and hundred["next_cursor"] is None


def test_default_limit_is_twenty(client, section):
    for n in range(21):
        factories.article(headline=f"Item {n}", section=section)

    body = assert_matches_schema(client.get("/api/v1/articles"))

    assert len(body["items"]) == 20
    assert body["next_cursor"]


@pytest.mark.parametrize("cursor", ["garbage", "a" * 60, "W10:1tZ:abc"])
def test_garbage_cursor_is_a_validation_error(client, article, cursor):
    response = client.get("/api/v1/articles", {"cursor": cursor})

    assert response.status_code == 422
    error = assert_matches_schema(response)["error"]
    assert (error["code"], list(error["fields"])) == ("validation_error", ["cursor"])


def test_tampered_cursor_is_a_validation_error(client, section):
    for n in range(3):
        factories.article(headline=f"Item {n}", section=section)
    cursor = client.get("/api/v1/articles", {"limit": 1}).json()["next_cursor"]
    tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")

    response = client.get("/api/v1/articles", {"cursor": tampered})

    assert response.status_code == 422
    assert assert_matches_schema(response)["error"]["code"] == "validation_error"


def test_a_cursor_from_another_listing_is_a_validation_error_not_a_crash(client, section):
    for n in range(3):
        factories.article(headline=f"Flood {n}", section=section)
    search_cursor = client.get("/api/v1/articles", {"q": "flood", "limit": 1}).json()["next_cursor"]
    list_cursor = client.get("/api/v1/articles", {"limit": 1}).json()["next_cursor"]

    on_list = client.get("/api/v1/articles", {"cursor": search_cursor})
    on_search = client.get("/api/v1/articles", {"q": "flood", "cursor": list_cursor})

    assert (on_list.status_code, on_search.status_code) == (422, 422)
    assert assert_matches_schema(on_list)["error"]["code"] == "validation_error"
    assert assert_matches_schema(on_search)["error"]["code"] == "validation_error"


# --- One article ----------------------------------------------------------------------------


def test_detail_has_the_contract_fields(client, section):
    first = factories.author(name="Maya Okafor")
    second = factories.author(name="Tom Reyes")
    article = factories.article(
        headline="Harbour baths to reopen",
        standfirst="After a decade, swimmers return.",
        body="The council voted **unanimously**.",
        section=section,
        authors=[first, second],
        is_live=True,
        comments_enabled=False,
        ago=timedelta(hours=1),
    )

    response = client.get(f"/api/v1/articles/{article.slug}")

    assert response.status_code == 200
    body = assert_matches_schema(response)
    assert set(body) >= DETAIL_FIELDS
    assert body["slug"] == article.slug
    assert body["url"] == f"http://testserver/articles/{article.slug}/"
    assert body["headline"] == "Harbour baths to reopen"
    assert body["standfirst"] == "After a decade, swimmers return."
    assert body["section"] == section.slug
    assert body["authors"] == [
        {"name": "Maya Okafor", "slug": "maya-okafor"},
        {"name": "Tom Reyes", "slug": "tom-reyes"},
    ]
    assert body["published_at"] == _utc_z(article.published_at)
    assert body["updated_at"] == _utc_z(article.last_modified)
    assert body["body_html"] == "<p>The council voted <strong>unanimously</strong>.</p>\n"
    assert body["comment_count"] == 0
    assert body["comments_open"] is False
    assert body["is_live"] is True


def test_detail_body_is_sanitized(client, section):
    article = factories.article(
        headline="Pasted from a word processor",
        body=(
            '<p onclick="steal()">Text</p><script>alert(1)</script>\n\n'
            'A [trap](javascript:alert(2)), <a href="javascript:alert(3)">another</a> and '
            "[a source](https://example.org/report)."
        ),
        section=section,
    )

    body_html = assert_matches_schema(client.get(f"/api/v1/articles/{article.slug}"))["body_html"]

    assert "<p>Text</p>" in body_html
    assert '<a href="https://example.org/report" rel="noopener">a source</a>' in body_html
    for bad in ("<script", "alert(1)", "onclick", 'href="javascript:'):
        assert bad not in body_html


def test_timestamps_are_utc_with_z_whatever_the_site_time_zone(client, section, settings):
    settings.TIME_ZONE = "America/New_York"
    article = factories.article(headline="Late sitting", section=section, ago=timedelta(hours=2))
    update = services.liveupdate_post(article=article, author=None, body="Still sitting.")

    detail = assert_matches_schema(client.get(f"/api/v1/articles/{article.slug}"))
    listed = assert_matches_schema(client.get("/api/v1/articles"))["items"][0]
    posted = assert_matches_schema(client.get(f"/api/v1/articles/{article.slug}/updates"))["items"][0]

    for value in (detail["published_at"], detail["updated_at"], listed["published_at"], posted["posted_at"]):
        assert RFC3339_UTC.match(value), value
    assert detail["published_at"] == _utc_z(article.published_at)
    assert posted["posted_at"] == _utc_z(update.posted_at)


def test_a_whole_second_is_written_as_in_the_contract(client, section):
    article = factories.article(
        headline="Vote count", section=section, published_at=datetime(2026, 11, 26, 16, 40, tzinfo=UTC)
    )

    body = assert_matches_schema(client.get(f"/api/v1/articles/{article.slug}"))

    assert body["published_at"] == "2026-11-26T16:40:00Z"


def test_unknown_slug_is_not_found(client, article):
    response = client.get("/api/v1/articles/no-such-story")

    assert response.status_code == 404
    assert assert_matches_schema(response) == {
        "error": {"code": "not_found", "message": "No article by that name."}
    }


@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_drafts_and_scheduled_articles_are_not_found_for_the_public(client, reader, section, who):
    draft = factories.article(headline="Draft story", section=section, published=False)
    scheduled = factories.article(
        headline="Scheduled story", section=section, published_at=timezone.now() + timedelta(hours=2)
    )
    if who == "reader":
        client.force_login(reader)

    for article in (draft, scheduled):
        for path in (f"/api/v1/articles/{article.slug}", f"/api/v1/articles/{article.slug}/updates"):
            response = client.get(path)
            assert response.status_code == 404, path
            assert assert_matches_schema(response)["error"]["code"] == "not_found"


def test_an_editor_previews_a_draft(client, editor, section):
    draft = factories.article(headline="Draft story", section=section, published=False)
    client.force_login(editor)

    body = assert_matches_schema(client.get(f"/api/v1/articles/{draft.slug}"))

    assert body["slug"] == draft.slug


# --- Live updates ---------------------------------------------------------------------------


def test_updates_newest_first(client, editor, section):
    story = factories.article(headline="Storm live", section=section, is_live=True)
    now = timezone.now()
    first = services.liveupdate_post(
        article=story, author=editor, body="Winds rising.", posted_at=now - timedelta(minutes=30)
    )
    second = services.liveupdate_post(
        article=story, author=editor, body="Pier **closed**.", posted_at=now - timedelta(minutes=10)
    )
    services.liveupdate_post(  # written ahead, not yet shown
        article=story, author=editor, body="Embargoed.", posted_at=now + timedelta(hours=1)
    )

    body = assert_matches_schema(client.get(f"/api/v1/articles/{story.slug}/updates"))

    assert [u["id"] for u in body["items"]] == [second.pk, first.pk]
    latest = body["items"][0]
    assert {"id", "posted_at", "author", "body_html"} <= set(latest)
    assert latest["posted_at"] == _utc_z(second.posted_at)
    assert latest["author"] == editor.public_name
    assert latest["body_html"] == "<p>Pier <strong>closed</strong>.</p>\n"
    assert body["next_cursor"] is None


def test_updates_page_by_cursor(client, editor, section):
    story = factories.article(headline="Count live", section=section, is_live=True)
    moment = timezone.now() - timedelta(minutes=5)
    posted = [
        services.liveupdate_post(article=story, author=editor, body=f"Box {n} counted.", posted_at=moment)
        for n in range(5)
    ]  # all at the same instant: the id breaks the tie

    ids, cursor = [], None
    for _ in range(5):
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = assert_matches_schema(client.get(f"/api/v1/articles/{story.slug}/updates", params))
        ids += [u["id"] for u in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break

    assert ids == [u.pk for u in reversed(posted)]


def test_updates_of_an_article_without_any_are_an_empty_list(client, article):
    body = assert_matches_schema(client.get(f"/api/v1/articles/{article.slug}/updates"))

    assert body == {"items": [], "next_cursor": None}
