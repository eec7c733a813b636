"""Follows and ignores on an article's comments: "From readers you follow", a Follow button
beside each author, and ignored readers' comments collapsed in place. All of it per viewer,
on pages whose shared part is cached: nothing may reach another viewer, or the cache."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from masthead.community import services
from masthead.community.models import Follow
from tests import factories
from tests.community.conftest import signed_in

pytestmark = pytest.mark.django_db

MARK = "From readers you follow"
HTMX = {"HX-Request": "true"}


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.content.decode())


def _card(page: str, comment) -> str:
    """The HTML of one comment's card (up to its replies)."""
    start = page.index(f'id="comment-{comment.pk}-card"')
    return page[start : page.index("</article>", start)]


@pytest.fixture
def thread(article, alice, bob, carol):
    """bob's comment, carol's reply to it, and alice's own comment."""
    top = factories.comment(article=article, author=bob, body="The tide tables are wrong again.")
    reply = factories.comment(article=article, author=carol, body="They print them a year ahead.", parent=top)
    own = factories.comment(article=article, author=alice, body="Mine, for the record.")
    return top, reply, own


def test_comments_by_readers_i_follow_are_marked_and_others_offer_a_follow_button(
    client, article, thread, alice, bob
):
    top, reply, own = thread
    services.follow_create(follower=alice, followed=bob)

    page = _text(signed_in(client, alice).get(article.get_absolute_url()))

    assert MARK in _card(page, top) and "Follow" not in _card(page, top).replace(MARK, "")
    follow = _card(page, reply)
    assert MARK not in follow
    assert 'action="/readers/carol/follow/"' in follow and 'aria-label="Follow Carol Cho"' in follow
    assert f'name="next" value="/articles/{article.slug}/?comment={reply.pk}#comment-{reply.pk}"' in follow
    assert MARK not in _card(page, own) and "/follow/" not in _card(page, own)  # never yourself


def test_nothing_per_viewer_reaches_anonymous_readers_or_other_readers(
    client, article, thread, alice, bob, carol
):
    """alice's view of the page is rendered first (filling the thread's shared cache); then
    an anonymous reader (twice: the second is served from the page cache), then carol."""
    services.follow_create(follower=alice, followed=bob)
    services.ignore_create(reader=alice, ignored=carol)
    url = article.get_absolute_url()
    mine = _text(signed_in(Client(), alice).get(url))
    assert MARK in mine and "comment__ignored" in mine

    anonymous = Client()
    first, again = anonymous.get(url), anonymous.get(url)
    assert again["X-Page-Cache"] == "hit"
    for page in (_text(first), _text(again)):
        assert MARK not in page and "comment__ignored" not in page
        assert "/follow/" not in page and "csrfmiddlewaretoken" not in page
    carols = _text(signed_in(Client(), carol).get(url))
    assert MARK not in carols and "comment__ignored" not in carols
    # carol sees a Follow button beside bob (she does not follow him), none beside herself.
    assert 'action="/readers/bob/follow/"' in carols and 'action="/readers/carol/follow/"' not in carols
    # And the thread's fragment, cached separately, is the same story.
    fragment = _text(Client().get(f"/articles/{article.slug}/comments/?partial=1"))
    assert MARK not in fragment and "comment__ignored" not in fragment


def test_an_ignored_reader_s_comment_is_collapsed_and_the_thread_keeps_its_shape(
    client, article, thread, alice, carol, bob
):
    top, reply, _ = thread
    services.ignore_create(reader=alice, ignored=bob)

    page = _text(signed_in(client, alice).get(article.get_absolute_url()))

    card = _card(page, top)
    assert '<details class="comment__ignored">' in card
    assert "A comment from a reader you ignore." in card
    assert 'aria-label="Comment from a reader you ignore"' in page
    assert "The tide tables are wrong again." in card  # still there, behind the summary
    assert card.index("<summary>") < card.index("The tide tables")
    # carol's reply stays in bob's replies, shown in full.
    replies = page[page.index(f'id="replies-{top.pk}"') :]
    assert f'id="comment-{reply.pk}"' in replies
    assert "comment__ignored" not in _card(page, reply)
    assert "They print them a year ahead." in _card(page, reply)


def test_ignored_readers_are_collapsed_on_permalinks_replies_and_the_single_comment_fragment(
    article, thread, alice, bob
):
    top, reply, _ = thread
    services.ignore_create(reader=alice, ignored=bob)
    client = signed_in(Client(), alice)
    permalink = _text(client.get(f"{article.get_absolute_url()}?comment={reply.pk}"))
    assert "comment__ignored" in _card(permalink, top)
    card = _text(client.get(f"/comments/{top.pk}/?partial=1"))  # live pages fetch new comments so
    assert '<details class="comment__ignored">' in card and f'id="comment-{top.pk}-card"' in card


def test_following_from_beside_a_comment_comes_back_to_it(article, thread, alice):
    _, reply, _ = thread
    client = signed_in(Client(), alice)
    back = f"/articles/{article.slug}/?comment={reply.pk}#comment-{reply.pk}"

    response = client.post("/readers/carol/follow/", {"action": "follow", "next": back})

    assert response.status_code == 302 and response["Location"] == back
    assert Follow.objects.filter(follower=alice, followed__username="carol").exists()
    page = _text(client.get(back))
    assert "You follow Carol Cho." in page
    assert MARK in _card(page, reply)


def test_following_with_htmx_swaps_the_button_for_the_answer(article, thread, alice):
    client = signed_in(Client(), alice)
    response = client.post("/readers/carol/follow/", {"action": "follow", "next": "/"}, headers=HTMX)
    assert response.status_code == 200
    assert "You follow Carol Cho" in _text(response) and "data-followed" in _text(response)
    # No flash message left behind for the next page.
    assert "You follow Carol Cho." not in _text(client.get(article.get_absolute_url()))

    services.community_profile_update(reader=factories.reader(username="dora"), accepts_followers=False)
    refused = client.post("/readers/dora/follow/", {"action": "follow"}, headers=HTMX)
    assert 'role="alert"' in _text(refused) and "chosen not to have followers" in _text(refused)


def test_the_marks_cost_two_queries_per_page_however_many_comments(article, alice, bob, carol):
    services.follow_create(follower=alice, followed=bob)
    services.ignore_create(reader=alice, ignored=carol)
    client = signed_in(Client(), alice)

    def queries() -> int:
        cache.clear()  # the bell's count and the thread's first page: counted every time
        with CaptureQueriesContext(connection) as captured:
            _text(client.get(article.get_absolute_url()))
        return len(captured)

    factories.comment(article=article, author=bob, body="One.")
    few = queries()
    for i in range(6):
        top = factories.comment(article=article, author=[bob, carol][i % 2], body=f"More {i}.")
        factories.comment(article=article, author=[carol, bob][i % 2], body=f"Reply {i}.", parent=top)
    assert queries() == few
