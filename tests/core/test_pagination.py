"""Keyset pagination: stable while rows arrive, ties broken by id, cursors opaque and safe."""

from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from masthead.core.errors import MastheadError
from masthead.core.pagination import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    clamp_limit,
    decode_cursor,
    encode_cursor,
    keyset_page,
)
from masthead.newsroom.models import Article
from tests import factories

pytestmark = pytest.mark.django_db

NEWEST_FIRST = ("-published_at", "-id")
OLDEST_FIRST = ("published_at", "id")


def _all_pages(queryset, order, limit):
    pages, cursor = [], None
    for _ in range(100):
        page = keyset_page(queryset, order=order, cursor=cursor, limit=limit)
        pages.append([a.pk for a in page.items])
        cursor = page.next_cursor
        if cursor is None:
            return pages
    raise AssertionError("the cursor never ran out")


def _assert_bad_cursor(call):
    with pytest.raises(MastheadError) as caught:
        call()
    error = caught.value
    assert (error.code, error.status) == ("validation_error", 422)
    assert list(error.fields) == ["cursor"]


@pytest.fixture
def timeline(section):
    """Seven articles over five instants: two pairs share a timestamp."""
    now = timezone.now()
    offsets = [50, 40, 40, 30, 20, 20, 10]  # minutes ago
    return [
        factories.article(headline=f"Item {i}", section=section, published_at=now - timedelta(minutes=m))
        for i, m in enumerate(offsets)
    ]


def test_descending_pages_cover_every_row_once_in_order(timeline):
    pages = _all_pages(Article.objects.all(), NEWEST_FIRST, limit=2)

    expected = [a.pk for a in sorted(timeline, key=lambda a: (a.published_at, a.pk), reverse=True)]
    assert [pk for page in pages for pk in page] == expected
    assert [len(p) for p in pages] == [2, 2, 2, 1]


def test_ascending_pages_cover_every_row_once_in_order(timeline):
    pages = _all_pages(Article.objects.all(), OLDEST_FIRST, limit=3)

    expected = [a.pk for a in sorted(timeline, key=lambda a: (a.published_at, a.pk))]
    assert [pk for page in pages for pk in page] == expected


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_a_page_boundary_inside_a_tie_neither_repeats_nor_skips(section, limit):
    moment = timezone.now() - timedelta(hours=1)
    tied = [factories.article(headline=f"Tie {i}", section=section, published_at=moment) for i in range(4)]

    pages = _all_pages(Article.objects.all(), NEWEST_FIRST, limit=limit)

    assert [pk for page in pages for pk in page] == sorted((a.pk for a in tied), reverse=True)


def test_rows_arriving_between_pages_do_not_shift_later_pages(timeline, section):
    first = keyset_page(Article.objects.all(), order=NEWEST_FIRST, cursor=None, limit=3)
    factories.article(headline="Just in", section=section, published_at=timezone.now())
    rest = _all_pages_from(first.next_cursor)

    expected = [a.pk for a in sorted(timeline, key=lambda a: (a.published_at, a.pk), reverse=True)]
    assert [a.pk for a in first.items] + rest == expected


def _all_pages_from(cursor):
    out = []
    while cursor:
        page = keyset_page(Article.objects.all(), order=NEWEST_FIRST, cursor=cursor, limit=3)
        out += [a.pk for a in page.items]
        cursor = page.next_cursor
    return out


def test_order_through_a_relation(section):
    later = factories.section(name="Later", position=5)
    moment = timezone.now() - timedelta(hours=1)
    a = factories.article(headline="A", section=later, published_at=moment)
    b = factories.article(headline="B", section=section, published_at=moment)
    c = factories.article(headline="C", section=section, published_at=moment - timedelta(minutes=1))

    pages = _all_pages(Article.objects.all(), ("section__position", "-published_at", "-id"), limit=1)

    assert [pk for page in pages for pk in page] == [b.pk, c.pk, a.pk]


