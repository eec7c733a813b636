import itertools

import pytest

from masthead.moderation import config, history, scorers
from masthead.moderation.config import ModerationConfig
from masthead.moderation.history import ReaderHistory
from tests import factories


class FixedScorer:
    """A scorer that answers what the test says: a score per text, or one for all."""

    name = "fixed"

    def __init__(self, score: float = 0.0, by_text: dict[str, float] | None = None) -> None:
        self.score = score
        self.by_text = by_text or {}
        self.calls: list[list[str]] = []

    def score_many(self, texts):
        self.calls.append(list(texts))
        return [self.by_text.get(text, self.score) for text in texts]


class BrokenScorer:
    name = "broken"

    def score_many(self, texts):
        raise scorers.ScorerUnavailable("connection refused")


@pytest.fixture(autouse=True)
def _cheap_argon2(settings):
    """Still Argon2, with test-sized cost (readers are made for most tests here)."""
    settings.PASSWORD_HASHERS = ["tests.accounts.hashers.CheapArgon2PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_moderation_state():
    """Process-wide memos (settings snapshot, scorer, history provider) start empty."""
    config.invalidate()
    scorers.reset()
    history.reset()
    yield
    config.invalidate()
    scorers.reset()
    history.reset()


@pytest.fixture
def quiet_config() -> ModerationConfig:
    """No word lists, no allow-list: each test switches on what it checks."""
    return ModerationConfig.build()


@pytest.fixture
def default_config() -> ModerationConfig:
    return ModerationConfig.defaults()


@pytest.fixture
def established() -> ReaderHistory:
    return ReaderHistory(approved_count=12, recent_approved_count=5)


# --- The moderators' desk (phase 2): comments posted through the real services.


@pytest.fixture
def desk(settings):
    """Desk tests: the real pipeline with the product's defaults (a new reader's first two
    comments wait), no toxicity scorer (deterministic; the scorers have their own tests),
    and a rate limit that lets a test post a queue's worth."""
    settings.MODERATION_SCORER = "none"
    settings.COMMENT_RATE_LIMIT = "1000/m"
    settings.COMMENT_REPORT_RATE_LIMIT = "1000/h"


@pytest.fixture
def moderator(db):
    return factories.reader(username="maya", role="moderator")


_bodies = itertools.count(1)


def post(article, author=None, body: str | None = None, parent=None):
    """A comment through comments.services.comment_post (the pipeline decides)."""
    from masthead.comments.services import comment_post

    return comment_post(
        article=article,
        author=author or factories.reader(),
        body=body or f"A considered point about the harbour, number {next(_bodies)}.",
        parent_id=parent.pk if parent else None,
    ).comment


def pending(article, author=None, body: str | None = None, parent=None):
    """A comment the pipeline holds: a new reader's first comments wait for a moderator."""
    comment = post(article, author, body, parent)
    assert comment.status == "pending", comment.moderation_data
    return comment


@pytest.fixture
def no_probation(db):
    """New readers' comments publish at once (``new_reader_count`` 0, through the settings
    service): for tests that need published comments to report or feature."""
    from masthead.moderation.services import moderation_settings_update

    moderation_settings_update(actor=None, changes={"new_reader_count": 0})


def published(article, author=None, body: str | None = None, parent=None):
    """A published comment (with ``no_probation`` on)."""
    comment = post(article, author, body, parent)
    assert comment.status == "published", comment.moderation_data
    return comment
