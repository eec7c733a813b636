"""Full-text search: ranking, matching rules, visibility, paging and hostile input.

Runs against whichever engine DATABASE_URL names: the SQLite FTS5 table and the PostgreSQL
tsvector column (migration 0002) must behave the same for readers.
"""

from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from masthead.core.errors import MastheadError
from masthead.core.pagination import encode_cursor
from masthead.newsroom import selectors
from masthead.newsroom.search import article_search_ids
from tests import factories

pytestmark = pytest.mark.django_db


def found(q: str, **kwargs) -> list[int]:
    return [pk for pk, _score in article_search_ids(q=q, limit=100, **kwargs).items]


@pytest.fixture
def harbour(section):
    return factories.article(
        headline="Harbour baths reopen after council vote",
        standfirst="Swimmers return to the seafront pool.",
        body="The pool closed in 2019. Councillors agreed the repairs on Tuesday.",
        section=section,
    )


def test_a_headline_match_ranks_above_a_body_only_match(section):
    in_body = factories.article(
        headline="Budget round-up for the week",
        standfirst="Where the money goes.",
        body="Spending on roads rises. The lighthouse keeper's cottage gets a new roof.",
        section=section,
    )
    in_headline = factories.article(
        headline="Lighthouse keeper retires after forty years",
        standfirst="A life on the rocks.",
        body="She climbed the stairs every night.",
        section=section,
    )
    assert found("lighthouse") == [in_headline.pk, in_body.pk]
    page = article_search_ids(q="lighthouse")
    scores = [score for _pk, score in page.items]
    assert scores[0] > scores[1]


def test_every_term_must_match_and_the_order_of_terms_does_not(harbour, section):
    factories.article(headline="Council tax rises again", section=section)
    assert found("harbour council") == [harbour.pk]
    assert found("council harbour") == [harbour.pk]
    assert found("harbour weather") == []


def test_terms_match_as_prefixes(harbour):
    assert found("harb") == [harbour.pk]
    assert found("swimm") == [harbour.pk]  # in the standfirst
    assert found("councillor") == [harbour.pk]  # in the body
    assert found("zzz") == []


def test_case_does_not_matter(harbour):
    assert found("HARBOUR BATHS") == [harbour.pk]
    assert found("hArBoUr") == [harbour.pk]


def test_accented_words_are_found_by_the_same_accents_in_any_case(section):
    cafe = factories.article(headline="Café society returns to São Paulo", section=section, slug="cafe")
    assert found("café") == [cafe.pk]
    assert found("CAFÉ SÃO") == [cafe.pk]


def test_accents_are_folded(section):
    cafe = factories.article(headline="Café society returns to São Paulo", section=section, slug="cafe")
    assert found("cafe sao") == [cafe.pk]


def test_common_words_do_not_have_to_appear(harbour):
    # "or", "the" and "of" are dropped as PostgreSQL drops them, on both engines.
    assert found("harbour or the baths of") == [harbour.pk]


def test_drafts_and_scheduled_articles_are_never_found(section):
    published = factories.article(headline="Ferry timetable changes", section=section)
    factories.article(headline="Ferry strike looms", section=section, published=False)
    factories.article(
        headline="Ferry operator sold",
        section=section,
        published_at=timezone.now() + timedelta(hours=3),
    )
    assert found("ferry") == [published.pk]


def test_an_unpublished_article_drops_out_of_the_results(section):
    from masthead.newsroom import services

    story = factories.article(headline="Pier collapse inquiry opens", section=section)
    assert found("pier") == [story.pk]
    services.article_unpublish(article=story)
    assert found("pier") == []


def test_an_edited_headline_is_searched_as_edited(section):
    from masthead.newsroom import services

    story = factories.article(headline="Lifeboat launched twice", section=section)
    story.headline = "Coastguard called out twice"
    services.article_save(article=story)
    assert found("lifeboat") == []
    assert found("coastguard") == [story.pk]


