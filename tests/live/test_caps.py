"""Connection caps: per client address and per process, each with a clear answer."""

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient

from masthead.core.errors import MastheadError
from masthead.live.caps import ConnectionSlots, slots
from tests.api.openapi import ERROR_SCHEMA, validate
from tests.live.sse_client import AsgiStream, run

pytestmark = pytest.mark.django_db


def _url(article) -> str:
    return f"/api/v1/articles/{article.slug}/events"


def test_one_client_past_its_cap_is_told_to_slow_down(live_article, settings):
    settings.LIVE_MAX_CONNECTIONS_PER_CLIENT = 2
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"  # our proxy says who the client is
    me, someone_else = {"X-Real-IP": "203.0.113.7"}, {"X-Real-IP": "198.51.100.9"}

    async def scenario():
        client = AsyncClient()
        held = [AsgiStream(await client.get(_url(live_article), headers=me)) for _ in range(2)]
        for stream in held:
            await stream.next()
        refused = await client.get(_url(live_article), headers=me)
        other = await client.get(_url(live_article), headers=someone_else)
        other_stream = AsgiStream(other)
        await other_stream.next()
        held_while_full = slots.total
        for stream in [*held, other_stream]:
            await stream.close()
        again = await client.get(_url(live_article), headers=me)
        again_stream = AsgiStream(again)
        opened = await again_stream.next()
        await again_stream.close()
        return refused, other, held_while_full, opened

    refused, other, held_while_full, opened = run(scenario)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "10"
    validate(refused.json(), ERROR_SCHEMA)
    assert refused.json()["error"]["code"] == "rate_limited"
    assert other.status_code == 200
    assert held_while_full == 3
    assert opened.event == "stream.open", "closing a stream gives its place back"
    assert slots.total == 0


def test_a_full_process_answers_503(live_article, settings):
    settings.LIVE_MAX_CONNECTIONS = 1
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"

    async def scenario():
        held = AsgiStream(await AsyncClient().get(_url(live_article), headers={"X-Real-IP": "203.0.113.7"}))
        await held.next()
        refused = await AsyncClient().get(_url(live_article), headers={"X-Real-IP": "198.51.100.9"})
        await held.close()
        return refused

    refused = run(scenario)
    assert refused.status_code == 503
    assert refused["Retry-After"] == "10"
    validate(refused.json(), ERROR_SCHEMA)
    assert refused.json()["error"] == {
        "code": "server_busy",
        "message": "This server holds as many live streams as it can; poll the events instead.",
    }
    assert slots.total == 0


def test_a_response_dropped_before_it_streams_gives_its_slot_back(live_article):
    """Django closes a response whose client left before the first byte: the slot must not
    leak, or a process would slowly fill up with ghosts."""

    async def scenario():
        response = await AsyncClient().get(_url(live_article))
        assert slots.total == 1
        await sync_to_async(response.close)()

    run(scenario)
    assert slots.total == 0


def test_slots_count_per_client_and_release_once(settings):
    settings.LIVE_MAX_CONNECTIONS_PER_CLIENT = 2
    settings.LIVE_MAX_CONNECTIONS = 3
    own = ConnectionSlots()
    a1, a2 = own.acquire("10.0.0.1"), own.acquire("10.0.0.1")
    with pytest.raises(MastheadError) as refused:
        own.acquire("10.0.0.1")
    assert (refused.value.status, refused.value.code) == (429, "rate_limited")
    b1 = own.acquire("10.0.0.2")
    with pytest.raises(MastheadError) as full:
        own.acquire("10.0.0.3")
    assert (full.value.status, full.value.code) == (503, "server_busy")
    a1.release()
    a1.release()  # twice: counted once
    assert own.total == 2
    assert own.per_client == {"10.0.0.1": 1, "10.0.0.2": 1}
    a2.release()
    b1.release()
    assert own.total == 0
    assert own.per_client == {}
