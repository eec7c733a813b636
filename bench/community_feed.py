"""The following feed at scale: a reader following 1,000 readers, in a million comments.

Creates a PostgreSQL database of its own (``masthead_bench_community`` on 127.0.0.1, dropped
at the end unless --keep), migrates it, and seeds it:

- --readers commenters (bulk_create) and one bench reader who follows --following of them;
- --articles published stories (bulk_create), and a few drafts;
- --comments comments (COPY FROM STDIN, with foreign-key triggers off while it loads:
  ``session_replication_role = replica``), ids in time order over a year, 40% replies
  (to a recent comment of the same story), 95% published, 3% pending, 2% rejected, 1%
  deleted, 1% on a draft; then ANALYZE.

Then it measures the first page and the next pages of the feed, --requests of each:

- through the selector (``community.selectors.reader_feed``, in this process, with the
  query count of each call);
- over HTTP: ``GET /api/v1/me/feed`` with a personal access token, against one uvicorn
  worker started on 127.0.0.1 (DEBUG off), one request at a time on a kept-alive connection;
- and, for comparison, the plain query the feed would be without its LATERAL plan
  ("every published comment by anyone I follow, newest first, limit 21").

It prints the EXPLAIN (ANALYZE, BUFFERS) of a first and a next page, and the figures.

    .venv/bin/python bench/community_feed.py
    .venv/bin/python bench/community_feed.py --comments 200000 --requests 100   # quicker

docs/benchmarks.md ("Community") keeps the recorded runs.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from http.client import HTTPConnection
from pathlib import Path

HOST = "127.0.0.1"  # the bench never talks to anything else
REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DATABASE = "masthead_bench_community"
ADMIN_URL = f"postgres://postgres@{HOST}:5432/postgres"
UNUSABLE = "!"  # an unusable password hash: nobody signs in as a seeded reader


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def summary_ms(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(values) * 1000, 2),
        "p99_ms": round(percentile(values, 0.99) * 1000, 2),
        "max_ms": round(max(values) * 1000, 2),
    }


def admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def env_for(database: str, data_dir: str) -> dict:
    return {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
        "DATABASE_URL": f"postgres://postgres@{HOST}:5432/{database}",
        "MASTHEAD_DATA_DIR": data_dir,
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "masthead.settings",
    }


# --- Seeding.


def seed(args, rng: random.Random) -> dict:
    from django.db import connection

    from masthead.accounts.models import Reader
    from masthead.comments.models import Comment
    from masthead.community.models import Follow
    from masthead.newsroom.models import Article, Section

    timings = {}
    started = time.perf_counter()
    now = datetime.now(UTC)
    readers = Reader.objects.bulk_create(
        [
            Reader(username=f"commenter{i}", email=f"commenter{i}@bench.example", password=UNUSABLE)
            for i in range(args.readers)
        ],
        batch_size=5000,
    )
    me = Reader.objects.create(username="benchreader", email="bench@bench.example", password=UNUSABLE)
    followed = rng.sample(readers, args.following)
    Follow.objects.bulk_create([Follow(follower=me, followed=r) for r in followed], batch_size=5000)
    # Everyone else follows a few readers too, so the follow table is not the bench reader's alone.
    others = set()
    for reader in readers:
        for other in rng.sample(readers, args.others_follow):
            if other.pk != reader.pk:
                others.add((reader.pk, other.pk))
    with connection.cursor() as cursor:
        columns = "follower_id, followed_id, created_at"
        with cursor.copy(f"COPY {Follow._meta.db_table} ({columns}) FROM STDIN") as copy:
            for follower_id, followed_id in others:
                copy.write_row((follower_id, followed_id, now))
    timings["readers_and_follows_s"] = time.perf_counter() - started

    started = time.perf_counter()
    section = Section.objects.create(name="Bench", slug="bench")
    year_ago = now - timedelta(days=400)
    articles = Article.objects.bulk_create(
        [
            Article(
                slug=f"bench-story-{i}",
                headline=f"Bench story {i}",
                section=section,
                body="Text.",
                body_html="<p>Text.</p>",
                status=Article.Status.PUBLISHED if i >= args.drafts else Article.Status.DRAFT,
                published_at=year_ago + timedelta(minutes=i),
            )
            for i in range(args.articles + args.drafts)
        ],
        batch_size=2000,
    )
    timings["articles_s"] = time.perf_counter() - started

    started = time.perf_counter()
    fields = [f for f in Comment._meta.concrete_fields]
    columns = [f.column for f in fields]
    article_ids = [a.pk for a in articles]
    reader_ids = [r.pk for r in readers]
    start = now - timedelta(days=365)
    span = (now - timedelta(minutes=1) - start).total_seconds()
    times = sorted(rng.random() * span for _ in range(args.comments))
    depth: list[int] = []
    path: list[str] = []
    article_of: list[int] = []
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no FK triggers while loading
        with cursor.copy(f"COPY {Comment._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy:
            for n in range(args.comments):
                pk = n + 1
                parent_id = None
                if n > 100 and rng.random() < 0.4:
                    parent_index = n - 1 - rng.randrange(min(n, 2000))
                    if depth[parent_index] < 8:
                        parent_id = parent_index + 1
                if parent_id is None:
                    article = article_ids[rng.randrange(len(article_ids))] if rng.random() < 0.99 else None
                    article = article or article_ids[rng.randrange(args.drafts)]
                    depth.append(0)
                    path.append("")
                else:
                    article = article_of[parent_id - 1]
                    depth.append(depth[parent_id - 1] + 1)
                    path.append(f"{path[parent_id - 1]}{parent_id}/")
                article_of.append(article)
                roll = rng.random()
                status = "published" if roll < 0.95 else ("pending" if roll < 0.98 else "rejected")
                deleted = rng.random() < 0.01
                body = "" if deleted else f"Comment {pk}: the harbour, the ferry and the council again."
                row = {
                    "id": pk,
                    "article_id": article,
                    "author_id": reader_ids[rng.randrange(len(reader_ids))],
                    "parent_id": parent_id,
                    "depth": depth[-1],
                    "path": path[-1],
                    "body": body,
                    "body_html": f"<p>{body}</p>" if body else "",
                    "status": status,
                    "moderation_reason": "",
                    "moderation_data": "{}",
                    "created_at": start + timedelta(seconds=times[n]),
                    "edited_at": None,
                    "deleted_at": now if deleted else None,
                    "deleted_by": "author" if deleted else "",
                    "featured_at": None,
                    "reaction_count": 0,
                    "reply_count": 0,
                    "report_count": 0,
                    "idempotency_key": None,
                    "idempotency_fingerprint": "",
                }
                copy.write_row([row[c] for c in columns])
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{Comment._meta.db_table}', 'id'), %s)", [args.comments]
        )
    timings["comments_copy_s"] = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["analyze_s"] = time.perf_counter() - started
    return {"me": me, "timings": {k: round(v, 1) for k, v in timings.items()}}


# --- Measuring.


def explain(me) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of both queries behind a first and a next page."""
    from django.db import connection

    from masthead.community import selectors, sources
    from masthead.core.pagination import decode_cursor

    first = selectors.reader_feed(viewer=me, limit=20)
    plans = {}
    for name, cursor in (("first page", None), ("next page", first.next_cursor)):
        after = decode_cursor(cursor, 2, scope=",".join(sources.LIST_ORDER)) if cursor else None
        with connection.cursor() as db:
            # As sources._feed_ids asks: T ranked THRESHOLD_RANK pages down, then a page since T.
            rank = 21 * sources.THRESHOLD_RANK
            sql, params = sources.feed_sql("threshold", follower_id=me.pk, after=after, size=rank)
            db.execute(sql, params)
            (since,) = db.fetchone()
            for step, size, extra in (("threshold", rank, {}), ("page", 21, {"since": since})):
                sql, params = sources.feed_sql(step, follower_id=me.pk, after=after, size=size, **extra)
                db.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plans[f"{name}, {step}"] = [row[0] for row in db.fetchall()]
    return plans


