"""Only services publish, and only once their transaction has committed."""

import logging
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from masthead.live.bus import get_bus
from masthead.live.events import article_stream, publish_on_commit
from masthead.newsroom import services
from masthead.newsroom.models import LiveUpdate


def _events(article):
    return get_bus().since(article_stream(article.pk), None)


@pytest.mark.django_db(transaction=True)
def test_posting_an_update_publishes_it_after_commit(live_article, editor):
    with transaction.atomic():
        update = services.liveupdate_post(
            article=live_article, author=editor, headline="Ferries halted", body="All off."
        )
        assert _events(live_article) == [], "nothing leaves before the commit"
    (event,) = _events(live_article)
    assert event.type == "story.update"
    assert event.data["id"] == update.pk
    assert event.data["headline"] == "Ferries halted"
    assert event.data["body_html"] == update.body_html
    assert event.data["author"] == editor.public_name
    assert event.data["posted_at"].endswith("Z")


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_update_publishes_nothing(live_article, editor):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.liveupdate_post(article=live_article, author=editor, body="Never mind.")
        raise RuntimeError("something later in the same transaction failed")
    assert LiveUpdate.objects.count() == 0
    assert _events(live_article) == []


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_comment_event_is_never_sent(live_article):
    with pytest.raises(RuntimeError), transaction.atomic():
        publish_on_commit(article_id=live_article.pk, event="comment.published", data={"id": 1})
        raise RuntimeError
    assert _events(live_article) == []


@pytest.mark.django_db(transaction=True)
def test_editing_and_deleting_an_update_tell_open_pages(live_article, editor):
    update = services.liveupdate_post(article=live_article, author=editor, body="Frist draft.")
    update.body = "First draft."
    services.liveupdate_save(update=update, actor=editor)
    update_id = update.pk
    services.liveupdate_delete(update=update, actor=editor)
    posted, edited, deleted = _events(live_article)
    assert (posted.data["id"], edited.data["id"]) == (update_id, update_id)
    assert "First draft." in edited.data["body_html"]
    assert deleted.type == "story.update"
    assert deleted.data == {"id": update_id, "deleted": True}


@pytest.mark.django_db(transaction=True)
def test_an_update_timed_for_later_is_not_pushed_early(live_article, editor):
    later = timezone.now() + timedelta(hours=1)
    update = services.liveupdate_post(article=live_article, author=editor, body="Embargoed.", posted_at=later)
    assert _events(live_article) == []
    update.body = "Still embargoed."
    services.liveupdate_save(update=update, actor=editor)
    (event,) = _events(live_article)
    assert event.data == {"id": update.pk, "deleted": True}, "open pages drop it if they had it"


def test_unknown_event_types_are_refused():
    with pytest.raises(ValueError, match="Unknown live event type"):
        publish_on_commit(article_id=1, event="comment.deleted", data={})


@pytest.mark.django_db(transaction=True)
def test_a_bus_that_is_down_never_undoes_the_write(live_article, editor, monkeypatch, caplog):
    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(type(get_bus()), "publish", down)
    with caplog.at_level(logging.ERROR, logger="masthead.live"):
        update = services.liveupdate_post(article=live_article, author=editor, body="Still posted.")
    assert LiveUpdate.objects.filter(pk=update.pk).exists()
    assert "publishing an event failed" in caplog.text
