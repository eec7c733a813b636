"""How many streams this process holds open, in all and per client address.

Each open stream costs a socket, a little memory and a share of the event loop; past the
caps a reader gets a clear answer (429 for one client holding too many, 503 when the
process is full), and the page polls instead. Counts are per process: with N workers a
client may hold N times the per-client cap in all.
"""

import threading
from collections import Counter

from django.conf import settings

from masthead.core.errors import MastheadError


class Slot:
    """One held stream; ``release`` is idempotent and safe from any thread (Django closes a
    response from a worker thread, the stream's own ``finally`` runs on the loop)."""

    def __init__(self, slots: "ConnectionSlots", client: str) -> None:
        self._slots = slots
        self.client = client
        self._released = False

    def release(self) -> None:
        self._slots._release(self)


class ConnectionSlots:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.total = 0
        self.per_client: Counter[str] = Counter()

    def acquire(self, client: str | None) -> Slot:
        client = client or "unknown"
        retry_after = str(settings.LIVE_POLL_SECONDS)
        with self._lock:
            if self.total >= settings.LIVE_MAX_CONNECTIONS:
                raise MastheadError(
                    "server_busy",
                    "This server holds as many live streams as it can; poll the events instead.",
                    503,
                    headers={"Retry-After": retry_after},
                )
            if self.per_client[client] >= settings.LIVE_MAX_CONNECTIONS_PER_CLIENT:
                raise MastheadError(
                    "rate_limited",
                    "Too many live streams are open from your address; poll the events instead.",
                    429,
                    headers={"Retry-After": retry_after},
                )
            self.total += 1
            self.per_client[client] += 1
        return Slot(self, client)

    def _release(self, slot: Slot) -> None:
        with self._lock:
            if slot._released:
                return
            slot._released = True
            self.total -= 1
            self.per_client[slot.client] -= 1
            if self.per_client[slot.client] <= 0:
                del self.per_client[slot.client]


slots = ConnectionSlots()