def measure_selector(me, requests: int) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from masthead.community import selectors

    for _ in range(5):  # warm up: imports, plans, caches
        selectors.reader_feed(viewer=me, limit=20)
    first, queries = [], set()
    for _ in range(requests):
        me.__dict__.pop("_masthead_ignored_ids", None)  # a new request: nothing remembered
        me.__dict__.pop("_masthead_followed_ids", None)
        me.__dict__.pop("_masthead_is_moderator", None)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            page = selectors.reader_feed(viewer=me, limit=20)
            first.append(time.perf_counter() - started)
        queries.add(len(captured))
    reset_queries()
    following, cursor = [], page.next_cursor
    for _ in range(requests):
        if cursor is None:
            break
        for name in ("_masthead_ignored_ids", "_masthead_followed_ids", "_masthead_is_moderator"):
            me.__dict__.pop(name, None)
        started = time.perf_counter()
        page = selectors.reader_feed(viewer=me, cursor=cursor, limit=20)
        following.append(time.perf_counter() - started)
        cursor = page.next_cursor
    return {
        "first_page": summary_ms(first),
        "next_pages": summary_ms(following),
        "queries_per_page": sorted(queries),
    }


def measure_plain_query(me, runs: int) -> dict:
    """The feed as one ORM query without the LATERAL plan, for comparison."""
    from masthead.community import sources
    from masthead.community.models import Follow, Ignore

    followed = Follow.objects.filter(follower_id=me.pk).values("followed_id")
    ignored = Ignore.objects.filter(reader_id=me.pk).values("ignored_id")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        list(
            sources.published_comments_by(followed, excluding_author_ids=ignored).order_by(
                *sources.LIST_ORDER
            )[:21]
        )
        times.append(time.perf_counter() - started)
    return summary_ms(times)


