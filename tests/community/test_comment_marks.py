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
from tests.api.openapi import assert_matches_schema
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


# --- The same marks in the API -------------------------------------------------------------


def _relation_queries(captured) -> list[str]:
    return [
        q["sql"]
        for q in captured.captured_queries
        if "community_follow" in q["sql"] or "community_ignore" in q["sql"]
    ]


def test_the_api_lists_mark_followed_and_ignored_authors_as_the_pages_do(article, thread, alice, bob, carol):
    """bob (followed) wrote the top comment, carol (ignored) replied to it."""
    top, reply, own = thread
    services.follow_create(follower=alice, followed=bob)
    services.ignore_create(reader=alice, ignored=carol)
    client = signed_in(Client(), alice)

    thread_list = assert_matches_schema(client.get(f"/api/v1/articles/{article.slug}/comments?sort=oldest"))
    by_id = {c["id"]: c for c in thread_list["items"]}
    by_id |= {r["id"]: r for c in thread_list["items"] for r in c["replies"]}
    assert (by_id[top.pk]["followed"], by_id[top.pk]["ignored"]) == (True, False)
    assert by_id[top.pk]["body_html"] == "<p>The tide tables are wrong again.</p>"
    # carol's reply keeps its place in bob's replies, marked, its words withheld.
    hidden = by_id[reply.pk]
    assert (hidden["followed"], hidden["ignored"], hidden["body_html"]) == (False, True, "")
    assert hidden["author"]["username"] == "carol" and hidden["deleted"] is False
    assert (by_id[own.pk]["followed"], by_id[own.pk]["ignored"]) == (False, False)  # never yourself

    replies = assert_matches_schema(client.get(f"/api/v1/comments/{top.pk}/replies"))["items"]
    assert [(r["id"], r["ignored"], r["body_html"]) for r in replies] == [(reply.pk, True, "")]
    # Asked for by id, it shows (the page's "Show it"), still marked.
    one = assert_matches_schema(client.get(f"/api/v1/comments/{reply.pk}"))
    assert (one["ignored"], one["body_html"]) == (True, "<p>They print them a year ahead.</p>")
    assert assert_matches_schema(client.get(f"/api/v1/comments/{top.pk}"))["followed"] is True

    # A reader's comments (their profile's list) are marked the same way; the following
    # feed leaves ignored readers out altogether.
    carols = assert_matches_schema(client.get("/api/v1/readers/carol/comments"))["items"]
    assert [(c["ignored"], c["body_html"]) for c in carols] == [(True, "")]
    bobs = assert_matches_schema(client.get("/api/v1/readers/bob/comments"))["items"]
    assert [(c["followed"], c["ignored"]) for c in bobs] == [(True, False)]
    assert [c["id"] for c in assert_matches_schema(client.get("/api/v1/me/feed"))["items"]] == [top.pk]

    # Nobody else sees alice's marks: not carol, not an anonymous reader (whose first page
    # may come from the cache alice's request filled).
    for other in (signed_in(Client(), carol), Client()):
        items = other.get(f"/api/v1/articles/{article.slug}/comments?sort=oldest").json()["items"]
        every = [*items, *(r for c in items for r in c["replies"])]
        assert not any(c["followed"] or c["ignored"] for c in every)
        assert all(c["body_html"] for c in every)


def test_the_api_marks_cost_one_query_per_request_however_many_comments(article, alice, bob, carol):
    services.follow_create(follower=alice, followed=bob)
    services.ignore_create(reader=alice, ignored=carol)
    client = signed_in(Client(), alice)
    url = f"/api/v1/articles/{article.slug}/comments?limit=50"

    def measure() -> tuple[int, int]:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured), len(_relation_queries(captured))

    factories.comment(article=article, author=bob, body="One.")
    few, relations = measure()
    assert relations == 1  # follows and ignores together, once
    for i in range(8):
        top = factories.comment(article=article, author=[bob, carol][i % 2], body=f"More {i}.")
        factories.comment(article=article, author=[carol, bob][i % 2], body=f"Reply {i}.", parent=top)
    assert measure() == (few, 1)


# --- A reader who takes no followers ----------------------------------------------------------


def test_no_follow_button_for_a_reader_who_takes_no_followers(article, thread, alice, bob, carol):
    top, _, _ = thread
    services.community_profile_update(reader=carol, accepts_followers=False)
    client = signed_in(Client(), alice)

    page = _text(client.get(article.get_absolute_url()))
    assert "/readers/carol/follow/" not in page  # not beside her comment
    assert 'action="/readers/bob/follow/"' in _card(page, top)  # bob still takes followers
    profile = _text(client.get("/readers/carol/"))
    assert 'data-follow="follow"' not in profile and "Carol Cho has chosen not to have followers." in profile
    assert 'data-follow="follow"' in _text(client.get("/readers/bob/"))
    signed_out = _text(Client().get("/readers/carol/"))
    assert "Sign in to follow" not in signed_out and "chosen not to have followers" in signed_out

    response = client.put("/api/v1/readers/carol/follow")
    error = assert_matches_schema(response)["error"]
    assert response.status_code == 403 and error == {
        "code": "not_followable",
        "message": "Carol Cho has chosen not to have followers.",
    }
    # A plain form posted anyway is refused with the same words, and follows nobody.
    refused = client.post(
        "/readers/carol/follow/", {"action": "follow", "next": "/readers/carol/"}, follow=True
    )
    assert "Carol Cho has chosen not to have followers." in _text(refused)
    assert not Follow.objects.filter(followed=carol).exists()


def test_a_private_follower_list_is_not_linked_from_the_profile_but_its_count_shows(
    alice, bob, carol, moderator
):
    services.follow_create(follower=alice, followed=bob)
    services.community_profile_update(reader=bob, followers_private=True)
    link = 'href="/readers/bob/followers/"'
    for client in (Client(), signed_in(Client(), carol)):
        page = _text(client.get("/readers/bob/"))
        assert link not in page and "(list kept private)" in page
        assert "<span data-follower-count>1</span>" in page  # the count stays public
        assert client.get("/readers/bob/followers/").status_code == 403
    for viewer in (bob, moderator):
        client = signed_in(Client(), viewer)
        page = _text(client.get("/readers/bob/"))
        assert link in page and "(list kept private)" not in page
        assert "Alice Ames" in _text(client.get("/readers/bob/followers/"))
    assert 'href="/readers/alice/followers/"' in _text(Client().get("/readers/alice/"))  # public: linked
