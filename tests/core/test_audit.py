"""Every editor or moderator action is written to the audit log by the service doing it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from masthead.core.audit import audit_log
from masthead.core.models import AuditLogEntry
from masthead.newsroom import services
from masthead.newsroom.models import Article
from tests import factories

pytestmark = pytest.mark.django_db


def _entries(target) -> list[tuple]:
    return list(
        AuditLogEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
        .order_by("id")
        .values_list("action", "actor__username")
    )


def test_audit_log_records_who_did_what_to_what(editor, article):
    entry = audit_log(actor=editor, action="article.feature", target=article, reason="Big story", slot=1)

    entry.refresh_from_db()
    assert entry.actor == editor
    assert entry.action == "article.feature"
    assert (entry.target_type, entry.target_id) == ("newsroom.article", str(article.pk))
    assert entry.target_repr == article.headline
    assert entry.reason == "Big story"
    assert entry.data == {"slot": 1}
    assert entry.at is not None


def test_an_anonymous_or_missing_actor_is_stored_as_none(article):
    assert audit_log(actor=AnonymousUser(), action="x", target=article).actor is None
    assert audit_log(actor=None, action="x", target=article).actor is None


def test_long_target_names_are_cut_to_fit(editor, section):
    article = factories.article(headline="H" * 200, section=section)
    article.headline = "H" * 300  # as str() of some other model might be

    entry = audit_log(actor=editor, action="x", target=article)

    assert len(entry.target_repr) == 255


def test_article_save_writes_an_entry_with_actor_and_action(editor, section):
    article = Article(headline="New story", slug="new-story", section=section, body="Text.")

    services.article_save(article=article, actor=editor, reason="First draft")

    entry = AuditLogEntry.objects.get(target_type="newsroom.article", target_id=str(article.pk))
    assert (entry.actor, entry.action, entry.reason) == (editor, "article.create", "First draft")
    assert entry.data == {"state": "draft"}


def test_each_change_of_an_article_is_logged(editor, section):
    article = factories.article(headline="Story", section=section, published=False, actor=editor)

    article.standfirst = "Sharper."
    services.article_save(article=article, actor=editor)
    services.article_publish(article=article, actor=editor, at=timezone.now() + timedelta(hours=1))
    services.article_publish(article=article, actor=editor)
    services.article_unpublish(article=article, actor=editor, reason="Legal")

    assert _entries(article) == [
        ("article.create", "edna"),
        ("article.update", "edna"),
        ("article.scheduled", "edna"),
        ("article.published", "edna"),
        ("article.draft", "edna"),
    ]
    assert AuditLogEntry.objects.filter(action="article.draft").get().reason == "Legal"


def test_live_updates_are_logged(editor, section):
    story = factories.article(headline="Live", section=section, is_live=True)

    update = services.liveupdate_post(article=story, author=editor, body="First.")
    update.body = "First, corrected."
    services.liveupdate_save(update=update, actor=editor)
    pk = update.pk
    services.liveupdate_delete(update=update, actor=editor)

    actions = list(
        AuditLogEntry.objects.filter(target_type="newsroom.liveupdate", target_id=str(pk))
        .order_by("id")
        .values_list("action", "actor__username")
    )
    assert actions == [
        ("liveupdate.post", "edna"),
        ("liveupdate.edit", "edna"),
        ("liveupdate.delete", "edna"),
    ]


def test_the_log_lists_newest_first(editor, article):
    first = audit_log(actor=editor, action="a", target=article)
    second = audit_log(actor=editor, action="b", target=article)

    assert list(AuditLogEntry.objects.filter(pk__in=[first.pk, second.pk])) == [second, first]
