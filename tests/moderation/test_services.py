"""Stored settings: the services that change them, and the snapshot the pipeline reads."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.core.errors import MastheadError
from masthead.core.models import AuditLogEntry
from masthead.moderation import config, selectors, services
from masthead.moderation.models import ArticleModeration, ModerationSettings, SectionModeration
from masthead.moderation.pipeline import PENDING, PUBLISHED, REJECTED, Draft, assess
from tests import factories
from tests.moderation.conftest import FixedScorer

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    return factories.reader(username="maya", role="moderator")


def decide(article, body="The council should reopen the baths.", **fields):
    fields.setdefault("author_id", 1)
    draft = Draft(body=body, article_id=article.pk, section_id=article.section_id, **fields)
    return assess(draft, scorer=FixedScorer(0.0))


def test_a_new_installation_has_the_shipped_defaults():
    row = ModerationSettings.load()

    assert row.mode == "post"
    assert row.toxicity_threshold == 0.8
    assert row.new_reader_count == 2
    assert row.link_policy == "allowlist"
    assert "kill yourself" in row.banned_words.splitlines()
    assert "idiot*" in row.suspect_words.splitlines()
    assert "gov.uk" in row.link_allowlist.splitlines()
    assert not any(line.startswith("#") for line in row.banned_words.splitlines())


def test_update_stores_cleans_and_logs(moderator):
    row = services.moderation_settings_update(
        actor=moderator,
        changes={
            "banned_words": ["  Kill  Yourself ", "kys", "kys", ""],
            "toxicity_threshold": 0.7,
            "link_allowlist": ["https://www.Example.org/page", "gov.uk"],
        },
    )

    assert row.banned_words == "kill yourself\nkys"
    assert row.toxicity_threshold == 0.7
    assert row.link_allowlist == "example.org\ngov.uk"
    assert row.updated_by == moderator
    entry = AuditLogEntry.objects.get(action="moderation.settings")
    assert entry.actor == moderator
    assert entry.data == {"changed": ["banned_words", "link_allowlist", "toxicity_threshold"]}


def test_an_update_that_changes_nothing_is_not_logged(moderator):
    services.moderation_settings_update(actor=moderator, changes={"toxicity_threshold": 0.8, "mode": "post"})
    assert not AuditLogEntry.objects.filter(action="moderation.settings").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"toxicity_threshold": 1.5}, "toxicity_threshold"),
        ({"toxicity_threshold": 0}, "toxicity_threshold"),
        ({"toxicity_threshold": True}, "toxicity_threshold"),
        ({"new_reader_count": -1}, "new_reader_count"),
        ({"new_reader_count": 2.5}, "new_reader_count"),
        ({"mode": "sometimes"}, "mode"),
        ({"link_policy": "whatever"}, "link_policy"),
        ({"banned_words": ["a"]}, "banned_words"),  # would match every "a"
        ({"banned_words": ["fu*ck"]}, "banned_words"),
        ({"suspect_words": ["x" * 101]}, "suspect_words"),
        ({"suspect_words": "idiot"}, "suspect_words"),  # a list, not a string
        ({"link_allowlist": ["not a domain"]}, "link_allowlist"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_invalid_values_are_refused_with_the_field_named(moderator, changes, field):
    with pytest.raises(MastheadError) as caught:
        services.moderation_settings_update(actor=moderator, changes=changes)

    assert caught.value.status == 422
    assert caught.value.code == "validation_error"
    assert field in caught.value.fields
    assert ModerationSettings.load().toxicity_threshold == 0.8  # nothing stored


def test_all_or_nothing(moderator):
    with pytest.raises(MastheadError):
        services.moderation_settings_update(
            actor=moderator, changes={"toxicity_threshold": 0.5, "new_reader_count": 1000}
        )
    assert ModerationSettings.load().toxicity_threshold == 0.8


def test_the_pipeline_uses_stored_settings_at_once(moderator, article):
    assert decide(article, "Not a bad word").status == PUBLISHED

    services.moderation_settings_update(actor=moderator, changes={"banned_words": ["bad word"]})

    assert decide(article, "Not a bad word", author_id=2).status == REJECTED


def test_the_snapshot_is_read_once_not_per_comment(article):
    decide(article)
    with CaptureQueriesContext(connection) as queries:
        for n in range(5):
            decide(article, f"Comment number {n}", author_id=n + 10)
    assert len(queries) == 0


def test_section_and_article_modes(moderator, article):
    other = factories.article(headline="The ferry timetable changes", section=article.section)

    services.section_mode_set(section=article.section, mode="pre", actor=moderator)
    assert decide(article).status == PENDING
    assert decide(other, author_id=2).status == PENDING

    services.article_mode_set(article=article, mode="closed", actor=moderator)
    assert decide(article, author_id=3).closed
    assert selectors.comments_closed_by_moderation(article)
    assert selectors.moderation_mode(other) == "pre"

    services.article_mode_set(article=article, mode=None, actor=moderator)
    services.section_mode_set(section=article.section, mode=None, actor=moderator)
    assert not ArticleModeration.objects.exists()
    assert not SectionModeration.objects.exists()
    assert decide(article, author_id=4).status == PUBLISHED
    logged = AuditLogEntry.objects.filter(action__startswith="moderation.").order_by("id")
    assert list(logged.values_list("action", "data")) == [
        ("moderation.section_mode", {"mode": "pre"}),
        ("moderation.article_mode", {"mode": "closed"}),
        ("moderation.article_mode", {"mode": "inherit"}),
        ("moderation.section_mode", {"mode": "inherit"}),
    ]


def test_setting_the_same_mode_again_changes_and_logs_nothing(moderator, article):
    services.article_mode_set(article=article, mode="pre", actor=moderator)
    services.article_mode_set(article=article, mode="pre", actor=moderator)
    assert AuditLogEntry.objects.filter(action="moderation.article_mode").count() == 1


def test_an_unknown_mode_is_refused(moderator, article):
    with pytest.raises(MastheadError) as caught:
        services.article_mode_set(article=article, mode="sometimes", actor=moderator)
    assert caught.value.status == 422


def test_site_mode_through_the_settings(moderator, article):
    services.moderation_settings_update(actor=moderator, changes={"mode": "closed"})
    assert decide(article).closed


def test_section_modes_by_slug_in_the_same_update(moderator, article):
    services.moderation_settings_update(
        actor=moderator, changes={}, section_modes={article.section.slug: "pre"}
    )
    assert SectionModeration.objects.get().mode == "pre"
    services.moderation_settings_update(
        actor=moderator, changes={}, section_modes={article.section.slug: "inherit"}
    )
    assert not SectionModeration.objects.exists()

    with pytest.raises(MastheadError) as caught:
        services.moderation_settings_update(actor=moderator, changes={}, section_modes={"no-such": "pre"})
    assert "section_modes.no-such" in caught.value.fields


def test_a_save_changes_the_shared_stamp_after_commit(moderator, django_capture_on_commit_callbacks):
    before = config.cache.get(config.VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        services.moderation_settings_update(actor=moderator, changes={"toxicity_threshold": 0.6})
    assert config.cache.get(config.VERSION_KEY) not in (None, before)


def test_a_change_made_elsewhere_reaches_this_process(article):
    """Another process saved the settings: the version stamp in the shared cache changed."""
    ModerationSettings.load()
    decide(article)
    ModerationSettings.objects.filter(pk=1).update(mode="pre")  # as another process would
    assert decide(article, author_id=2).status == PUBLISHED  # this process's snapshot
    config.invalidate()  # what that process's save did to the shared stamp
    assert decide(article, author_id=3).status == PENDING
