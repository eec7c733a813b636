"""`/newsroom/live/<slug>/`: the editors' form for a live story's updates."""

import pytest
from django.test import Client

from masthead.core.models import AuditLogEntry
from masthead.live.bus import get_bus
from masthead.live.events import article_stream
from masthead.newsroom.models import LiveUpdate
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _url(article) -> str:
    return f"/newsroom/live/{article.slug}/"


def test_anonymous_visitors_are_sent_to_sign_in(client, live_article):
    response = client.get(_url(live_article))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_readers_and_moderators_may_not_post(client, live_article):
    for role in ("reader", "moderator"):
        client.force_login(factories.reader(role=role))
        assert client.get(_url(live_article)).status_code == 403
        assert client.post(_url(live_article), {"body": "Hacked"}).status_code == 403
    assert LiveUpdate.objects.count() == 0


def test_an_editor_sees_the_form_and_what_is_posted_so_far(client, live_article, editor):
    from masthead.newsroom import services

    services.liveupdate_post(article=live_article, author=editor, headline="Earlier", body="Earlier news.")
    client.force_login(editor)
    response = client.get(_url(live_article))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="body"' in page and 'name="csrfmiddlewaretoken"' in page
    assert "Earlier news." in page
    assert 'id="live-client"' in page, "the desk stays live too: colleagues' posts show up"


def test_an_editor_posts_an_update_through_the_service(client, live_article, editor):
    client.force_login(editor)
    response = client.post(
        _url(live_article), {"headline": "Bridge closed", "body": "Police have closed the **bridge**."}
    )
    assert response.status_code == 302
    assert response["Location"] == _url(live_article)
    update = LiveUpdate.objects.get()
    assert (update.article, update.author, update.headline) == (live_article, editor, "Bridge closed")
    assert "<strong>bridge</strong>" in update.body_html
    assert AuditLogEntry.objects.filter(action="liveupdate.post").count() == 1
    (event,) = get_bus().since(article_stream(live_article.pk), None)
    assert (event.type, event.data["id"]) == ("story.update", update.pk)
    followed = client.get(response["Location"])
    assert "readers on the story have it now" in followed.content.decode()


def test_an_empty_update_is_refused_with_the_form_again(client, live_article, editor):
    client.force_login(editor)
    response = client.post(_url(live_article), {"headline": "Nothing", "body": "  "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert LiveUpdate.objects.count() == 0


def test_the_form_needs_its_csrf_token(live_article, editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(_url(live_article), {"body": "Forged"}).status_code == 403
    assert LiveUpdate.objects.count() == 0


def test_a_story_that_is_not_live_takes_no_updates(client, editor):
    story = factories.article(headline="An ordinary story")
    client.force_login(editor)
    page = client.get(_url(story))
    assert page.status_code == 200
    assert "This story is not live." in page.content.decode()
    assert 'name="body"' not in page.content.decode()
    assert client.post(_url(story), {"body": "Update"}).status_code == 409
    assert LiveUpdate.objects.count() == 0


def test_unknown_stories_are_not_found(client, editor):
    client.force_login(editor)
    assert client.get("/newsroom/live/no-such-story/").status_code == 404


def test_editors_find_the_desk_from_the_story(client, live_article, editor):
    assert "live desk" not in client.get(live_article.get_absolute_url()).content.decode()
    client.force_login(editor)
    assert _url(live_article) in client.get(live_article.get_absolute_url()).content.decode()
