"""Every write to the newsroom goes through a service: render, sanitize, log, invalidate."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from masthead.core import pagecache
from masthead.core.models import AuditLogEntry
from masthead.newsroom import services
from masthead.newsroom.models import Article, LiveUpdate, SupportAppeal
from tests import factories

pytestmark = pytest.mark.django_db


def _new(section, **fields) -> Article:
    return Article(
        headline=fields.pop("headline", "Harbour baths reopen"),
        slug=fields.pop("slug", "harbour-baths-reopen"),
        section=section,
        body=fields.pop("body", "Swimmers **return**."),
        **fields,
    )


# --- article_save ----------------------------------------------------------------------------


def test_article_save_renders_and_sanitizes_the_body(editor, section):
    article = _new(
        section,
        body=(
            "The council voted **yes**.\n\n"
            '<script>steal()</script><p onclick="steal()">Pasted</p>\n\n'
            "[Minutes](javascript:steal()) and [the report](https://example.org/r)"
        ),
    )

    services.article_save(article=article, actor=editor)

    article.refresh_from_db()
    assert "<strong>yes</strong>" in article.body_html
    assert "<p>Pasted</p>" in article.body_html
    assert '<a href="https://example.org/r" rel="noopener">the report</a>' in article.body_html
    for bad in ("<script", "onclick", 'href="javascript'):
        assert bad not in article.body_html
    assert article.body_text.startswith("The council voted yes. Pasted")
    assert "<" not in article.body_text


def test_saving_again_re_renders_the_body(editor, article):
    article.body = "Corrected: the vote was *close*."

    services.article_save(article=article, actor=editor)

    article.refresh_from_db()
    assert article.body_html == "<p>Corrected: the vote was <em>close</em>.</p>\n"
    assert article.body_text == "Corrected: the vote was close."


def test_a_new_article_is_a_draft(editor, section):
    article = services.article_save(article=_new(section), actor=editor)

    assert (article.status, article.published_at, article.state) == ("draft", None, "draft")
    assert not article.is_published


def test_publishing_without_a_time_publishes_now(editor, section):
    before = timezone.now()
    article = services.article_save(article=_new(section, status=Article.Status.PUBLISHED), actor=editor)

    assert before <= article.published_at <= timezone.now()
    assert article.state == "published"
    assert article.is_published


def test_a_given_publication_time_is_kept(editor, section):
    moment = timezone.now() - timedelta(days=2)
    article = services.article_save(
        article=_new(section, status=Article.Status.PUBLISHED, published_at=moment), actor=editor
    )

    article.refresh_from_db()
    assert article.published_at == moment


def test_derived_state(editor, section):
    draft = factories.article(headline="Draft", section=section, published=False)
    scheduled = factories.article(
        headline="Scheduled", section=section, published_at=timezone.now() + timedelta(hours=3)
    )
    published = factories.article(headline="Published", section=section, ago=timedelta(minutes=1))

    assert [a.state for a in (draft, scheduled, published)] == ["draft", "scheduled", "published"]
    assert [a.is_published for a in (draft, scheduled, published)] == [False, False, True]
    assert list(Article.objects.published()) == [published]


def test_a_scheduled_article_goes_out_when_its_time_comes(editor, section):
    at = timezone.now() + timedelta(hours=1)
    article = services.article_publish(
        article=factories.article(headline="Embargoed", section=section, published=False), actor=editor, at=at
    )

    assert article.state == "scheduled"
    assert list(Article.objects.published()) == []
    assert list(Article.objects.published(now=at + timedelta(seconds=1))) == [article]


def test_article_publish_now(editor, section):
    draft = factories.article(headline="Ready", section=section, published=False)

    services.article_publish(article=draft, actor=editor)

    draft.refresh_from_db()
    assert draft.state == "published"


def test_article_unpublish(editor, section):
    article = factories.article(headline="Retracted", section=section, ago=timedelta(hours=1))

    services.article_unpublish(article=article, actor=editor, reason="Legal advice")

    article.refresh_from_db()
    assert article.state == "draft"
    assert list(Article.objects.published()) == []
    entry = AuditLogEntry.objects.filter(target_id=str(article.pk)).first()
    assert (entry.action, entry.actor, entry.reason) == ("article.draft", editor, "Legal advice")


def test_an_invalid_article_is_refused_and_nothing_is_written(editor, section):
    factories.article(headline="Taken", section=section, slug="taken")
    duplicate = _new(section, headline="Another", slug="taken")

    with pytest.raises(ValidationError) as caught:
        services.article_save(article=duplicate, actor=editor)

    assert "slug" in caught.value.message_dict
    assert Article.objects.filter(slug="taken").count() == 1
    assert not AuditLogEntry.objects.filter(actor=editor).exists()


def test_saving_an_article_bumps_its_pages_after_commit(editor, article, django_capture_on_commit_callbacks):
    names = ["newsroom", f"article:{article.pk}"]
    before = pagecache.versions(names)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        article.standfirst = "Now with a better summary."
        services.article_save(article=article, actor=editor)
        assert pagecache.versions(names) == before  # not before the commit
    for callback in callbacks:
        callback()

    after = pagecache.versions(names)
    assert after[0] != before[0] and after[1] != before[1]


def test_saving_one_article_leaves_other_articles_pages_cached(
    editor, section, django_capture_on_commit_callbacks
):
    first = factories.article(headline="First", section=section)
    second = factories.article(headline="Second", section=section)
    before = pagecache.versions([f"article:{second.pk}"])

    with django_capture_on_commit_callbacks(execute=True):
        services.article_save(article=first, actor=editor)

    assert pagecache.versions([f"article:{second.pk}"]) == before


# --- Live updates ------------------------------------------------------------------------------


def test_liveupdate_post(editor, section, django_capture_on_commit_callbacks):
    story = factories.article(headline="Storm live", section=section, is_live=True)
    before = pagecache.versions([f"article:{story.pk}"])

    with django_capture_on_commit_callbacks(execute=True):
        update = services.liveupdate_post(
            article=story,
            author=editor,
            headline="Pier closed",
            body="Waves over the **pier**.<script>x()</script>",
        )

    update.refresh_from_db()
    assert (update.article, update.author, update.headline) == (story, editor, "Pier closed")
    assert update.body_html == "<p>Waves over the <strong>pier</strong>.</p>\n"
    assert abs(update.posted_at - timezone.now()) < timedelta(seconds=5)
    assert pagecache.versions([f"article:{story.pk}"]) != before
    assert AuditLogEntry.objects.get(target_type="newsroom.liveupdate").action == "liveupdate.post"


def test_liveupdate_post_at_a_given_time(editor, section):
    story = factories.article(headline="Count live", section=section, is_live=True)
    moment = timezone.now() - timedelta(minutes=20)

    update = services.liveupdate_post(article=story, author=editor, body="Box 1 counted.", posted_at=moment)

    assert update.posted_at == moment


def test_an_empty_live_update_is_refused(editor, section):
    story = factories.article(headline="Quiet live", section=section, is_live=True)

    with pytest.raises(ValidationError):
        services.liveupdate_post(article=story, author=editor, body="")

    assert not LiveUpdate.objects.exists()


def test_liveupdate_edit_and_delete(editor, section):
    story = factories.article(headline="Live", section=section, is_live=True)
    update = services.liveupdate_post(article=story, author=editor, body="Frist.")

    update.body = "First."
    services.liveupdate_save(update=update, actor=editor)
    update.refresh_from_db()
    assert update.body_html == "<p>First.</p>\n"

    services.liveupdate_delete(update=update, actor=editor)
    assert not LiveUpdate.objects.exists()


# --- The appeal -----------------------------------------------------------------------------------


def test_appeal_save_bumps_every_page(editor, django_capture_on_commit_callbacks):
    before = pagecache.versions(["newsroom"])
    appeal = SupportAppeal.current()
    appeal.heading = "Keep the lights on"

    with django_capture_on_commit_callbacks(execute=True):
        services.appeal_save(appeal=appeal, actor=editor)

    assert SupportAppeal.current().heading == "Keep the lights on"
    assert pagecache.versions(["newsroom"]) != before
    assert AuditLogEntry.objects.get(target_type="newsroom.supportappeal").actor == editor