def test_last_page_exactly_full_has_no_next_cursor(section):
    for i in range(3):
        factories.article(headline=f"Item {i}", section=section)

    page = keyset_page(Article.objects.all(), order=NEWEST_FIRST, cursor=None, limit=3)

    assert len(page.items) == 3
    assert page.next_cursor is None


def test_empty_listing(db):
    page = keyset_page(Article.objects.all(), order=NEWEST_FIRST, cursor=None, limit=5)

    assert (page.items, page.next_cursor) == ([], None)


def test_limits():
    assert clamp_limit(None) == DEFAULT_LIMIT == 20
    assert clamp_limit(1) == 1
    assert clamp_limit(MAX_LIMIT) == MAX_LIMIT == 100
    for bad in (0, -5, MAX_LIMIT + 1):
        with pytest.raises(MastheadError) as caught:
            clamp_limit(bad)
        assert (caught.value.code, caught.value.status, list(caught.value.fields)) == (
            "validation_error",
            422,
            ["limit"],
        )


def test_cursor_is_opaque_and_round_trips():
    moment = timezone.now()
    cursor = encode_cursor([moment, 42], scope="x")

    assert moment.isoformat() not in cursor  # clients see an opaque token, not our columns
    assert decode_cursor(cursor, 2, scope="x") == [moment.isoformat(), 42]


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "garbage",
        "W10:1tZ:abc",
        "a" * 500,
        "\u00e9\u00e9\u00e9",
        "..",
        ":::",
    ],
)
def test_garbage_cursors_are_validation_errors(db, cursor):
    _assert_bad_cursor(lambda: decode_cursor(cursor, 2))


def test_tampered_cursor_is_a_validation_error(timeline):
    cursor = keyset_page(Article.objects.all(), order=NEWEST_FIRST, cursor=None, limit=2).next_cursor
    payload, _, signature = cursor.rpartition(":")
    forged = signing.dumps(  # well formed, but signed with somebody else's key
        ["2999-01-01T00:00:00+00:00", 10**9], key="x" * 50, salt="masthead.cursor:-published_at,-id"
    )

    for bad in (payload + ":" + signature[::-1], forged, cursor.swapcase()):
        _assert_bad_cursor(
            lambda bad=bad: keyset_page(Article.objects.all(), order=NEWEST_FIRST, cursor=bad, limit=2)
        )


def test_signed_cursor_of_the_wrong_shape_is_a_validation_error(db):
    for values in ([1], [1, 2, 3], [{"id": 1}, 2], [None, 2], [[1], 2]):
        cursor = encode_cursor(values)
        _assert_bad_cursor(lambda cursor=cursor: decode_cursor(cursor, 2))
    not_a_list = signing.dumps({"published_at": 1, "id": 2}, salt="masthead.cursor", compress=True)
    _assert_bad_cursor(lambda: decode_cursor(not_a_list, 2))


def test_a_cursor_from_another_ordering_is_a_validation_error(timeline):
    ascending = keyset_page(Article.objects.all(), order=OLDEST_FIRST, cursor=None, limit=2).next_cursor
    unscoped = encode_cursor([1.5, 7])  # e.g. a search cursor: (score, id)

    for cursor in (ascending, unscoped):
        _assert_bad_cursor(
            lambda cursor=cursor: keyset_page(
                Article.objects.all(), order=NEWEST_FIRST, cursor=cursor, limit=2
            )
        )


def test_a_value_that_does_not_fit_the_field_is_a_validation_error_not_a_crash(timeline):
    scope = ",".join(NEWEST_FIRST)
    for values in (["not a date", 3], [12.5, 3], ["2026-01-01T00:00:00+00:00", "three"]):
        cursor = encode_cursor(values, scope=scope)
        _assert_bad_cursor(
            lambda cursor=cursor: keyset_page(
                Article.objects.all(), order=NEWEST_FIRST, cursor=cursor, limit=2
            )
        )
