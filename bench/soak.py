"""`make soak`: mixed traffic against the production-like setup, for SOAK_SECONDS (600).

Starts its own PostgreSQL and Redis (tests/reliability/servers.py: never the shared ones),
migrates, seeds readers and stories, and runs Masthead under uvicorn with WORKERS workers
(DEBUG=0). Then CLIENTS threads send a weighted mix of reads (home, article pages, the
comments API, profiles, notifications), posts, reactions and follows, while SSE_READERS
live readers hold event streams open (reconnecting with Last-Event-ID every minute).

Reports the error rate (any 5xx or lost connection; target 0), p50/p99 latency per route,
and the workers' memory (RSS) after warm-up and at the end. ``--write`` puts the figures
in docs/reliability.md between the ``soak:begin``/``soak:end`` markers.

    python bench/soak.py --seconds 120 --write
"""

import argparse
import contextlib
import http.client
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.reliability import servers  # noqa: E402

DOC = REPO / "docs" / "reliability.md"
WORDS = [
    "harbour", "baths", "council", "budget", "swimmers", "winter", "tide", "lifeguards", "ferry",
    "funding", "vote", "mayor", "repair", "pool", "summer", "queue", "tickets", "families",
    "schools", "timetable", "harbourmaster",
]  # fmt: skip

SEED = """
import json
from django.utils import timezone
from masthead.accounts.services import reader_create, token_create
from masthead.comments.services import comment_post
from masthead.newsroom import services
from masthead.newsroom.models import Article, Section
section, _ = Section.objects.get_or_create(slug="news", defaults={"name": "News"})
slugs = []
for n in range(ARTICLES):
    article = Article(headline=f"Soak story {n}", slug=f"soak-story-{n}", standfirst="A story.",
                      section=section, body="Paragraph one.\\n\\nParagraph two.",
                      status=Article.Status.PUBLISHED, published_at=timezone.now())
    services.article_save(article=article, actor=None)
    slugs.append(article.slug)
readers = []
for n in range(READERS):
    reader = reader_create(username=f"soak{n}", email=f"soak{n}@example.org", password=None,
                           email_verified=True)
    readers.append({"username": reader.username, "token": token_create(reader=reader, name="soak")[1]})
# The soak's readers are all new: keep the pipeline, but hold nobody for being new (else
# every comment waits for a moderator and nothing reaches a thread, a reaction or a stream).
from masthead.moderation.models import ModerationSettings
row = ModerationSettings.load()
row.new_reader_count = 0
row.save()
print(json.dumps({"slugs": slugs, "readers": readers}))
"""


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.errors: list[str] = []

    def record(self, route: str, status: int | None, seconds: float, detail: str = "") -> None:
        with self.lock:
            self.latency[route].append(seconds)
            self.status[route][str(status)] += 1
            if status is None or status >= 500:
                self.errors.append(f"{route} {status} {detail}"[:200])