def test_section_filter(section):
    sport = factories.section(name="Sport")
    politics_story = factories.article(headline="Regatta budget approved", section=section)
    sport_story = factories.article(headline="Regatta crews named", section=sport)
    assert set(found("regatta")) == {politics_story.pk, sport_story.pk}
    assert found("regatta", section_id=sport.pk) == [sport_story.pk]
    assert found("regatta", section_id=section.pk) == [politics_story.pk]


def test_the_selector_returns_articles_in_rank_order(section):
    in_body = factories.article(
        headline="Weekly digest", body="The tidal barrier opened.", section=section, slug="digest"
    )
    in_headline = factories.article(headline="Tidal barrier opened", section=section)
    page = selectors.article_search(q="tidal", section=section)
    assert page.items == [in_headline, in_body]


def _matching_articles(section, count: int) -> set[int]:
    """``count`` matching articles with many different scores and many exact ties."""
    ids = set()
    for i in range(count):
        mentions = " ".join(["The quay was busy."] * (i % 4))
        story = factories.article(
            headline=f"Quay report {i}" if i % 3 == 0 else f"Shipping note {i}",
            body=f"{mentions} Trade figures for the month, part {i}.",
            standfirst="Trade on the quay." if i % 2 else "Trade figures.",
            section=section,
        )
        ids.add(story.pk)
    return ids


def test_cursor_pages_cover_every_result_once_in_rank_order(section):
    expected = _matching_articles(section, 23)
    factories.article(headline="Quay closed", section=section, published=False)
    one_go = article_search_ids(q="trade", limit=100)
    assert {pk for pk, _ in one_go.items} == expected
    assert one_go.next_cursor is None

    pages, cursor = [], None
    for _ in range(10):  # bounded: a cursor that never advances must fail, not hang
        pages.append(article_search_ids(q="trade", cursor=cursor, limit=4))
        cursor = pages[-1].next_cursor
        if cursor is None:
            break
    assert [len(page.items) for page in pages] == [4, 4, 4, 4, 4, 3]
    seen = [item for page in pages for item in page.items]
    assert [pk for pk, _ in seen] == [pk for pk, _ in one_go.items]
    ranked = [(score, pk) for pk, score in seen]
    assert ranked == sorted(ranked, reverse=True)


def test_paging_a_ranked_query_with_ties(section):
    expected = _matching_articles(section, 23)
    seen, cursor = [], None
    for _ in range(30):
        page = article_search_ids(q="quay", cursor=cursor, limit=3)
        seen.extend(pk for pk, _ in page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen))
    assert set(seen) == set(found("quay")) and set(seen) <= expected
    scores = [score for _, score in article_search_ids(q="quay", limit=100).items]
    assert len(set(scores)) < len(scores), "the data must contain ties to test tie-breaking"


def test_an_exactly_full_last_page_has_no_next_cursor(section):
    _matching_articles(section, 6)
    first = article_search_ids(q="trade", limit=3)
    second = article_search_ids(q="trade", cursor=first.next_cursor, limit=3)
    assert len(second.items) == 3
    assert second.next_cursor is None


TAMPERED_CURSORS = {
    "garbage": lambda: "not-a-cursor",
    "forged signature": lambda: "W1swLjUsIDFdXQ:1abcde:forged",
    "signed for something else": lambda: signing.dumps([1.5, 3], salt="someone.else"),
    # validly signed, but an article listing's cursor: (published_at, id), not (score, id)
    "another listing's cursor": lambda: encode_cursor(["2026-01-01T00:00:00+00:00", 5]),
    "too short": lambda: encode_cursor([1.5]),
    "too long": lambda: encode_cursor([1.5, 3, 4]),
    "null score": lambda: encode_cursor([None, 3]),
}


@pytest.mark.parametrize("make_cursor", TAMPERED_CURSORS.values(), ids=TAMPERED_CURSORS.keys())
def test_a_tampered_cursor_is_a_validation_error(harbour, make_cursor):
    with pytest.raises(MastheadError) as caught:
        article_search_ids(q="harbour", cursor=make_cursor())
    assert caught.value.code == "validation_error"
    assert caught.value.status == 422


