"""The pipeline behind the comments app's hook (masthead.comments.moderation).

``CommentsPipeline`` is what ``COMMENT_MODERATION_PIPELINE`` names to switch moderation on.
These tests hand it the comments app's own Draft, and post through ``comment_post``.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from masthead.core.errors import MastheadError
from masthead.moderation import services
from masthead.moderation.history import ReaderHistory
from masthead.moderation.pipeline import CommentsPipeline, draft_from_comment
from tests import factories
from tests.moderation.conftest import FixedScorer

hook = pytest.importorskip("masthead.comments.moderation")

pytestmark = pytest.mark.django_db

TOXIC = "You are all useless and should be ashamed"


@pytest.fixture
def author(db):
    return factories.reader(username="alma")


@pytest.fixture(autouse=True)
def _fixed_scorer(settings):
    """A scorer that flags exactly TOXIC (the local model is tested on its own). No reader
    history provider: the hook on its own (the comments app's provider, the default, is
    tested in test_history.py)."""
    settings.MODERATION_SCORER = "tests.moderation.test_comments_hook.ToxicOnly"
    settings.MODERATION_READER_HISTORY = ""


class ToxicOnly(FixedScorer):
    def __init__(self) -> None:
        super().__init__(0.02, by_text={"you are all useless and should be ashamed": 0.95})


def comment_draft(article, author, body="The council should reopen the baths.", **fields):
    return hook.Draft(article=article, author=author, body=body, body_html=f"<p>{body}</p>", **fields)


def test_the_comments_draft_becomes_a_moderation_draft(article, author):
    draft = draft_from_comment(comment_draft(article, author))

    assert draft.article_id == article.pk
    assert draft.section_id == article.section_id
    assert draft.author_id == author.pk
    assert draft.account_created_at == author.date_joined
    assert draft.body_html == "<p>The council should reopen the baths.</p>"
    assert not draft.is_edit
    assert not draft.author_trusted
    assert callable(draft.history)


def test_a_civil_comment_is_published(article, author):
    decision = CommentsPipeline().assess(comment_draft(article, author))

    assert isinstance(decision, hook.Decision)
    assert decision.status == "published"
    assert decision.reason == ""
    assert decision.data["rules"] == []


def test_a_held_comment_carries_the_readers_sentence_and_the_moderators_reasons(article, author):
    decision = CommentsPipeline().assess(comment_draft(article, author, "Details at https://spam.example"))

    assert decision.status == "pending"
    assert "links" in decision.reason
    assert decision.data["reasons"] == [{"rule": "links", "detail": "links to spam.example"}]


def test_toxic_first_attempt_is_422_revise_suggested_then_pending(article, author):
    with pytest.raises(MastheadError) as caught:
        CommentsPipeline().assess(comment_draft(article, author, TOXIC))
    assert caught.value.code == "revise_suggested"
    assert caught.value.status == 422
    assert "rephrase" in caught.value.message
    assert caught.value.fields == {"body": [caught.value.message]}

    again = CommentsPipeline().assess(comment_draft(article, author, TOXIC))
    assert again.status == "pending"
    assert again.data["score"] == 0.95


def test_closed_by_moderators_is_403_comments_closed(article, author):
    services.article_mode_set(article=article, mode="closed", actor=None)

    with pytest.raises(MastheadError) as caught:
        CommentsPipeline().assess(comment_draft(article, author))
    assert (caught.value.code, caught.value.status) == ("comments_closed", 403)


def test_staff_are_trusted(article):
    editor = factories.reader(username="edna", role="editor")
    services.article_mode_set(article=article, mode="pre", actor=None)

    assert CommentsPipeline().assess(comment_draft(article, editor)).status == "published"


def test_an_edit_is_assessed_as_an_edit(article, author):
    class Existing:
        pk = 99

    draft = draft_from_comment(comment_draft(article, author, TOXIC, comment=Existing()))
    assert draft.is_edit and draft.comment_id == 99
    decision = CommentsPipeline().assess(comment_draft(article, author, TOXIC, comment=Existing()))
    assert decision.status == "pending"  # no second chance for an edit: straight to a moderator


def reader_history(author, *, since, exclude_comment_id):
    assert since < timezone.now() - timedelta(days=29)
    return ReaderHistory(approved_count=0)


def test_history_from_the_configured_provider(settings, article, author):
    settings.MODERATION_READER_HISTORY = "tests.moderation.test_comments_hook.reader_history"

    decision = CommentsPipeline().assess(comment_draft(article, author))

    assert decision.status == "pending"
    assert decision.data["rules"] == ["new_readers"]


# --- Through comment_post, once the comments app names this pipeline.


@pytest.fixture
def moderated(settings):
    pytest.importorskip("masthead.comments.services")
    settings.COMMENT_MODERATION_PIPELINE = "masthead.moderation.pipeline.CommentsPipeline"
    settings.COMMENT_RATE_LIMIT = "1000/m"


def test_comment_post_through_the_pipeline(moderated, article, author):
    from masthead.comments.services import comment_post

    published = comment_post(article=article, author=author, body="Lovely regatta this year.").comment
    assert published.status == "published"

    held = comment_post(article=article, author=author, body="More at https://spam.example").comment
    assert held.status == "pending"
    assert "links" in held.moderation_reason
    assert held.moderation_data["rules"] == ["links"]

    with pytest.raises(MastheadError) as caught:
        comment_post(article=article, author=author, body=TOXIC)
    assert caught.value.code == "revise_suggested"

    again = comment_post(article=article, author=author, body=TOXIC).comment
    assert again.status == "pending"
    assert again.moderation_data["rules"] == ["toxicity"]
