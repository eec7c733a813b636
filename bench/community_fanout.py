"""Fan-out: a reader with 50,000 followers posts a comment.

Creates a PostgreSQL database of its own (``masthead_bench_community_fanout`` on 127.0.0.1,
dropped at the end unless --keep) and seeds, with bulk_create and COPY FROM STDIN: a
"popular" reader with --followers followers, a "quiet" reader with none (both created
through ``accounts.services.reader_create``, with confirmed addresses and a personal
access token), and a published story.

1. The request. ``POST /api/v1/articles/{slug}/comments`` through Django's full request
   handling (the test Client, in this process: middleware, token auth, the service,
   the commit), alternately as the quiet and the popular reader, --posts times each: its
   time and its number of queries. Tasks go to the database queue (django_tasks_db), as
   in production: posting queues one task, whoever posts.
2. The fan-out. With the queue emptied, the popular reader posts once more; then the
   database worker (``db_worker --batch``, in this process) runs the queue, and the time
   from the POST until all --followers notifications exist is measured, with the
   worker's share and its rate.

The moderation pipeline is PassThrough here (``COMMENT_MODERATION_PIPELINE``): the
product's pipeline holds a new reader's first comments for a moderator, and a held comment
tells nobody; its cost is the same for both readers anyway (docs/benchmarks.md has its own
figures).

    .venv/bin/python bench/community_fanout.py
    .venv/bin/python bench/community_fanout.py --followers 5000 --posts 10   # quicker
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HOST = "127.0.0.1"  # the bench never talks to anything else
DATABASE = "masthead_bench_community_fanout"
ADMIN_URL = f"postgres://postgres@{HOST}:5432/postgres"
UNUSABLE = "!"  # an unusable password hash: nobody signs in as a seeded follower


def admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def summary_ms(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(values) * 1000, 2),
        "p99_ms": round(percentile(values, 0.99) * 1000, 2),
        "mean_ms": round(statistics.fmean(values) * 1000, 2),
    }


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), "unknown CPU")
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    memory_kib = int(next(line.split()[1] for line in meminfo if line.startswith("MemTotal")))
    load = os.getloadavg()[0]
    return f"{os.cpu_count()} CPUs ({cpu}), {memory_kib / 1024 / 1024:.0f} GiB RAM, load average {load:.1f}"


def seed(args) -> dict:
    from django.db import connection

    from masthead.accounts.models import Reader
    from masthead.accounts.services import reader_create, token_create
    from masthead.community.models import Follow
    from masthead.newsroom import services
    from masthead.newsroom.models import Article, Section

    started = time.perf_counter()
    popular = reader_create(
        username="popular", email="popular@bench.example", password=None, email_verified=True
    )
    quiet = reader_create(username="quiet", email="quiet@bench.example", password=None, email_verified=True)
    followers = Reader.objects.bulk_create(
        [
            Reader(username=f"follower{i}", email=f"follower{i}@bench.example", password=UNUSABLE)
            for i in range(args.followers)
        ],
        batch_size=5000,
    )
    now = datetime.now(UTC)
    with connection.cursor() as cursor:
        columns = "follower_id, followed_id, created_at"
        with cursor.copy(f"COPY {Follow._meta.db_table} ({columns}) FROM STDIN") as copy:
            for follower in followers:
                copy.write_row((follower.pk, popular.pk, now))
        cursor.execute("ANALYZE")
    section = Section.objects.create(name="Bench", slug="bench")
    article = Article(
        headline="Bench: a story everyone reads",
        slug="bench-story",
        section=section,
        body="Text.",
        status=Article.Status.PUBLISHED,
    )
    services.article_save(article=article, actor=None)
    return {
        "popular": (popular, token_create(reader=popular, name="bench")[1]),
        "quiet": (quiet, token_create(reader=quiet, name="bench")[1]),
        "article": article,
        "seconds": round(time.perf_counter() - started, 1),
    }


def post(client, slug: str, token: str, body: str) -> tuple[float, int, dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.post(
            f"/api/v1/articles/{slug}/comments",
            {"body": body},
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
        elapsed = time.perf_counter() - started
    if response.status_code != 201:
        raise RuntimeError(f"{response.status_code}: {response.content[:300]!r}")
    data = response.json()
    if data["status"] != "published":
        raise RuntimeError(f"not published: {data}")
    return elapsed, len(queries), data


def measure_requests(args, seeded) -> dict:
    from django.test import Client
    from django_tasks_db.models import DBTaskResult

    client = Client(SERVER_NAME=HOST)
    slug = seeded["article"].slug
    for n in range(3):  # warm up: imports, URLconf, the first queries
        for who in ("quiet", "popular"):
            post(client, slug, seeded[who][1], f"Warming up, {who}, {n}.")
    times: dict[str, list[float]] = {"quiet": [], "popular": []}
    queries: dict[str, set[int]] = {"quiet": set(), "popular": set()}
    for n in range(args.posts):
        for who in ("quiet", "popular") if n % 2 == 0 else ("popular", "quiet"):
            elapsed, count, _ = post(client, slug, seeded[who][1], f"Comment {n} from the {who} reader.")
            times[who].append(elapsed)
            queries[who].add(count)
    queued = DBTaskResult.objects.filter(task_path__endswith="notify_comment_published").count()
    result = {who: {**summary_ms(times[who]), "queries": sorted(queries[who])} for who in times}
    result["ratio_p50_popular_over_quiet"] = round(
        statistics.median(times["popular"]) / statistics.median(times["quiet"]), 3
    )
    result["ratio_mean_popular_over_quiet"] = round(
        statistics.fmean(times["popular"]) / statistics.fmean(times["quiet"]), 3
    )
    result["tasks_queued_by_the_requests"] = queued
    return result


def measure_fanout(args, seeded) -> dict:
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django_tasks_db.models import DBTaskResult

    from masthead.community.models import Notification

    DBTaskResult.objects.all().delete()  # the requests' fan-outs are not this measurement
    Notification.objects.all().delete()
    popular = seeded["popular"][0]
    started = time.perf_counter()
    elapsed, _, data = post(
        Client(SERVER_NAME=HOST), seeded["article"].slug, seeded["popular"][1], "The one that fans out."
    )
    worker_started = time.perf_counter()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)
    done = time.perf_counter()
    told = Notification.objects.filter(comment_id=data["id"], kind="followed_reader_commented").count()
    tasks = DBTaskResult.objects.values_list("task_path", flat=True)
    by_task: dict[str, int] = {}
    for path in tasks:
        name = path.rsplit(".", 1)[-1]
        by_task[name] = by_task.get(name, 0) + 1
    failed = DBTaskResult.objects.exclude(status="SUCCESSFUL").count()
    worker = done - worker_started
    spans = DBTaskResult.objects.filter(task_path__endswith="notify_followers").values_list(
        "started_at", "finished_at"
    )
    batches = [(end - start).total_seconds() for start, end in spans if start and end]
    return {
        "followers": args.followers,
        "notifications_made": told,
        "all_told": told == Notification.objects.filter(actor=popular).count() == args.followers,
        "request_ms": round(elapsed * 1000, 1),
        "worker_seconds": round(worker, 2),
        "post_to_all_told_seconds": round(done - started, 2),
        "notifications_per_second": round(told / worker),
        "batch_task_ms": summary_ms(batches) if batches else None,
        "time_in_batch_tasks_seconds": round(sum(batches), 2),
        "batch_size": settings.COMMUNITY_FANOUT_BATCH_SIZE,
        "tasks_run": by_task,
        "tasks_failed": failed,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=50_000)
    parser.add_argument("--posts", type=int, default=30, help="requests per reader")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    began = time.perf_counter()
    admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    admin(f"CREATE DATABASE {DATABASE}")
    result: dict = {"machine": machine()}
    try:
        with tempfile.TemporaryDirectory(prefix="masthead-bench-") as data_dir:
            os.environ.update(
                {
                    "DATABASE_URL": f"postgres://postgres@{HOST}:5432/{DATABASE}",
                    "MASTHEAD_DATA_DIR": data_dir,
                    "DEBUG": "0",
                    "SECURE_SSL_REDIRECT": "0",
                    "LOG_LEVEL": "WARNING",
                    "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
                    "COMMENT_MODERATION_PIPELINE": "masthead.comments.moderation.PassThrough",
                    "MASTHEAD_COMMENT_RATE_LIMIT": "100000/m",
                    "DJANGO_SETTINGS_MODULE": "masthead.settings",
                }
            )
            os.environ.pop("REDIS_URL", None)
            import django

            django.setup()
            from django.core.management import call_command
            from django.db import connections

            call_command("migrate", interactive=False, verbosity=0)
            seeded = seed(args)
            result["seed_seconds"] = seeded["seconds"]
            result["requests"] = measure_requests(args, seeded)
            result["fanout"] = measure_fanout(args, seeded)
            connections.close_all()
    finally:
        if not args.keep:
            admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    result["total_seconds"] = round(time.perf_counter() - began, 1)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    return 0 if result["fanout"]["all_told"] else 1


if __name__ == "__main__":
    sys.exit(main())
