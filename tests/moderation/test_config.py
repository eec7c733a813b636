"""moderation.config: the settings snapshot, and its version stamp read once per request."""

import json

import pytest
from django.test import Client

from masthead.moderation import config
from tests import factories


class CountingCache:
    """The cache, counting reads of the settings' version stamp."""

    def __init__(self, cache) -> None:
        self._cache = cache
        self.stamp_reads = 0

    def get(self, key, *args, **kwargs):
        self.stamp_reads += key == config.VERSION_KEY
        return self._cache.get(key, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._cache, name)


@pytest.fixture
def stamp(monkeypatch) -> CountingCache:
    counting = CountingCache(config.cache)
    monkeypatch.setattr(config, "cache", counting)
    return counting


@pytest.fixture
def in_request():
    """What request_started and request_finished do for this module."""
    config._request_started()
    yield
    config._request_finished()


@pytest.mark.django_db
def test_posting_a_comment_reads_the_stamp_once(desk, article, stamp):
    client = Client()
    client.force_login(factories.reader())
    response = client.post(
        f"/api/v1/articles/{article.slug}/comments",
        data=json.dumps({"body": "The baths should open in May."}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert stamp.stamp_reads == 1  # "closed here?" and the pipeline: one snapshot


@pytest.mark.django_db
def test_outside_a_request_every_call_reads_the_stamp(stamp):
    config.current()
    config.current()
    assert stamp.stamp_reads == 2


@pytest.mark.django_db
def test_a_request_keeps_its_snapshot_unless_this_process_changes_the_settings(stamp, in_request):
    first = config.current()
    config.cache.set(config.VERSION_KEY, "saved by another process")
    assert config.current() is first  # seen by this process's next request
    assert stamp.stamp_reads == 1

    config.invalidate()  # this process saved the settings
    assert config.current() is not first
    assert stamp.stamp_reads == 2


@pytest.mark.django_db
def test_a_request_never_finished_pins_nothing(stamp, in_request, monkeypatch):
    first = config.current()
    monkeypatch.setattr(config, "REQUEST_MAX_AGE", 0.0)
    config.cache.set(config.VERSION_KEY, "saved by another process")
    assert config.current() is not first
    assert stamp.stamp_reads == 2
