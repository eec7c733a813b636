from dataclasses import dataclass

import pytest

from masthead.comments import moderation
from tests import factories


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    """Tests post many comments quickly; the rate-limit tests set their own rate."""
    settings.COMMENT_RATE_LIMIT = "1000/m"


@pytest.fixture(autouse=True)
def _cheap_argon2(settings):
    """Still Argon2, with test-sized cost: these tests create many readers."""
    settings.PASSWORD_HASHERS = ["tests.accounts.hashers.CheapArgon2PasswordHasher"]


@pytest.fixture
def author(db):
    return factories.reader(username="alma")


@pytest.fixture
def other(db):
    return factories.reader(username="otto")


@pytest.fixture
def moderator(db):
    return factories.reader(username="maya", role="moderator")


@dataclass
class Published:
    event: str
    article_id: int
    data: dict


@pytest.fixture
def live_events(monkeypatch):
    """What the comment services asked the live bus to publish (after commit), in order."""
    sent: list[Published] = []

    def record(*, article_id, event, data):
        sent.append(Published(event=event, article_id=article_id, data=data))

    monkeypatch.setattr("masthead.comments.services.publish_on_commit", record)
    return sent


class HoldForReview:
    """A moderation pipeline that holds every comment for a moderator."""

    def assess(self, draft):
        return moderation.Decision(
            status=moderation.PENDING, reason="New readers' first comments are reviewed."
        )


@pytest.fixture
def premoderation(settings):
    settings.COMMENT_MODERATION_PIPELINE = "tests.comments.conftest.HoldForReview"
