import pytest

from masthead.moderation import config, history, scorers
from masthead.moderation.config import ModerationConfig
from masthead.moderation.history import ReaderHistory


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
