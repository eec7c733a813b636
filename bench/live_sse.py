"""Live events under load: many SSE readers on one article, one server process.

Starts its own server (uvicorn, one worker, a fresh SQLite database in a temporary data
dir; the in-process bus, or Redis with --redis), opens --readers streams on one live
article from this process (raw asyncio sockets, 127.0.0.1 only), then posts --posts
comments through the JSON API and measures, for each, the time from sending the POST
until each reader has the `comment.published` event: the median, p99 and the time until
99% of readers have it. Memory per connection is the server's resident-set growth while
the streams were opened, divided by their number. Everything is bounded by --deadline.

    .venv/bin/python bench/live_sse.py --readers 2000 --posts 5
    .venv/bin/python bench/live_sse.py --readers 2000 --posts 5 --redis redis://127.0.0.1:6379/11

Results go to standard output (and, with --json, as one JSON object); docs/benchmarks.md
keeps the recorded runs.
"""

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HOST = "127.0.0.1"  # the bench never talks to anything else
REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

SETUP = """
import django
django.setup()
from masthead.accounts.services import reader_create, token_create
from masthead.newsroom import services
from masthead.newsroom.models import Article, Section
section = Section.objects.create(name="Bench", slug="bench")
article = Article(headline="Bench: a busy live story", slug="bench-live", section=section,
                  body="Text.", status=Article.Status.PUBLISHED, is_live=True)
services.article_publish(article=article)
poster = reader_create(username="benchposter", email="bench@example.org",
                       password="correct horse battery", email_verified=True)
# The full moderation pipeline holds a new reader's first comments for a moderator: the
# poster is a reader whose first two were approved, as a regular commenter's are.
from masthead.comments import services as comments
moderator = reader_create(username="benchmoderator", email="moderator@example.org",
                          password="correct horse battery", role="moderator", email_verified=True)
for n in range(2):
    earlier = comments.comment_post(article=article, author=poster, body=f"An earlier comment, the {n + 1}.")
    comments.comment_approve(comment=earlier.comment, actor=moderator)
print(token_create(reader=poster, name="bench")[1])
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Reader:
    """One SSE connection; records when each comment id arrives."""

    def __init__(self) -> None:
        self.arrivals: dict[int, float] = {}
        self.open = False
        self.failed: str | None = None
        self.writer = None

    async def run(self, port: int, path: str, opened: asyncio.Event | None = None) -> None:
        try:
            reader, self.writer = await asyncio.open_connection(HOST, port)
            self.writer.write(
                f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAccept: text/event-stream\r\n\r\n".encode()
            )
            status = await reader.readline()
            if b" 200 " not in status:
                self.failed = status.decode().strip()
                return
            buffer = b""
            while True:
                chunk = await reader.read(65536)
                if not chunk:
                    return
                now = time.monotonic()
                buffer += chunk
                while b"\n\n" in buffer:
                    block, buffer = buffer.split(b"\n\n", 1)
                    if b"event: stream.open" in block:
                        self.open = True
                    elif b"event: comment.published" in block:
                        data = block.split(b"data: ", 1)[1].split(b"\n", 1)[0]
                        # the chunked framing may sit between blocks: look for the JSON object
                        start = data.find(b"{")
                        self.arrivals.setdefault(json.loads(data[start:])["id"], now)
        except (OSError, asyncio.IncompleteReadError) as exc:
            self.failed = repr(exc)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def post_comment(port: int, slug: str, token: str, body: str) -> tuple[int, float]:
    request = urllib.request.Request(
        f"http://{HOST}:{port}/api/v1/articles/{slug}/comments",
        data=json.dumps({"body": body}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    sent = time.monotonic()
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - 127.0.0.1 only
        posted = json.loads(answer.read())
    if posted["status"] != "published":  # held: no reader would ever get it
        raise RuntimeError(f"the bench comment was held: {posted['status']}, {posted.get('moderation')}")
    return posted["id"], sent


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


async def bench(args, port: int, server_pid: int, slug: str, token: str) -> dict:
    path = f"/api/v1/articles/{slug}/events"
    # Warm up (imports, URLconf, first queries) so the memory measured is the streams'.
    warm = [Reader() for _ in range(20)]
    warm_tasks = [asyncio.create_task(r.run(port, path)) for r in warm]
    await asyncio.sleep(2)
    for reader, task in zip(warm, warm_tasks, strict=True):
        reader.close()
        task.cancel()
    # And the first comment: a worker loads the toxicity model on its first write (~1 s).
    await asyncio.to_thread(post_comment, port, slug, token, "Warming up the worker.")
    await asyncio.sleep(1)
    readers = [Reader() for _ in range(args.readers)]
    tasks = []
    rss_before = rss_kib(server_pid)
    started = time.monotonic()
    gate = asyncio.Semaphore(200)  # connect in waves, as a crowd arriving would

    async def connect(reader: Reader) -> None:
        async with gate:
            tasks.append(asyncio.create_task(reader.run(port, path)))
            while (
                not reader.open and reader.failed is None and time.monotonic() - started < args.deadline / 2
            ):
                await asyncio.sleep(0.01)

    await asyncio.gather(*(connect(r) for r in readers))
    connected = sum(r.open for r in readers)
    connect_seconds = time.monotonic() - started
    await asyncio.sleep(2)  # let the server settle before reading its memory
    rss_after = rss_kib(server_pid)

    posts = []
    for n in range(args.posts):
        comment_id, sent = await asyncio.to_thread(post_comment, port, slug, token, f"Bench comment {n}.")
        deadline = time.monotonic() + 10
        while (
            time.monotonic() < deadline
            and sum(comment_id in r.arrivals for r in readers if r.open) < connected
        ):
            await asyncio.sleep(0.005)
        latencies = [r.arrivals[comment_id] - sent for r in readers if comment_id in r.arrivals]
        posts.append(
            {
                "received": len(latencies),
                "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
                "p99_ms": round(percentile(latencies, 0.99) * 1000, 1) if latencies else None,
                "max_ms": round(max(latencies) * 1000, 1) if latencies else None,
            }
        )
        await asyncio.sleep(args.pause)
    for reader in readers:
        reader.close()
    for task in tasks:
        task.cancel()
    failures = [r.failed for r in readers if r.failed]
    return {
        "readers": args.readers,
        "connected": connected,
        "refused_or_failed": len(failures),
        "first_failure": failures[0] if failures else None,
        "connect_seconds": round(connect_seconds, 2),
        "server_rss_before_mib": round(rss_before / 1024, 1),
        "server_rss_after_mib": round(rss_after / 1024, 1),
        "kib_per_connection": round((rss_after - rss_before) / max(connected, 1), 1),
        "posts": posts,
        "p99_of_posts_ms": max((p["p99_ms"] or 0) for p in posts) if posts else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=2000)
    parser.add_argument("--posts", type=int, default=5)
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between posts")
    parser.add_argument("--redis", default="", help="REDIS_URL for the server: the Redis bus")
    parser.add_argument("--deadline", type=float, default=180, help="give up after this many seconds")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="masthead-bench-") as data_dir:
        env = {
            **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
            "MASTHEAD_DATA_DIR": data_dir,
            "DEBUG": "1",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "WARNING",
            "LIVE_MAX_CONNECTIONS": "100000",
            "LIVE_MAX_CONNECTIONS_PER_CLIENT": "100000",  # every reader comes from 127.0.0.1
            "MASTHEAD_COMMENT_RATE_LIMIT": "1000/m",
            "DJANGO_SETTINGS_MODULE": "masthead.settings",
        }
        if args.redis:
            env["REDIS_URL"] = args.redis
            env["CACHE_KEY_PREFIX"] = f"bench{os.getpid()}"
        subprocess.run(  # noqa: S603 - our own commands, fixed argv
            [BIN / "masthead", "migrate", "--noinput", "-v", "0"], env=env, check=True, timeout=300
        )
        setup = subprocess.run(  # noqa: S603
            [sys.executable, "-c", SETUP], env=env, check=True, capture_output=True, timeout=120
        )
        token = setup.stdout.decode().strip().splitlines()[-1]
        port = free_port()
        server = subprocess.Popen(  # noqa: S603
            [
                BIN / "uvicorn",
                "masthead.asgi:application",
                "--host",
                HOST,
                "--port",
                str(port),
                "--no-access-log",
                "--backlog",
                "4096",
            ],
            env=env,
            cwd=REPO,
        )
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            result = asyncio.run(
                asyncio.wait_for(bench(args, port, server.pid, "bench-live", token), args.deadline)
            )
        finally:
            server.terminate()
            server.wait(timeout=20)
    result["bus"] = "redis" if args.redis else "in-process"
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    everyone = all(p["received"] == result["connected"] for p in result["posts"])
    return 0 if result["connected"] == args.readers and everyone else 1


if __name__ == "__main__":
    sys.exit(main())