def test_a_cursor_cannot_be_edited_by_hand(section):
    _matching_articles(section, 6)
    cursor = article_search_ids(q="trade", limit=2).next_cursor
    value, signature = cursor.rsplit(":", 1)
    with pytest.raises(MastheadError) as caught:
        article_search_ids(q="trade", cursor=f"{value}x:{signature}", limit=2)
    assert caught.value.code == "validation_error"


@pytest.mark.parametrize("limit", [0, -1, 101])
def test_an_out_of_range_limit_is_a_validation_error(harbour, limit):
    with pytest.raises(MastheadError) as caught:
        article_search_ids(q="harbour", limit=limit)
    assert caught.value.code == "validation_error"


@pytest.mark.parametrize(
    "q",
    [
        'harbour"',
        '"harbour',
        '"harbour baths"',
        "'harbour'",
        "harbour*",
        "*harbour",
        "harb*",
        "harbour OR baths",
        "harbour AND baths",
        "NOT harbour",
        "-baths harbour",
        "harbour -baths",
        "harbour^",
        "{harbour}",
        "harbour & baths | !",
        "harbour:* <-> baths",
        "(harbour",
        "harbour')",
        "harbour';--",
        "harbour\\",
        "harbour\x00",
        "harbour\t\n",
        "  harbour  ",
        "HARBOUR",
        "harbour's",
    ],
)
def test_query_syntax_is_inert_and_the_words_still_search(harbour, q):
    assert harbour.pk in found(q)


@pytest.mark.parametrize(
    "q",
    [
        "",
        " ",
        "\t\n  ",
        '"',
        '""',
        "*",
        "**",
        "'",
        "-",
        "NEAR(",
        "(",
        ")",
        ":",
        "^",
        "&|!",
        "_",
        "__ __",
        "OR",
        "AND NOT",
        "'; DROP TABLE newsroom_article; --",
        "harbour'; DROP TABLE newsroom_article; --",
        "harbour' OR '1'='1",
        "x' UNION SELECT id, 1e9 FROM newsroom_article --",
        "harbour NEAR(baths)",
        "NEAR(harbour baths, 2)",
        "headline:harbour",
        "harbour OR weather",
        "😀",
        "东京 天气",
        "Ελληνικά",
        "١٢٣",
        "²",
        "\ud800",
        "\x00\x01\x02",
        "a" * 1000,
        "harbour " * 200,
        " ".join(f"w{i}" for i in range(400)),
        "ﷺ" * 1000,
    ],
)
def test_hostile_queries_never_error(harbour, q):
    page = article_search_ids(q=q)
    assert page.items == [] or page.items == [(harbour.pk, page.items[0][1])]


def test_empty_and_whitespace_queries_find_nothing(harbour):
    for q in ("", "   ", "\n", "!!!", "--"):
        page = article_search_ids(q=q)
        assert page.items == []
        assert page.next_cursor is None


def test_a_very_long_query_still_finds_by_its_leading_words(harbour):
    assert found("harbour baths " + "x" * 1000) == []  # the junk word is a term too
    assert found("harbour baths" + " " * 1000) == [harbour.pk]
    assert found("harbour " * 500) == [harbour.pk]


def test_an_overlong_word_is_searched_by_its_beginning(section):
    word = "pneumonoultramicroscopicsilicovolcanoconiosis" * 2  # 90 letters, one word
    story = factories.article(headline=f"Doctors puzzled by {word}", section=section)
    assert found(word) == [story.pk]
    assert found(word + "x" * 500) == [story.pk]


def test_database_rows_survive_hostile_queries(harbour):
    article_search_ids(q="'; DROP TABLE newsroom_article; --")
    article_search_ids(q='") OR 1=1; DELETE FROM newsroom_article; --')
    assert found("harbour") == [harbour.pk]
