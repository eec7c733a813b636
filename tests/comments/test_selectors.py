"""comments.selectors: a thread page's cost does not grow with the thread; its first page is
cached until the thread changes; permalinks load the comment's conversation."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.comments import selectors, services
from tests import factories

pytestmark = pytest.mark.django_db


def _thread(article, size: int, *, reactor) -> None:
    """``size`` top-level comments by several readers, each with replies and reactions."""
    writers = [factories.reader() for _ in range(4)]
    for n in range(size):
        top = factories.comment(article=article, author=writers[n % 4], body=f"Top {n}")
        for m in range(4):
            reply = factories.comment(
                article=article, author=writers[(n + m + 1) % 4], parent=top, body=f"r{m}"
            )
            if m == 0:
                factories.comment(article=article, author=writers[n % 4], parent=reply, body="deeper")
        services.reaction_set(comment=top, reader=reactor)


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


@pytest.mark.parametrize("viewer_kind", ["anonymous", "reader"])
def test_a_thread_page_costs_the_same_for_5_or_50_comments(section, settings, viewer_kind):
    settings.PAGE_CACHE_SECONDS = 0  # measure the database, not the cache
    settings.BADGE_CACHE_SECONDS = 0
    reactor = factories.reader(username="reactor")
    viewer = reactor if viewer_kind == "reader" else None
    small = factories.article(headline="Small thread", section=section)
    large = factories.article(headline="Large thread", section=section)
    _thread(small, 5, reactor=reactor)
    _thread(large, 50, reactor=reactor)

    def page(article):
        return lambda: selectors.thread_page(article=article, viewer=viewer, limit=50)

    assert len(selectors.thread_page(article=large, viewer=viewer, limit=50).items) == 50
    assert _queries(page(small)) == _queries(page(large))
    # top-level rows, first replies, a query per badge provider, and the viewer's reactions;
    # a reader's also which of the authors take no followers (no Follow button beside them).
    # The readers they follow and ignore are one query per request, remembered on the viewer.
    assert _queries(page(large)) <= (7 if viewer else 6)


def test_a_thread_page_with_many_replies_each_costs_the_same_few_queries(section, settings):
    """``replies=100`` (a client reading the whole thread) adds rows, not queries."""
    settings.PAGE_CACHE_SECONDS = 0  # measure the database, not the caches
    settings.BADGE_CACHE_SECONDS = 0
    reactor = factories.reader(username="reactor")
    small = factories.article(headline="Small thread", section=section)
    large = factories.article(headline="Large thread", section=section)
    _thread(small, 2, reactor=reactor)
    _thread(large, 12, reactor=reactor)
    writers = [factories.reader() for _ in range(3)]
    for top in large.comments.filter(parent__isnull=True)[:3]:
        for n in range(20):
            factories.comment(article=large, author=writers[n % 3], parent=top, body=f"more {n}")

    def page(article, replies):
        return lambda: selectors.thread_page(
            article=article, viewer=None, sort="oldest", limit=100, replies=replies
        )

    big = selectors.thread_page(article=large, viewer=None, sort="oldest", limit=100, replies=100)
    assert sum(len(c.shown_replies) for c in big.items) == 12 * 4 + 3 * 20
    assert _queries(page(large, 100)) == _queries(page(small, 100)) == _queries(page(large, 3))
    # top-level rows, their replies, a query per badge provider (three)
    assert _queries(page(large, 100)) <= 5
    assert _queries(page(large, 0)) == _queries(page(large, 3)) - 1  # no replies query at all


def test_the_article_page_costs_the_same_for_5_or_50_comments(client, section, settings):
    settings.COMMENT_RATE_LIMIT = "10000/m"
    settings.PAGE_CACHE_SECONDS = 0  # measure the database, not the cache
    settings.BADGE_CACHE_SECONDS = 0
    reactor = factories.reader(username="reactor")
    client.force_login(reactor)  # signed in: the page is rendered afresh
    small = factories.article(headline="Small thread", section=section)
    large = factories.article(headline="Large thread", section=section)
    _thread(small, 5, reactor=reactor)
    _thread(large, 50, reactor=reactor)
    client.get(small.get_absolute_url())  # warm what every page loads once (sessions, groups)

    def get(article):
        return lambda: client.get(article.get_absolute_url())

    assert _queries(get(small)) == _queries(get(large))


def test_the_first_page_is_cached_until_the_thread_changes(
    article, author, other, django_capture_on_commit_callbacks
):
    first = factories.comment(article=article, author=author, body="First")
    assert [c.pk for c in selectors.thread_page(article=article, viewer=None).items] == [first.pk]

    assert _queries(lambda: selectors.thread_page(article=article, viewer=None)) <= 1  # cached
    with django_capture_on_commit_callbacks(execute=True):
        second = factories.comment(article=article, author=other, body="Second")
    assert [c.pk for c in selectors.thread_page(article=article, viewer=None).items] == [second.pk, first.pk]

    with django_capture_on_commit_callbacks(execute=True):
        services.reaction_set(comment=first, reader=other)
    top = selectors.thread_page(article=article, viewer=other, sort="top")
    assert [(c.pk, c.reaction_count, c.reacted) for c in top.items] == [
        (first.pk, 1, True),
        (second.pk, 0, False),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        services.comment_delete(comment=second, actor=other)
    assert selectors.thread_page(article=article, viewer=None).items[0].is_deleted


def test_the_cache_is_per_article(section, author):
    one = factories.article(headline="One", section=section)
    two = factories.article(headline="Two", section=section)
    factories.comment(article=one, author=author)
    selectors.thread_page(article=one, viewer=None)
    selectors.thread_page(article=two, viewer=None)
    factories.comment(article=two, author=author)
    assert len(selectors.thread_page(article=two, viewer=None).items) == 1
    assert _queries(lambda: selectors.thread_page(article=one, viewer=None)) <= 1


def test_cached_rows_hold_nothing_private(article, author):
    from django.core.cache import cache

    from masthead.core import pagecache

    factories.comment(article=article, author=author)
    selectors.thread_page(article=article, viewer=None)
    (version,) = pagecache.versions([selectors.thread_key(article.pk)])
    stored = cache.get(f"thread-page:{article.pk}:newest:20:{version}")

    assert stored is not None
    author_row = stored.items[0].author
    assert author_row.username == "alma"
    assert "password" not in author_row.__dict__
    assert "email" not in author_row.__dict__
    assert "article" not in stored.items[0]._state.fields_cache


def test_a_permalink_loads_the_chain_down_to_the_comment(article, author, other):
    top = factories.comment(article=article, author=author)
    siblings = [factories.comment(article=article, author=other, parent=top) for _ in range(4)]
    chain = [top, siblings[2]]
    for _ in range(4):
        chain.append(factories.comment(article=article, author=author, parent=chain[-1]))
    target = chain[-1]
    own_reply = factories.comment(article=article, author=other, parent=target)

    page = selectors.comment_focus(article=article, viewer=None, comment_id=target.pk)

    assert [c.pk for c in page.items] == [top.pk]
    walked, node = [], page.items[0]
    while True:
        walked.append(node.pk)
        if not node.shown_replies or node.pk == target.pk:
            break
        node = node.shown_replies[0]
    assert walked == [c.pk for c in chain]
    assert page.focus.pk == target.pk
    assert [r.pk for r in page.focus.shown_replies] == [own_reply.pk]
    assert page.items[0].more_replies == 3  # its other replies are a click away
    assert page.focus.replying_to == f"@{author.username}"


def test_a_permalink_to_what_the_viewer_may_not_see_is_none(article, section, author, other, premoderation):
    held = factories.comment(article=article, author=author)
    assert selectors.comment_focus(article=article, viewer=other, comment_id=held.pk) is None
    assert selectors.comment_focus(article=article, viewer=author, comment_id=held.pk).focus.pk == held.pk
    elsewhere = factories.article(headline="Elsewhere", section=section)
    assert selectors.comment_focus(article=elsewhere, viewer=author, comment_id=held.pk) is None
    assert selectors.comment_focus(article=article, viewer=author, comment_id=987654) is None