def measure_http(env: dict, me, requests: int) -> dict:
    from masthead.accounts.services import token_create

    token = token_create(reader=me, name="bench")[1]
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own command, fixed argv
        [
            BIN / "uvicorn",
            "masthead.asgi:application",
            "--host",
            HOST,
            "--port",
            str(port),
            "--no-access-log",
        ],
        env=env,
        cwd=REPO,
    )
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        conn = HTTPConnection(HOST, port, timeout=30)
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

        def get(path: str) -> tuple[float, dict]:
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            elapsed = time.perf_counter() - started
            if response.status != 200:
                raise RuntimeError(f"{path}: {response.status} {body[:200]!r}")
            return elapsed, json.loads(body)

        for _ in range(10):
            get("/api/v1/me/feed")
        first, data = [], {}
        for _ in range(requests):
            elapsed, data = get("/api/v1/me/feed")
            first.append(elapsed)
        items = len(data["items"])
        following, cursor = [], data["next_cursor"]
        for _ in range(requests):
            if not cursor:
                break
            elapsed, data = get(f"/api/v1/me/feed?cursor={urllib.request.quote(cursor)}")
            following.append(elapsed)
            cursor = data["next_cursor"]
        conn.close()
        return {"first_page": summary_ms(first), "next_pages": summary_ms(following), "items_per_page": items}
    finally:
        server.terminate()
        server.wait(timeout=20)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        "unknown CPU",
    )
    memory_kib = int(
        next(
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    )
    load = os.getloadavg()[0]
    return f"{os.cpu_count()} CPUs ({cpu}), {memory_kib / 1024 / 1024:.0f} GiB RAM, load average {load:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--readers", type=int, default=10_000, help="commenters")
    parser.add_argument("--following", type=int, default=1_000)
    parser.add_argument("--articles", type=int, default=2_000)
    parser.add_argument("--drafts", type=int, default=20)
    parser.add_argument("--others-follow", type=int, default=20, help="follows of every other reader")
    parser.add_argument("--requests", type=int, default=200, help="of each kind (first page, next pages)")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    began = time.perf_counter()
    admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    admin(f"CREATE DATABASE {DATABASE}")
    result: dict = {"machine": machine()}
    try:
        with tempfile.TemporaryDirectory(prefix="masthead-bench-") as data_dir:
            env = env_for(DATABASE, data_dir)
            os.environ.update(env)
            import django

            django.setup()
            from django.core.management import call_command
            from django.db import connections

            call_command("migrate", interactive=False, verbosity=0)
            seeded = seed(args, random.Random(args.seed))  # noqa: S311 - test data, not secrets
            me = seeded["me"]
            result["seed"] = seeded["timings"]
            result["explain"] = explain(me)
            result["selector"] = measure_selector(me, args.requests)
            result["plain_query"] = measure_plain_query(me, max(5, args.requests // 20))
            result["http"] = measure_http(env, me, args.requests)
            connections.close_all()
    finally:
        if not args.keep:
            admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    result["total_seconds"] = round(time.perf_counter() - began, 1)
    result["scale"] = {
        "comments": args.comments,
        "commenters": args.readers,
        "following": args.following,
        "follows_in_all": args.readers * args.others_follow + args.following,
        "articles": args.articles,
    }
    if args.json:
        print(json.dumps(result, default=str))
        return 0
    for name, lines in result.pop("explain").items():
        print(f"-- EXPLAIN (ANALYZE, BUFFERS), {name}")
        print("\n".join(lines))
    for key, value in result.items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
