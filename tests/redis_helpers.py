"""Helpers for tests of what Masthead sends Redis (they run on the PostgreSQL + Redis pass)."""

import pytest
from django.conf import settings
from django.core.cache import caches

needs_redis = pytest.mark.skipif(not settings.REDIS_URL, reason="the PostgreSQL + Redis pass (REDIS_URL)")


def redis_commands(monkeypatch) -> list[str]:
    """The commands the default cache sends Redis from now on (it has one client)."""
    client = caches["default"]._cache.get_client(None, write=True)
    sent: list[str] = []
    execute = client.execute_command

    def counting(*args, **kwargs):
        sent.append(args[0])
        return execute(*args, **kwargs)

    monkeypatch.setattr(client, "execute_command", counting)
    return sent
