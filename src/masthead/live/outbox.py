"""The outbox: live events published while the bus could not take them, in the database.

Only the Redis bus uses it (the in-process bus cannot fail). Publishing stays one Redis
call while Redis answers; the database is written only for an event Redis refused, after
the change it describes has committed, and read only while such events may be waiting.
Rows are taken oldest first: the order they were held in is the order they are sent in.
"""

from collections.abc import Iterable

from masthead.live.models import HeldEvent


def held_event_create(*, stream: str, event_type: str, data_json: str) -> HeldEvent:
    return HeldEvent.objects.create(stream=stream, type=event_type, data=data_json)


def held_events_oldest(*, limit: int) -> list[HeldEvent]:
    return list(HeldEvent.objects.order_by("id")[:limit])


def held_events_delete(*, ids: Iterable[int]) -> None:
    HeldEvent.objects.filter(id__in=list(ids)).delete()