class Client:
    """One keep-alive connection, reopened after any failure."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body=None, headers=None) -> tuple[int | None, bytes, str]:
        headers = dict(headers or {})
        if body is not None:
            body = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for _ in range(2):  # a keep-alive connection the server closed: reopen once
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                return response.status, response.read(), ""
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
            except OSError as exc:
                self.close()
                return None, b"", type(exc).__name__
        return None, b"", "disconnected"

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.close()
            self.conn = None


def _choose(rng: random.Random, world: dict, me: dict, recent: list[int], n: int):
    """One request of the mix: (route label, method, path, body, needs auth, extra headers)."""
    slug = rng.choice(world["slugs"])
    other = rng.choice(world["readers"])["username"]
    roll = rng.random()
    if roll < 0.30:
        return "GET /articles/{slug}/", "GET", f"/articles/{slug}/", None, False, {}
    if roll < 0.40:
        return "GET /", "GET", "/", None, False, {}
    if roll < 0.55:
        return (
            "GET /api/v1/articles/{slug}/comments",
            "GET",
            f"/api/v1/articles/{slug}/comments",
            None,
            True,
            {},
        )
    if roll < 0.60:
        return "GET /readers/{u}/", "GET", f"/readers/{other}/", None, False, {}
    if roll < 0.65:
        return "GET /api/v1/me/notifications", "GET", "/api/v1/me/notifications", None, True, {}
    if roll < 0.78:
        words = rng.sample(WORDS, 8)
        body = {"body": f"{' '.join(words).capitalize()}, says {me['username']} ({n})."}
        key = {"Idempotency-Key": f"soak-{me['username']}-{n}-{time.time_ns()}"}
        return (
            "POST /api/v1/articles/{slug}/comments",
            "POST",
            f"/api/v1/articles/{slug}/comments",
            body,
            True,
            key,
        )
    method = rng.choice(["PUT", "DELETE"])
    if roll < 0.90 and recent:
        path = f"/api/v1/comments/{rng.choice(recent)}/reaction"
        return f"{method} /api/v1/comments/{{id}}/reaction", method, path, None, True, {}
    if other == me["username"]:
        return None
    return f"{method} /api/v1/readers/{{u}}/follow", method, f"/api/v1/readers/{other}/follow", None, True, {}


def _worker(port: int, world: dict, stats: Stats, until: float, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311  (traffic shape, not secrets)
    client = Client(port)
    me = world["readers"][seed % len(world["readers"])]
    auth = {"Authorization": f"Bearer {me['token']}"}
    recent: list[int] = []
    n = 0
    while time.monotonic() < until:
        n += 1
        choice = _choose(rng, world, me, recent, n)
        if choice is None:
            continue
        route, method, path, body, needs_auth, extra = choice
        headers = {**(auth if needs_auth else {}), **extra}
        started = time.monotonic()
        status, payload, detail = client.request(method, path, body, headers)
        elapsed = time.monotonic() - started
        stats.record(route, status, elapsed, detail or payload[:120].decode(errors="replace"))
        if route.startswith("GET /api/v1/articles") and status == 200:
            # Others' comments to react to (one's own: 409, as the contract says).
            items = json.loads(payload)["items"]
            recent = [c["id"] for c in items if (c["author"] or {}).get("username") != me["username"]][:20]
    client.close()


def _sse_reader(port: int, slug: str, stats: Stats, until: float) -> None:
    last_id = None
    while time.monotonic() < until:
        started = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Accept": "text/event-stream", **({"Last-Event-ID": last_id} if last_id else {})}
        try:
            conn.request("GET", f"/api/v1/articles/{slug}/events", headers=headers)
            response = conn.getresponse()
            stats.record("SSE connect", response.status, time.monotonic() - started)
            stay = min(until, time.monotonic() + 60)
            while time.monotonic() < stay:
                line = response.fp.readline()
                if not line:
                    break
                if line.startswith(b"id:"):
                    last_id = line[3:].strip().decode()
        except OSError as exc:
            stats.record("SSE connect", None, time.monotonic() - started, type(exc).__name__)
        finally:
            conn.close()


def _rss_mb(pids: list[int]) -> list[float]:
    sizes = []
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
    return sizes


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def run(seconds: int, workers: int, clients: int, sse_readers: int) -> dict:
    pg, redis = servers.OwnPostgres(), servers.OwnRedis()
    pg.start()
    pg.create_database()
    redis.start()
    app = servers.Masthead(
        data_dir=Path(tempfile.mkdtemp(prefix="masthead-soak-")),
        env={
            "DATABASE_URL": pg.url,
            "REDIS_URL": redis.url,
            "CACHE_KEY_PREFIX": "soak",
            "LIVE_HEARTBEAT_SECONDS": "15",
            "LIVE_RETRY_MS": "1000",
            # As docs/operations.md says for PostgreSQL: a pool per process. (Without it, under
            # ASGI every request thread kept its own connection: 2 workers exhausted
            # PostgreSQL's 100 connections within a minute of this load.)
            "DATABASE_POOL": "1",
            "DATABASE_POOL_MAX": "16",
            # Every client here comes from 127.0.0.1: lift the per-address stream cap.
            "LIVE_MAX_CONNECTIONS_PER_CLIENT": "1000",
        },
        workers=workers,
    )
    task_worker = None
    try:
        app.prepare()
        world = app.python(SEED.replace("ARTICLES", "5").replace("READERS", str(max(clients, 20))))
        app.start()
        # A task worker beside the web workers, as in production: the posts' notifications,
        # follows and emails are processed during the load, not left in the queue.
        task_worker = servers.subprocess.Popen(
            [servers.PYTHON, "-m", "masthead", "db_worker", "--queue-name", "*"],
            env=app.env,
            cwd=app.data_dir,
            stdout=servers.subprocess.DEVNULL,
            stderr=servers.subprocess.DEVNULL,
        )
        stats = Stats()
        warmup = min(30, max(5, seconds // 10))
        until = time.monotonic() + seconds
        threads = [
            threading.Thread(target=_worker, args=(app.port, world, stats, until, n), daemon=True)
            for n in range(clients)
        ]
        threads += [
            threading.Thread(
                target=_sse_reader, args=(app.port, world["slugs"][n % 5], stats, until), daemon=True
            )
            for n in range(sse_readers)
        ]
        for thread in threads:
            thread.start()
        time.sleep(warmup)
        worker_pids = app.pids()[1:]
        rss_start = _rss_mb(worker_pids)
        task_rss_start = _rss_mb([task_worker.pid])
        requests_at_warmup = sum(len(v) for v in stats.latency.values())
        for thread in threads:
            thread.join(timeout=seconds + 120)
        rss_end = _rss_mb(worker_pids)
        task_rss_end = _rss_mb([task_worker.pid])
        time.sleep(10)  # the worker's last tasks
        tasks = dict(
            (row[0], int(row[1]))
            for row in pg.query(
                "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
            )
        )
    finally:
        if task_worker is not None:
            task_worker.terminate()
            task_worker.wait(timeout=30)
        app.stop()
        redis.stop()
        pg.destroy()
    total = sum(len(v) for v in stats.latency.values())
    routes = {
        route: {
            "requests": len(values),
            "p50_ms": round(1000 * statistics.median(values), 1),
            "p99_ms": round(1000 * _percentile(values, 0.99), 1),
            "statuses": dict(stats.status[route]),
        }
        for route, values in sorted(stats.latency.items())
    }
    return {
        "seconds": seconds,
        "workers": workers,
        "clients": clients,
        "sse_readers": sse_readers,
        "requests": total,
        "requests_after_warmup": total - requests_at_warmup,
        "errors": len(stats.errors),
        "error_rate": round(len(stats.errors) / total, 6) if total else None,
        "error_samples": stats.errors[:10],
        "rss_mb_after_warmup": [round(x, 1) for x in rss_start],
        "rss_mb_at_end": [round(x, 1) for x in rss_end],
        "task_worker_rss_mb": [round(task_rss_start[0], 1), round(task_rss_end[0], 1)],
        "tasks": tasks,
        "routes": routes,
    }


def markdown(result: dict) -> str:
    lines = [
        f"Last run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {result['seconds']} s, "
        f"{result['workers']} uvicorn workers, {result['clients']} clients, {result['sse_readers']} live "
        f"readers, own PostgreSQL 15 + Redis, on the 2-core CI machine.",
        "",
        f"- requests: {result['requests']:,} ({result['requests'] / result['seconds']:.0f}/s)",
        f"- errors (5xx or no answer): {result['errors']} (rate {result['error_rate']})",
        f"- worker memory (RSS, MB) after warm-up: {result['rss_mb_after_warmup']}; "
        f"at the end: {result['rss_mb_at_end']}",
        f"- task worker (`masthead db_worker`) memory (RSS, MB) after warm-up and at the end: "
        f"{result['task_worker_rss_mb']}; tasks by status 10 s after the load: {result['tasks']}",
        "",
        "| route | requests | p50 ms | p99 ms | statuses |",
        "|---|---:|---:|---:|---|",
    ]
    for route, row in result["routes"].items():
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(row["statuses"].items()))
        lines.append(f"| `{route}` | {row['requests']:,} | {row['p50_ms']} | {row['p99_ms']} | {statuses} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("SOAK_SECONDS", "600")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", "2")))
    parser.add_argument("--clients", type=int, default=int(os.environ.get("SOAK_CLIENTS", "16")))
    parser.add_argument("--sse-readers", type=int, default=int(os.environ.get("SOAK_SSE_READERS", "50")))
    parser.add_argument("--write", action="store_true", help="put the figures in docs/reliability.md")
    args = parser.parse_args()
    if (why := servers.available()) is not None:
        sys.exit(f"soak: {why}")
    result = run(args.seconds, args.workers, args.clients, args.sse_readers)
    print(json.dumps(result, indent=2))
    text = markdown(result)
    print(text)
    if args.write and DOC.exists():
        doc = DOC.read_text()
        begin, end = "<!-- soak:begin -->", "<!-- soak:end -->"
        if begin in doc and end in doc:
            head, rest = doc.split(begin, 1)
            _, tail = rest.split(end, 1)
            DOC.write_text(f"{head}{begin}\n{text}\n{end}{tail}")
    if result["errors"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
