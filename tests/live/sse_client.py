"""Reading Server-Sent Events in tests: from Django's AsyncClient, or from a real socket."""

import asyncio
import contextlib
import json
import socket
import threading
from dataclasses import dataclass, field

from asgiref.sync import async_to_sync, sync_to_async
from django.db import connections


def run(coroutine_function, *args, timeout: float = 15, **kwargs):
    """Run ``coroutine_function(*args, **kwargs)`` from a sync test, bounded in time.

    async_to_sync keeps the ORM's sync_to_async calls on the calling thread, where the test
    database connection (and its open test transaction) lives. If an event loop already
    runs in this thread (Playwright's sync API, once a browser test has started it), the
    coroutine runs from a thread of its own that borrows this thread's connections."""

    async def bounded():
        async with asyncio.timeout(timeout):
            return await coroutine_function(*args, **kwargs)

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return async_to_sync(bounded)()
    borrowed = {conn.alias: conn for conn in connections.all(initialized_only=True)}
    outcome: dict = {}

    def borrower():
        for alias, conn in borrowed.items():
            connections[alias] = conn
        try:
            outcome["value"] = async_to_sync(bounded)()
        except BaseException as exc:  # handed back to the test below
            outcome["error"] = exc

    for conn in borrowed.values():
        conn.inc_thread_sharing()
    try:
        thread = threading.Thread(target=borrower)
        thread.start()
        thread.join()
    finally:
        for conn in borrowed.values():
            conn.dec_thread_sharing()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@dataclass
class Message:
    id: str | None = None
    event: str | None = None
    data: str | None = None
    retry: int | None = None
    comments: list[str] = field(default_factory=list)

    @property
    def json(self):
        return json.loads(self.data)

    @property
    def is_heartbeat(self) -> bool:
        return self.event is None and self.data is None and bool(self.comments)


def parse_block(block: str) -> Message:
    message = Message()
    for line in block.split("\n"):
        if line.startswith(":"):
            message.comments.append(line[1:].strip())
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "id":
            message.id = value
        elif name == "event":
            message.event = value
        elif name == "data":
            message.data = value if message.data is None else message.data + "\n" + value
        elif name == "retry":
            message.retry = int(value)
    return message


class Buffer:
    def __init__(self) -> None:
        self.text = ""

    def feed(self, chunk: bytes | str) -> list[Message]:
        self.text += chunk.decode() if isinstance(chunk, bytes) else chunk
        messages = []
        while "\n\n" in self.text:
            block, self.text = self.text.split("\n\n", 1)
            messages.append(parse_block(block))
        return messages


class AsgiStream:
    """The events of a StreamingHttpResponse from django.test.AsyncClient.

    The body is read by a task, as Django's ASGI handler does; ``close`` cancels that task
    (what a client hanging up does to the handler) and then closes the response."""

    _END = object()

    def __init__(self, response) -> None:
        self.response = response
        self._chunks: asyncio.Queue = asyncio.Queue()
        self._task = asyncio.get_running_loop().create_task(self._read())
        self._buffer = Buffer()
        self._ready: list[Message] = []
        self.ended = False

    async def _read(self) -> None:
        try:
            async for chunk in self.response.streaming_content:
                await self._chunks.put(chunk)
        finally:
            self._chunks.put_nowait(self._END)

    async def next(self, timeout: float = 5) -> Message:
        while not self._ready:
            if self.ended:
                raise EOFError("the stream has ended")
            chunk = await asyncio.wait_for(self._chunks.get(), timeout)
            if chunk is self._END:
                self.ended = True
                continue
            self._ready.extend(self._buffer.feed(chunk))
        return self._ready.pop(0)

    async def events(self, count: int, timeout: float = 5) -> list[Message]:
        """The next ``count`` events, skipping heartbeats."""
        found = []
        while len(found) < count:
            message = await self.next(timeout)
            if not message.is_heartbeat:
                found.append(message)
        return found

    async def rest(self, timeout: float = 5) -> list[Message]:
        """Everything until the server ends the stream."""
        found = []
        while True:
            try:
                found.append(await self.next(timeout))
            except EOFError:
                return found

    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        await sync_to_async(self.response.close)()


class SocketStream:
    """An SSE stream from a real server over a plain socket (no client library needed)."""

    def __init__(self, host: str, port: int, path: str, headers: dict | None = None, timeout: float = 10):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Accept: text/event-stream"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self._raw = b""
        self._buffer = Buffer()
        self._ready: list[Message] = []
        head = self._read_until(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin1").split("\r\n")
        self.status = int(status_line.split()[1])
        self.headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)}

    def _read_until(self, marker: bytes) -> bytes:
        while marker not in self._raw:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("stream closed")
            self._raw += chunk
        found, self._raw = self._raw.split(marker, 1)
        return found

    def _chunk(self) -> bytes:
        """One chunk of the chunked body."""
        size = int(self._read_until(b"\r\n").split(b";")[0], 16)
        while len(self._raw) < size + 2:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("stream closed")
            self._raw += chunk
        data, self._raw = self._raw[:size], self._raw[size + 2 :]
        return data

    def next(self) -> Message:
        while not self._ready:
            self._ready.extend(self._buffer.feed(self._chunk()))
        return self._ready.pop(0)

    def next_event(self) -> Message:
        while True:
            message = self.next()
            if not message.is_heartbeat:
                return message

    def body_text(self) -> str:
        """For an answer that is not a stream (an error): the rest of the body."""
        return self._raw.decode()

    def close(self) -> None:
        self.sock.close()
