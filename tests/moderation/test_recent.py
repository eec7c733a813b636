"""moderation.recent: the flood counter, one round trip on Redis, nothing held while Redis is
unreachable."""

from django.conf import settings as django_settings
from django.core.cache import cache, caches

from masthead.moderation import recent
from masthead.moderation.config import ModerationConfig
from masthead.moderation.pipeline import PUBLISHED, Draft, assess
from tests.redis_helpers import needs_redis, redis_commands

FLOOD = "Earn five hundred pounds a day from home with this one simple trick, ask me how"


def test_a_text_is_counted_under_the_caches_key_for_an_hour():
    assert [recent.count_submission("fp1") for _ in range(3)] == [1, 2, 3]
    assert recent.count_submission("fp2") == 1
    assert cache.get("moderation:flood:fp1") == 3
    if django_settings.REDIS_URL:
        client = caches["default"]._cache.get_client(None)
        assert 3590 <= client.ttl(cache.make_key("moderation:flood:fp1")) <= recent.FLOOD_SECONDS


@needs_redis
def test_on_redis_counting_is_one_round_trip(monkeypatch):
    sent = redis_commands(monkeypatch)
    recent.count_submission("fp1")
    recent.count_submission("fp1")
    assert len(sent) == 2
    assert set(sent) <= {"EVALSHA", "EVAL"}


def test_with_redis_unreachable_nothing_is_a_flood(settings):
    settings.CACHES = {
        "default": {"BACKEND": "masthead.core.cache.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    assert [recent.count_submission("fp1") for _ in range(3)] == [1, 1, 1]
    decisions = [
        assess(Draft(body=FLOOD, author_id=n, article_id=10), config=ModerationConfig.build(), scorer=None)
        for n in range(1, 5)
    ]
    assert [d.status for d in decisions] == [PUBLISHED] * 4
