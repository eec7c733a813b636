# ruff: noqa: RUF001 (the report is typeset: en dashes, multiplication signs)
"""Masthead side by side with Isso (a real peer) and nginx (the machine's ceiling), in one run.

    .venv/bin/python bench/side_by_side.py --write      # make bench runs this (bench/run_all.py)
    .venv/bin/python bench/side_by_side.py --quick      # a smaller, shorter smoke run

Everything is started here, on free 127.0.0.1 ports, and stopped on exit:

- Masthead, production-like: uvicorn (uvloop, httptools) with ``--workers`` (2 by
  default), ``DEBUG=0`` with the plain-HTTP switches, PostgreSQL (its own databases,
  ``masthead_bench_sbs_10k`` and ``masthead_bench_sbs_1m``, a psycopg pool per process) and Redis
  (index 14, a key prefix per server); the full moderation pipeline; and the SQLite
  default (no Redis, per-process cache) next to it.
- Isso from PyPI in its own virtualenv (bench/setup_peers.sh), gunicorn with 2 sync
  workers, SQLite, fed the same 10,000 comments through its own ``POST /new``.
- nginx (Debian) serving the very same bytes Masthead answered, as static files.

The same thread (bench/sbs_corpus.py) goes into every system. Reads are measured with wrk
(16 connections, 2 threads, a warm-up run first that is not counted), in rounds whose order
rotates so that every target meets the machine's noise alike; medians of the rounds are
reported and every ratio is taken between figures of this one run. Posting, feeding and
walking a thread use the asyncio client in bench/sbs_http.py. See docs/benchmarks.md.
"""

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import sbs_corpus  # noqa: E402
import sbs_servers  # noqa: E402
import sbs_wrk  # noqa: E402
from sbs_http import connection, percentile  # noqa: E402

VENV = ROOT / ".venv" / "bin"
ISSO_VENV = HERE / "peers" / "isso-venv"
DOC = ROOT / "docs" / "benchmarks.md"
RESULTS = HERE / "results" / "latest.json"
HEADING = "## Side by side: Masthead, Isso and nginx"
SUMMARY_START = "<!-- side-by-side summary: written by bench/side_by_side.py -->"
SUMMARY_END = "<!-- end of side-by-side summary -->"
PG = "postgres://postgres@127.0.0.1:5432/"
REDIS = "redis://127.0.0.1:6379/14"
SLUG = "harbour-redevelopment-plan"
ISSO_URI = f"/articles/{SLUG}/"
CONCURRENCY = 16

TARGETS = {
    "first_page_read_vs_isso": (">=", 50.0, "first-page reads/s, Masthead ÷ Isso"),
    "first_page_read_vs_nginx": (">=", 0.10, "first-page reads/s, Masthead ÷ nginx"),
    "whole_thread_vs_isso_full": ("<=", 0.10, "whole thread by cursor ÷ Isso's one full response (time)"),
    "post_vs_isso": (">=", 2.0, "comments/s posted, Masthead (full moderation) ÷ Isso (none)"),
    "article_page_vs_nginx": (">=", 0.25, "anonymous article page reads/s ÷ nginx"),
    "million_vs_10k_latency": ("<=", 1.5, "first-page p50 latency, 1,000,000 ÷ 10,000 comments"),
    "peak_memory_vs_isso": ("<=", 1 / 3, "peak RSS of the server processes during reads ÷ Isso's"),
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- Setup.


def psql(sql: str, db: str = "postgres") -> None:
    subprocess.run(  # noqa: S603
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],  # noqa: S607
        check=True,
        capture_output=True,
    )


def recreate_db(name: str, template: str | None = None) -> None:
    assert name.startswith("masthead_bench_sbs_")
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def drop_db(name: str) -> None:
    assert name.startswith("masthead_bench_sbs_")
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS).flushdb()


def masthead_env(work: Path, *, db_url: str | None, redis_prefix: str | None, port: int = 0) -> dict:
    env = {
        "PATH": f"{VENV}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "masthead.settings",
        "MASTHEAD_DATA_DIR": str(work / "data"),
        "SECRET_KEY": "side-by-side-benchmark-not-secret-" + "x" * 20,
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port or 8000}",
        "LOG_LEVEL": "WARNING",
        "MASTHEAD_COMMENT_RATE_LIMIT": "100000/m",
        "COMMENT_MODERATION_PIPELINE": "masthead.moderation.pipeline.CommentsPipeline",
        "DATABASE_URL": db_url or f"sqlite:///{work / 'sqlite' / 'masthead.sqlite3'}",
    }
    if db_url and db_url.startswith("postgres"):
        env.update({"DATABASE_POOL": "1", "DATABASE_POOL_MIN": "2", "DATABASE_POOL_MAX": "4"})
    if redis_prefix:
        env.update({"REDIS_URL": REDIS, "CACHE_KEY_PREFIX": redis_prefix})
    return env


def run_steps(name: str, steps: list[list[str]], env: dict, logfile: Path) -> subprocess.Popen:
    """Run commands one after another in a child shell; returns at once."""
    script = " && ".join(" ".join(quote_arg(a) for a in step) for step in steps)
    out = open(logfile, "ab")  # noqa: SIM115
    proc = subprocess.Popen(  # noqa: S603
        ["/bin/sh", "-c", script],
        env=env,
        cwd=ROOT,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    out.close()
    proc.name = name
    return proc


def quote_arg(arg: str) -> str:
    import shlex

    return shlex.quote(str(arg))


def wait_all(procs: list[subprocess.Popen], logs: dict[str, Path], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    for proc in procs:
        try:
            code = proc.wait(timeout=max(1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            raise SystemExit(f"{proc.name} took too long; see {logs[proc.name]}") from None
        if code != 0:
            raise SystemExit(f"{proc.name} failed ({code}):\n{logs[proc.name].read_text()[-3000:]}")


async def feed_isso(base: str, thread: list[dict], concurrency: int = 4) -> dict:
    """POST the thread to Isso in order; a reply waits until its parent exists."""
    ids: dict[int, asyncio.Future] = {c["i"]: asyncio.get_running_loop().create_future() for c in thread}
    queue: asyncio.Queue = asyncio.Queue()
    for c in thread:
        queue.put_nowait(c)
    failures = []
    started = time.perf_counter()

    async def worker() -> None:
        conn = connection(base)
        while not queue.empty():
            c = queue.get_nowait()
            data = {"text": c["body"], "author": f"bench{c['author']:04d}", "title": "Harbour redevelopment"}
            if c["parent"] is not None:
                data["parent"] = await ids[c["parent"]]
            r = await conn.request(
                "POST",
                f"/new?uri={quote(ISSO_URI)}",
                body=json.dumps(data).encode(),
                headers={"Content-Type": "application/json"},
            )
            if r.status not in (201, 202):
                failures.append((r.status, r.body[:200]))
                ids[c["i"]].set_result(None)
            else:
                ids[c["i"]].set_result(r.json()["id"])
        conn.close()

    # The first comment creates the thread; the rest may then go in parallel.
    first = thread[0]
    queue.get_nowait()
    await _isso_first(base, first, ids)
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    seconds = time.perf_counter() - started
    if failures:
        raise SystemExit(f"Isso refused {len(failures)} comments, e.g. {failures[:3]}")
    return {
        "comments": len(thread),
        "seconds": round(seconds, 1),
        "per_second": round(len(thread) / seconds, 1),
    }


async def _isso_first(base: str, c: dict, ids: dict) -> None:
    conn = connection(base)
    data = {"text": c["body"], "author": f"bench{c['author']:04d}", "title": "Harbour redevelopment"}
    r = await conn.request(
        "POST",
        f"/new?uri={quote(ISSO_URI)}",
        body=json.dumps(data).encode(),
        headers={"Content-Type": "application/json"},
    )
    conn.close()
    if r.status not in (201, 202):
        raise SystemExit(f"Isso refused the first comment: {r.status} {r.body[:300]!r}")
    ids[c["i"]].set_result(r.json()["id"])


# --- Measurements.


def wrk_round(
    targets: dict[str, str], *, seconds: float, warmup: float, rounds: int
) -> dict[str, list[dict]]:
    """Every target once per round, warm-up first; the order rotates each round."""
    names = list(targets)
    runs: dict[str, list[dict]] = {n: [] for n in names}
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            if warmup:
                sbs_wrk.run(targets[name], seconds=warmup, connections=CONCURRENCY)
            result = sbs_wrk.run(targets[name], seconds=seconds, connections=CONCURRENCY)
            log(
                f"  round {r + 1} {name}: {result['rps']:,.1f} req/s, p50 {result.get('p50_ms', 0):.2f} ms, "
                f"p99 {result.get('p99_ms', 0):.2f} ms"
                + (f", {result['non_2xx']} non-2xx" if result["non_2xx"] else "")
                + (f", {result['socket_errors']} socket errors" if result["socket_errors"] else "")
            )
            runs[name].append(result)
    return runs


def medians(runs: list[dict]) -> dict:
    out = {"rps": round(statistics.median(r["rps"] for r in runs), 3)}
    answered = [r for r in runs if r.get("requests")]  # a run with no response has no latency
    for k in ("p50_ms", "p90_ms", "p99_ms"):
        if any(k in r for r in answered):
            out[k] = round(statistics.median(r[k] for r in answered if k in r), 3)
    out["errors"] = sum(r["non_2xx"] + r["socket_errors"] for r in runs)
    if out.get("p50_ms"):
        # Little's law: 16 connections each waiting p50 per request. For a server slower than
        # the run is long, wrk's count misses the requests still in flight at the end.
        out["littles_law_rps"] = round(CONCURRENCY / (out["p50_ms"] / 1000), 3)
    return out


async def one_at_a_time(url: str, n: int = 3) -> dict:
    """``n`` requests one after another on one connection: the unloaded latency."""
    conn = connection(url, timeout=120)
    path = url.split("/", 3)[3] if url.count("/") >= 3 else ""
    times = []
    for _ in range(n):
        r = await conn.request("GET", "/" + path)
        assert r.status == 200, (url, r.status)
        times.append(r.seconds)
    conn.close()
    return {
        "p50_ms": round(statistics.median(times) * 1000, 2),
        "runs_ms": [round(t * 1000, 2) for t in times],
    }


async def isso_full_thread(base: str) -> dict:
    conn = connection(base, timeout=300)
    r = await conn.request("GET", f"/?uri={quote(ISSO_URI)}")
    conn.close()
    assert r.status == 200, r.status
    data = r.json()
    count = sum(1 + len(c.get("replies", [])) for c in data["replies"])
    return {"seconds": round(r.seconds, 3), "bytes": len(r.body), "comments": count, "requests": 1}


async def masthead_walk(base: str, limit: int = 100, connections: int = 1, replies: int | None = 100) -> dict:
    """Every comment of the thread, page by page by cursor: the top-level pages (oldest
    first) with ``replies`` replies each (``replies=``; None: the default 3), and for each
    comment with more replies than shown, the rest of its replies, from its
    ``replies_cursor`` (or from the start without ``replies=``), each list followed by its
    own cursor. With ``connections`` > 1 the reply lists are read on that many connections
    alongside the top-level pages (as an app or archiver might); with 1, everything is one
    request after another."""
    pool: asyncio.Queue = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(connection(base, timeout=120))
    seen: set[int] = set()
    stats = {"requests": 0, "bytes": 0, "slowest": 0.0}
    started = time.perf_counter()

    async def get(path: str) -> dict:
        conn = await pool.get()
        try:
            r = await conn.request("GET", path)
        finally:
            pool.put_nowait(conn)
        stats["requests"] += 1
        stats["bytes"] += len(r.body)
        stats["slowest"] = max(stats["slowest"], r.seconds)
        if r.status != 200:
            raise RuntimeError(f"GET {path}: {r.status} {r.body[:200]!r}")
        return r.json()

    async def replies_of(comment_id: int, reply_cursor: str | None = None) -> None:
        while True:
            replies = await get(
                f"/api/v1/comments/{comment_id}/replies?limit={limit}"
                + (f"&cursor={quote(reply_cursor)}" if reply_cursor else "")
            )
            seen.update(reply["id"] for reply in replies["items"])
            reply_cursor = replies["next_cursor"]
            if not reply_cursor:
                return

    pending: list[asyncio.Task] = []
    cursor = None
    while True:
        page = await get(
            f"/api/v1/articles/{SLUG}/comments?sort=oldest&limit={limit}"
            + (f"&replies={replies}" if replies is not None else "")
            + (f"&cursor={quote(cursor)}" if cursor else "")
        )
        for item in page["items"]:
            seen.add(item["id"])
            seen.update(reply["id"] for reply in item["replies"])
            if item["reply_count"] > len(item["replies"]):
                # replies= gives the cursor after the replies shown; without it, start over.
                after = item.get("replies_cursor") if replies is not None else None
                if connections == 1:
                    await replies_of(item["id"], after)
                else:
                    pending.append(asyncio.create_task(replies_of(item["id"], after)))
        cursor = page["next_cursor"]
        if not cursor:
            break
    await asyncio.gather(*pending)
    seconds = time.perf_counter() - started
    while not pool.empty():
        pool.get_nowait().close()
    return {
        "seconds": round(seconds, 3),
        "bytes": stats["bytes"],
        "comments": len(seen),
        "requests": stats["requests"],
        "slowest_request_s": round(stats["slowest"], 3),
        "connections": connections,
        "replies_per_page": replies if replies is not None else 3,
    }


async def post_load(base: str, make, *, seconds: float, concurrency: int = CONCURRENCY) -> dict:
    """``concurrency`` clients posting back to back for ``seconds``; ``make(n)`` gives
    (path, headers, body) for the n-th comment."""
    counter = itertools.count()
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    outcomes: dict[str, int] = {}
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()

    async def client() -> None:
        conn = connection(base, timeout=60)
        while time.perf_counter() < deadline:
            path, headers, body = make(next(counter))
            r = await conn.request("POST", path, body=body, headers=headers)
            key = str(r.status)
            statuses[key] = statuses.get(key, 0) + 1
            if r.status in (200, 201, 202):
                latencies.append(r.seconds)
                outcome = r.json().get("status") or ("pending" if r.status == 202 else "published")
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
        conn.close()

    await asyncio.gather(*(client() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {
        "per_second": round(len(latencies) / elapsed, 1),
        "posted": len(latencies),
        "seconds": round(elapsed, 2),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "statuses": statuses,
        "outcomes": outcomes,
    }


def probe_uncached(work: Path, env_10k: dict, env_1m: dict, state: Path, rounds: int) -> dict:
    """The first page rendered from the database (no cache), in-process, alternating."""
    out: dict[str, list[float]] = {"10k": [], "1m": []}
    for _ in range(rounds):
        for name, env in (("10k", env_10k), ("1m", env_1m)):
            done = subprocess.run(  # noqa: S603
                [
                    str(VENV / "python"),
                    str(HERE / "sbs_seed.py"),
                    "probe",
                    "--state",
                    str(state),
                    "--n",
                    "30",
                ],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
                timeout=300,
            )
            out[name].append(json.loads(done.stdout.strip().splitlines()[-1])["median_ms"])
    return {k: {"runs_ms": v, "median_ms": round(statistics.median(v), 2)} for k, v in out.items()}


# --- The run.


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    with contextlib.suppress(OSError, ValueError, IndexError):
        mem = int(Path("/proc/meminfo").read_text().split()[1]) * 1024

    def version(argv: list[str]) -> str:
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=20, check=False)  # noqa: S603
            line = (done.stdout + done.stderr).strip().splitlines()[0]
            return line.split(" Copyright")[0].removeprefix("Running ").removeprefix("nginx version: ")
        except (OSError, IndexError):
            return "?"

    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(mem / 2**30, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "nginx": version([shutil.which("nginx") or "/usr/sbin/nginx", "-v"]),
        "wrk": version([sbs_wrk.wrk_bin(), "-v"]),
        "isso": version(
            [str(ISSO_VENV / "bin" / "python"), "-c", "import isso; print('isso', isso.__version__)"]
        ),
        "gunicorn": version([str(ISSO_VENV / "bin" / "gunicorn"), "--version"]),
        "uvicorn": version([str(VENV / "uvicorn"), "--version"]),
        "postgresql": version(["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "show server_version"]),
        "redis": version(["redis-cli", "-n", "14", "info", "server"]).strip(),
        "load_average_at_start": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8, help="measured seconds per wrk run (default 8)")
    parser.add_argument(
        "--warmup", type=float, default=2, help="warm-up seconds before each run, not counted"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every read (default 3)")
    parser.add_argument("--post-seconds", type=float, default=10, help="seconds per posting run (default 10)")
    parser.add_argument(
        "--comments", type=int, default=10_000, help="comments in the thread (default 10,000)"
    )
    parser.add_argument(
        "--million", type=int, default=1_000_000, help="comments for the scale test (0: skip)"
    )
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers for Masthead (default 2)")
    parser.add_argument(
        "--isso-feed",
        choices=("db", "api"),
        default="api",
        help="feed Isso through its API, POST /new (default), or its storage layer (bench/sbs_isso_feed.py)",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=780,
        help="seconds this script may take (default 780): the optional extra figures are skipped past it",
    )
    parser.add_argument("--quick", action="store_true", help="2,000 comments, 100,000 for scale, short runs")
    parser.add_argument(
        "--write", action="store_true", help="write docs/benchmarks.md and bench/results/latest.json"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory and the databases")
    args = parser.parse_args()
    if args.quick:
        args.comments, args.million, args.seconds, args.warmup, args.rounds, args.post_seconds = (
            2000,
            min(args.million, 100_000),
            3,
            1,
            1,
            4,
        )
    nginx_bin = shutil.which("nginx") or "/usr/sbin/nginx"
    for need, hint in (
        (Path(nginx_bin), "apt-get install -y nginx"),
        (ISSO_VENV / "bin" / "gunicorn", "bench/setup_peers.sh"),
    ):
        if not need.exists():
            raise SystemExit(f"missing {need}: run {hint}")
    sbs_wrk.wrk_bin()

    started_all = time.perf_counter()
    args.deadline = started_all + args.budget
    work = Path(tempfile.mkdtemp(prefix="masthead-side-by-side-"))
    (work / "sqlite").mkdir()
    (work / "data").mkdir()
    log(f"work directory {work}")
    results: dict = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine(),
        "config": {
            "comments": args.comments,
            "scale_comments": args.million,
            "wrk": {
                "connections": CONCURRENCY,
                "threads": 2,
                "seconds": args.seconds,
                "warmup_seconds": args.warmup,
                "rounds": args.rounds,
            },
            "masthead_server": f"uvicorn --workers {args.workers} (uvloop, httptools), DEBUG=0",
            "isso_server": "gunicorn --workers 2 (sync), SQLite",
            "post_concurrency": CONCURRENCY,
            "post_seconds": args.post_seconds,
        },
    }
    thread = sbs_corpus.thread(args.comments)
    results["thread_shape"] = sbs_corpus.shape(thread)
    dbs = ["masthead_bench_sbs_10k", "masthead_bench_sbs_1m"]
    try:
        results.update(run(args, work, thread, nginx_bin, dbs))
    finally:
        sbs_servers.stop_all()
        if not args.keep:
            for name in dbs:
                try:
                    drop_db(name)
                except subprocess.CalledProcessError as exc:
                    log(f"could not drop {name}: {exc.stderr}")
            try:
                flush_redis()
            except Exception as exc:  # cleanup must not hide the result
                log(f"could not flush Redis 14: {exc}")
            shutil.rmtree(work, ignore_errors=True)
    results["total_seconds"] = round(time.perf_counter() - started_all, 1)
    results["ratios"], results["targets"] = ratios(results)
    text = json.dumps(results, indent=1)
    print(text)
    report = markdown(results, args)
    print("\n".join(report["summary"]))
    if args.write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(text + "\n")
        write_doc(report)
        log(f"wrote {RESULTS.relative_to(ROOT)} and {DOC.relative_to(ROOT)}")


def run(args, work: Path, thread: list[dict], nginx_bin: str, dbs: list[str]) -> dict:
    out: dict = {"setup": {}}
    logs = {name: work / f"{name}.log" for name in ("pg", "sqlite", "grow", "static", "isso_feed")}
    state_pg, state_sqlite = work / "state-pg.json", work / "state-sqlite.json"
    env_pg = masthead_env(work, db_url=PG + dbs[0], redis_prefix="bench10k")
    env_1m = masthead_env(work, db_url=PG + dbs[1], redis_prefix="bench1m")
    env_sqlite = masthead_env(work, db_url=None, redis_prefix=None)
    seed = [str(VENV / "python"), str(HERE / "sbs_seed.py")]
    masthead_cmd = [str(VENV / "masthead")]

    # 1. Setup, in parallel: both Masthead databases, static files, Isso and its feed.
    t0 = time.perf_counter()
    flush_redis()
    recreate_db(dbs[0])
    drop_db(dbs[1])
    n = str(args.comments)
    procs = [
        run_steps(
            "pg",
            [
                [*masthead_cmd, "migrate", "-v0"],
                [*seed, "prepare", "--out", str(state_pg)],
                [*seed, "comments", "--state", str(state_pg), "--n", n],
            ],
            env_pg,
            logs["pg"],
        ),
        run_steps(
            "sqlite",
            [
                [*masthead_cmd, "migrate", "-v0"],
                [*seed, "prepare", "--out", str(state_sqlite)],
                [*seed, "comments", "--state", str(state_sqlite), "--n", n],
            ],
            env_sqlite,
            logs["sqlite"],
        ),
        run_steps("static", [[*masthead_cmd, "collectstatic", "--noinput", "-v0"]], env_pg, logs["static"]),
    ]
    log(f"setup: migrating and seeding Masthead ({n} comments, PostgreSQL and SQLite) and Isso")
    isso_conf = sbs_servers.isso_config(work / "isso")
    if args.isso_feed == "db":
        (work / "thread.json").write_text(json.dumps(thread))
        feed_argv = [str(ISSO_VENV / "bin" / "python"), str(HERE / "sbs_isso_feed.py"), str(isso_conf[0])]
        feed_argv += [str(work / "thread.json"), ISSO_URI, "Harbour redevelopment"]
        procs.append(
            run_steps("isso_feed", [feed_argv], {"PATH": os.environ.get("PATH", "")}, logs["isso_feed"])
        )
        isso = None
    else:
        isso = sbs_servers.isso(work / "isso", ISSO_VENV, configured=isso_conf)
    feed = asyncio.run(
        _feed_with_pg_grow(isso and isso.url, thread, procs, logs, args, dbs, env_1m, state_pg, seed)
    )
    if isso is None:
        feed["isso"] = json.loads(logs["isso_feed"].read_text().strip().splitlines()[-1])
        feed["isso"]["how"] = "Isso's storage layer, comments.add() (bench/sbs_isso_feed.py)"
        isso = sbs_servers.isso(work / "isso", ISSO_VENV, configured=isso_conf)
    else:
        feed["isso"]["how"] = "Isso's API, POST /new, 4 at a time"
    out["setup"]["isso_feed"] = feed["isso"]
    out["setup"]["scale_seed"] = feed["grow"]
    out["setup"]["seconds"] = round(time.perf_counter() - t0, 1)
    log(f"setup done in {out['setup']['seconds']} s (Isso fed at {feed['isso']['per_second']} comments/s)")

    # 2. The servers.
    def masthead_server(name: str, env: dict) -> sbs_servers.Server:
        port = sbs_servers.free_port()
        env = {**env, "SITE_URL": f"http://127.0.0.1:{port}"}
        argv = [
            str(VENV / "uvicorn"),
            "masthead.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--loop",
            "uvloop",
            "--http",
            "httptools",
            "--no-access-log",
            "--log-level",
            "warning",
        ]
        server = sbs_servers.Server(
            name, argv, env=env, cwd=str(ROOT), log=work / f"{name}.server.log", port=port
        )
        return server.start(ready_path="/healthz")

    servers = {
        "masthead": masthead_server("masthead", env_pg),
        "masthead_sqlite": masthead_server("masthead_sqlite", env_sqlite),
        "isso": isso,
    }
    if args.million:
        servers["masthead_1m"] = masthead_server("masthead_1m", env_1m)
    first_path = f"/api/v1/articles/{SLUG}/comments"
    article_path = f"/articles/{SLUG}/"
    isso_first = f"/?uri={quote(ISSO_URI)}&limit=20&nested_limit=5"
    first_bytes = _get(servers["masthead"].url + first_path)
    article_bytes = _get(servers["masthead"].url + article_path)
    for name in ("masthead_sqlite", "masthead_1m"):
        if name in servers:
            _get(servers[name].url + first_path)
            _get(servers[name].url + article_path)
    isso_first_bytes = _get(isso.url + isso_first)
    servers["nginx"] = sbs_servers.nginx(
        work / "nginx", {"first-page.json": first_bytes, "article.html": article_bytes}, nginx_bin
    )
    out["response_bytes"] = {
        "masthead_first_page": len(first_bytes),
        "isso_first_page": len(isso_first_bytes),
        "article_page": len(article_bytes),
    }
    sampled = {k: v for k, v in servers.items() if k != "nginx"}
    with sbs_servers.MemorySampler(sampled) as memory:
        memory.sample()
        out["memory_idle_bytes"] = dict(memory.peaks)
        memory.reset()

        # 3. First page.
        log("first page of the thread (wrk, 16 connections)")
        targets = {
            "masthead": servers["masthead"].url + first_path,
            "isso": isso.url + isso_first,
            "nginx": servers["nginx"].url + "/first-page.json",
            "masthead_sqlite": servers["masthead_sqlite"].url + first_path,
        }
        if "masthead_1m" in servers:
            targets["masthead_1m"] = servers["masthead_1m"].url + first_path
        out["first_page_one_at_a_time"] = {
            name: asyncio.run(one_at_a_time(targets[name])) for name in ("masthead", "isso")
        }
        log(f"  one at a time: {out['first_page_one_at_a_time']}")
        runs = wrk_round(targets, seconds=args.seconds, warmup=args.warmup, rounds=args.rounds)
        out["first_page"] = {k: {"median": medians(v), "runs": v} for k, v in runs.items()}

        # 4. The article page.
        log("anonymous article page (wrk, 16 connections)")
        targets = {
            "masthead": servers["masthead"].url + article_path,
            "nginx": servers["nginx"].url + "/article.html",
            "masthead_sqlite": servers["masthead_sqlite"].url + article_path,
        }
        runs = wrk_round(targets, seconds=args.seconds, warmup=args.warmup, rounds=args.rounds)
        out["article_page"] = {k: {"median": medians(v), "runs": v} for k, v in runs.items()}

        # 5. The whole thread.
        log("whole thread: Isso's one full response vs Masthead page by page by cursor")
        whole: dict[str, list[dict]] = {"isso_full": [], "masthead_walk": [], "masthead_sqlite_walk": []}
        # Alternating: Masthead's first walk renders every page from the database, its
        # second finds them cached; Isso has no cache, and its one response takes 6 s on a
        # quiet machine, 13 to 35 s on a loaded one: twice while the budget allows, so its
        # figure is a median of two as well.
        whole["masthead_walk"].append(asyncio.run(masthead_walk(servers["masthead"].url)))
        whole["isso_full"].append(asyncio.run(isso_full_thread(isso.url)))
        whole["masthead_walk"].append(asyncio.run(masthead_walk(servers["masthead"].url)))
        if _left(args) > 300:
            whole["isso_full"].append(asyncio.run(isso_full_thread(isso.url)))
        log(f"  Isso {whole['isso_full']}; Masthead {whole['masthead_walk']}")
        # Extra figures, while the time budget allows (what follows needs about 3 minutes).
        if _left(args) > 240:
            whole["masthead_sqlite_walk"].append(asyncio.run(masthead_walk(servers["masthead_sqlite"].url)))
            log(f"  Masthead (SQLite) {whole['masthead_sqlite_walk'][-1]}")
        if _left(args) > 220:
            # The walk as it was before replies= (3 replies inline, every longer list read
            # through /comments/{id}/replies from its start), for comparison.
            whole["masthead_walk_3_replies"] = [
                asyncio.run(masthead_walk(servers["masthead"].url, replies=None))
            ]
            log(f"  Masthead, 3 replies a comment {whole['masthead_walk_3_replies'][-1]}")
        whole = {k: v for k, v in whole.items() if v}
        out["whole_thread"] = {
            k: {"median_seconds": round(statistics.median(r["seconds"] for r in v), 3), "runs": v}
            for k, v in whole.items()
        }
        memory.sample()
        out["memory_peak_reads_bytes"] = dict(memory.peaks)

    # 6. Posting.
    log(f"posting: {CONCURRENCY} clients for {args.post_seconds:g} s each, alternating")
    out["posting"] = posting(servers, work, state_pg, state_sqlite, args)

    # 7. Scale: uncached first page, in-process, 10k vs 1M (the cached read was measured above).
    if args.million:
        log("scale: the first page rendered from the database, 10k vs 1M thread, in-process")
        out["scale_uncached"] = probe_uncached(
            work, env_pg, env_1m, state_pg, rounds=2 if _left(args) > 60 else 1
        )
    return out


def _left(args) -> float:
    """Seconds left of the run's time budget."""
    return args.deadline - time.perf_counter()


async def _feed_with_pg_grow(isso_url, thread, procs, logs, args, dbs, env_1m, state_pg, seed) -> dict:
    """Feed Isso while Masthead's databases are seeded; then copy the 10k database into
    the 1M one (CREATE DATABASE … TEMPLATE) and grow it with COPY, still alongside."""
    feed_task = asyncio.create_task(feed_isso(isso_url, thread)) if isso_url else None
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, wait_all, procs, logs, 900)
    grow: dict = {}
    if args.million:
        t = time.perf_counter()
        recreate_db(dbs[1], template=dbs[0])
        state_1m = state_pg  # same article, same readers: a copy
        proc = run_steps(
            "grow",
            [[*seed, "grow", "--state", str(state_1m), "--to", str(args.million)]],
            env_1m,
            logs["grow"],
        )
        await loop.run_in_executor(None, wait_all, [proc], logs, 900)
        grow = {
            "comments": args.million,
            "seconds": round(time.perf_counter() - t, 1),
            "how": "CREATE DATABASE … TEMPLATE (the 10k database), then COPY FROM STDIN",
            "log": logs["grow"].read_text().strip().splitlines()[-2:],
        }
    isso = await feed_task if feed_task else {}
    return {"isso": isso, "grow": grow}


def _get(url: str) -> bytes:
    import urllib.request

    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 (127.0.0.1 only)
        assert response.status == 200, (url, response.status)
        return response.read()


def posting(servers: dict, work: Path, state_pg: Path, state_sqlite: Path, args) -> dict:
    rng = random.Random(99)  # noqa: S311
    bodies = [sbs_corpus.body(rng, 1_000_000 + n) for n in range(60_000)]
    first = json.loads(_get(servers["masthead"].url + f"/api/v1/articles/{SLUG}/comments"))
    first_sqlite = json.loads(_get(servers["masthead_sqlite"].url + f"/api/v1/articles/{SLUG}/comments"))
    isso_first = json.loads(_get(servers["isso"].url + f"/?uri={quote(ISSO_URI)}&limit=20&nested_limit=0"))
    numbers = itertools.count()

    def masthead_maker(state_path: Path, parents: list[int]):
        tokens = json.loads(state_path.read_text())["tokens"]

        def make(n: int):
            k = next(numbers)
            payload = {"body": bodies[k % len(bodies)]}
            if k % 5 < 3:  # 60% replies, as in the thread
                payload["parent_id"] = parents[k % len(parents)]
            headers = {
                "Authorization": f"Bearer {tokens[n % len(tokens)]}",
                "Content-Type": "application/json",
            }
            return f"/api/v1/articles/{SLUG}/comments", headers, json.dumps(payload).encode()

        return make

    isso_parents = [c["id"] for c in isso_first["replies"]]

    def isso_make(n: int):
        k = next(numbers)
        payload = {"text": bodies[k % len(bodies)], "author": f"bench{n % 200:04d}"}
        if k % 5 < 3:
            payload["parent"] = isso_parents[k % len(isso_parents)]
        return (
            f"/new?uri={quote(ISSO_URI)}",
            {"Content-Type": "application/json"},
            json.dumps(payload).encode(),
        )

    makers = {
        "masthead": (servers["masthead"].url, masthead_maker(state_pg, [c["id"] for c in first["items"]])),
        "isso": (servers["isso"].url, isso_make),
    }
    runs: dict[str, list[dict]] = {"masthead": [], "isso": [], "masthead_sqlite": []}
    sqlite_make = masthead_maker(state_sqlite, [c["id"] for c in first_sqlite["items"]])
    # Warm-up, not counted: each worker loads the moderation model on its first comment.
    for url, make in (*makers.values(), (servers["masthead_sqlite"].url, sqlite_make)):
        asyncio.run(post_load(url, make, seconds=min(2.0, args.post_seconds)))
    for r in range(2):
        for name in ("masthead", "isso") if r == 0 else ("isso", "masthead"):
            url, make = makers[name]
            result = asyncio.run(post_load(url, make, seconds=args.post_seconds))
            log(f"  {name}: {result}")
            runs[name].append(result)
    if _left(args) > 90:
        result = asyncio.run(
            post_load(servers["masthead_sqlite"].url, sqlite_make, seconds=args.post_seconds)
        )
        log(f"  masthead_sqlite: {result}")
        runs["masthead_sqlite"].append(result)
    runs = {k: v for k, v in runs.items() if v}
    return {
        k: {"median_per_second": round(statistics.median(r["per_second"] for r in v), 1), "runs": v}
        for k, v in runs.items()
    }


# --- Ratios and the report.


def ratios(results: dict) -> tuple[dict, dict]:
    def get(*path, default=None):
        node = results
        for key in path:
            if not isinstance(node, dict) or key not in node:
                return default
            node = node[key]
        return node

    def div(a, b):
        return round(a / b, 4) if a is not None and b else None

    fp = lambda name, key: get("first_page", name, "median", key)  # noqa: E731
    alone = get("first_page_one_at_a_time", "isso", "p50_ms")
    isso_best = max(fp("isso", "rps") or 0, fp("isso", "littles_law_rps") or 0, 2000 / alone if alone else 0)
    ap = lambda name, key: get("article_page", name, "median", key)  # noqa: E731
    mem = get("memory_peak_reads_bytes", default={})
    out = {
        # Isso's side is the largest of wrk's count, Little's law and its two workers each
        # answering as fast as one request alone: the ratio that favours Isso.
        "first_page_read_vs_isso": div(fp("masthead", "rps"), isso_best),
        "first_page_read_vs_isso_wrk_count": div(fp("masthead", "rps"), fp("isso", "rps")),
        "first_page_read_vs_nginx": div(fp("masthead", "rps"), fp("nginx", "rps")),
        "whole_thread_vs_isso_full": div(
            get("whole_thread", "masthead_walk", "median_seconds"),
            get("whole_thread", "isso_full", "median_seconds"),
        ),
        "post_vs_isso": div(
            get("posting", "masthead", "median_per_second"), get("posting", "isso", "median_per_second")
        ),
        "article_page_vs_nginx": div(ap("masthead", "rps"), ap("nginx", "rps")),
        "million_vs_10k_latency": div(fp("masthead_1m", "p50_ms"), fp("masthead", "p50_ms")),
        "peak_memory_vs_isso": div(mem.get("masthead"), mem.get("isso")),
        # The same figures for the SQLite default and the uncached render, for the record.
        "sqlite_first_page_read_vs_isso": div(fp("masthead_sqlite", "rps"), isso_best),
        "isso_first_page_rps_used": round(isso_best, 3),
        "sqlite_first_page_read_vs_nginx": div(fp("masthead_sqlite", "rps"), fp("nginx", "rps")),
        "sqlite_article_page_vs_nginx": div(ap("masthead_sqlite", "rps"), ap("nginx", "rps")),
        "sqlite_whole_thread_vs_isso_full": div(
            get("whole_thread", "masthead_sqlite_walk", "median_seconds"),
            get("whole_thread", "isso_full", "median_seconds"),
        ),
        "sqlite_post_vs_isso": div(
            get("posting", "masthead_sqlite", "median_per_second"),
            get("posting", "isso", "median_per_second"),
        ),
        "sqlite_peak_memory_vs_isso": div(mem.get("masthead_sqlite"), mem.get("isso")),
        # The two walks apart: the first renders every page from the database; the second
        # finds the anonymous pages in the cache (nothing in the thread changed in between).
        "whole_thread_first_walk_vs_isso_full": div(
            (get("whole_thread", "masthead_walk", "runs", default=[{}])[0]).get("seconds"),
            get("whole_thread", "isso_full", "median_seconds"),
        ),
        "whole_thread_second_walk_vs_isso_full": div(
            (get("whole_thread", "masthead_walk", "runs", default=[{}, {}])[-1]).get("seconds"),
            get("whole_thread", "isso_full", "median_seconds"),
        ),
        "whole_thread_3_replies_vs_isso_full": div(
            get("whole_thread", "masthead_walk_3_replies", "median_seconds"),
            get("whole_thread", "isso_full", "median_seconds"),
        ),
        "million_vs_10k_latency_p99": div(fp("masthead_1m", "p99_ms"), fp("masthead", "p99_ms")),
        "million_vs_10k_uncached_render": div(
            get("scale_uncached", "1m", "median_ms"), get("scale_uncached", "10k", "median_ms")
        ),
    }
    verdicts = {}
    for key, (op, target, what) in TARGETS.items():
        value = out.get(key)
        met = None if value is None else (value >= target if op == ">=" else value <= target)
        verdicts[key] = {"target": f"{op} {target:g}", "value": value, "met": met, "what": what}
    return out, verdicts


def _fmt(x, digits=1) -> str:
    if x is None:
        return "–"
    if isinstance(x, float) and abs(x) < 10 and digits:
        return f"{x:.{max(digits, 2)}f}"
    return f"{x:,.{digits}f}"


def markdown(results: dict, args) -> dict:
    r, t, m = results["ratios"], results["targets"], results["machine"]
    mib = lambda b: f"{b / 2**20:,.0f} MiB" if b else "–"  # noqa: E731
    summary = [
        SUMMARY_START,
        "",
        f"**Summary** ({results['generated_at'][:10]}, `make bench`, one run of `bench/side_by_side.py`:"
        f" {m['cpus']} vCPUs, {m['cpu']}; every ratio from figures of that one run; details in"
        " [Side by side](#side-by-side-masthead-isso-and-nginx)):",
        "",
        "| ratio | target | this run | met |",
        "|---|---|---:|:---:|",
    ]
    for key, v in t.items():
        mark = "–" if v["met"] is None else ("yes" if v["met"] else "**no**")
        target = v["target"].replace("0.333333", "1/3")
        summary.append(f"| `{key}`: {v['what']} | {target} | {_fmt(v['value'], 3)} | {mark} |")
    existing = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    others = []
    if "## Live events" in existing:
        others.append(
            "live fan-out: [Live events](#live-events-2000-sse-readers-on-one-story-benchlive_ssepy)"
        )
    if "## Moderation pipeline" in existing:
        others.append("moderation throughput: [Moderation pipeline](#moderation-pipeline)")
    for line in existing.splitlines():
        if line.startswith("## ") and "ommunity" in line:
            title = line[3:].strip()
            anchor = "".join(ch for ch in title.lower() if ch.isalnum() or ch in " -").replace(" ", "-")
            others.append(f"following feed: [{title}](#{anchor})")
    summary += [
        "",
        "Where the time went, what was changed for these targets and why the missed ones remain:"
        " [the notes](#where-the-time-went-what-was-changed-what-remains) under Side by side.",
    ]
    if others:
        summary += ["", "Other figures on this page: " + "; ".join(others) + "."]
    summary += ["", SUMMARY_END]

    fp, ap, wt, po = (
        results["first_page"],
        results["article_page"],
        results["whole_thread"],
        results["posting"],
    )
    mem = results.get("memory_peak_reads_bytes", {})
    shape = results["thread_shape"]
    labels = {
        "masthead": "Masthead (PostgreSQL + Redis)",
        "masthead_sqlite": "Masthead (SQLite default)",
        "masthead_1m": "Masthead, 1,000,000 comments",
        "isso": "Isso 0.14 (gunicorn ×2, SQLite)",
        "nginx": "nginx static (same bytes)",
    }

    def read_rows(block: dict) -> list[str]:
        rows = ["| server | req/s | p50 ms | p99 ms | errors |", "|---|---:|---:|---:|---:|"]
        for name, v in block.items():
            med = v["median"]
            rows.append(
                f"| {labels.get(name, name)} | {_fmt(med.get('rps'))} | {_fmt(med.get('p50_ms'), 2)} | "
                f"{_fmt(med.get('p99_ms'), 2)} | {med.get('errors', 0)} |"
            )
        return rows

    setup = results["setup"]
    recorded = results["generated_at"].replace("T", " ").replace("Z", " UTC")
    section = [
        HEADING,
        "",
        "Masthead against a real peer, [Isso](https://isso-comments.de/), and against the machine's",
        "ceiling, nginx serving the same bytes from a file, all on this machine in one run",
        "(`bench/side_by_side.py`; the peer's setup is `bench/setup_peers.sh`, its code is never",
        "committed). Every ratio is between figures of the same run; reads run in rounds whose",
        "order rotates, so the machine's noise (other work shared it) falls on every target alike.",
        "",
        "```sh",
        "make bench          # bench/setup_peers.sh, then bench/run_all.py: the other benches, then:",
        f"{VENV.relative_to(ROOT)}/python bench/side_by_side.py --write"
        + (f" --workers {args.workers}" if args.workers != 2 else ""),
        "```",
        "",
        f"Recorded {recorded}: {m['cpus']} vCPUs ({m['cpu']}), {m['memory_gib']} GiB,"
        f" {m['os']}, Python {m['python']}; {m['uvicorn']}; {m['nginx']}; {m['wrk']};"
        f" {m['isso']} with {m['gunicorn']}; PostgreSQL {m['postgresql']}. Load average"
        f" {m['load_average_at_start']} at the start; the whole run took {results['total_seconds']:.0f} s.",
        "",
        "**Setup.**",
        f"- The thread: {shape['comments']:,} comments, {shape['top_level']:,} top-level and"
        f" {shape['replies']:,} replies ({shape['top_level_with_replies']:,} comments have replies,"
        f" {shape['top_level_with_more_than_3_replies']:,} more than three, the most"
        f" {shape['most_replies']:,});"
        f" bodies {shape['body_chars_min']}–{shape['body_chars_max']} characters, median"
        f" {shape['body_chars_median']}, generated (`bench/sbs_corpus.py`), the same in every system.",
        f"- Masthead: {results['config']['masthead_server']}, the plain-HTTP switches"
        " (`SECURE_SSL_REDIRECT=0` and the rest), PostgreSQL with a psycopg pool per process"
        " (`DATABASE_POOL=1`, 2–4 connections) and Redis (cache, live bus); the full moderation"
        " pipeline (`COMMENT_MODERATION_PIPELINE=masthead.moderation.pipeline.CommentsPipeline`, its"
        " default rules and local model, the reader history from the comments app);"
        " `MASTHEAD_COMMENT_RATE_LIMIT=100000/m`. The SQLite default is the same server with"
        " no `DATABASE_URL` or `REDIS_URL` (per-process memory cache, in-process bus).",
        "  Its 10,000 comments are stored by `bench/sbs_seed.py` with `bulk_create`, each body rendered by"
        " the comments app's own Markdown renderer, counters set as `comment_post` sets them; readers and"
        " tokens through `reader_create` and `token_create` (what `masthead createreader`/`masthead"
        " token` call).",
        f"- Isso: {results['config']['isso_server']}, moderation off, its guard (2 comments a minute"
        " per address) off since every request comes from 127.0.0.1. "
        + (
            "Fed the same thread in order through its own API, `POST /new`, 4 at a time"
            if setup["isso_feed"].get("how", "").startswith("Isso's API")
            else "Fed the same thread in order through its own storage layer, `comments.add()`, the call its"
            " `POST /new` makes (`bench/sbs_isso_feed.py`, `--isso-feed db`: for a loaded machine, where"
            " the API took 170–330 s for the 10,000; the posting test below goes through the API)"
        )
        + f": {setup['isso_feed']['comments']:,} comments in {setup['isso_feed']['seconds']} s"
        f" ({setup['isso_feed']['per_second']}/s).",
    ]
    if setup.get("scale_seed"):
        g = setup["scale_seed"]
        section.append(
            f"- The scale database: a copy of the 10,000-comment database (`CREATE DATABASE … TEMPLATE`)"
            f" grown to {g['comments']:,} comments in the same thread with PostgreSQL's `COPY … FROM"
            f" STDIN` (`bench/sbs_seed.py grow`), then `ANALYZE`: {g['seconds']} s."
        )
    section += [
        f"- wrk: {CONCURRENCY} connections, 2 threads, {args.seconds:g} s measured after a {args.warmup:g} s"
        f" warm-up that is not counted, {args.rounds} rounds; medians of the rounds. Response sizes:"
        f" Masthead's first page {results['response_bytes']['masthead_first_page']:,} bytes, Isso's"
        f" {results['response_bytes']['isso_first_page']:,}, the article page"
        f" {results['response_bytes']['article_page']:,}.",
        "",
        "**1. The first page of the thread** — Masthead `GET /api/v1/articles/{slug}/comments`"
        " (20 top-level comments, newest first, each with its first 3 replies); Isso"
        " `GET /?uri=…&limit=20&nested_limit=5` (its default order); nginx the Masthead bytes.",
        "",
        *read_rows(fp),
        "",
        *_isso_note(results),
        "**2. Posting** — "
        f"{CONCURRENCY} clients posting back to back for {args.post_seconds:g} s, 60% of them replies;"
        " Masthead with a personal access token from 200 readers in turn and the full moderation"
        " pipeline, Isso with moderation off. Alternated, two runs each; SQLite once.",
        "",
        "| server | comments/s (median) | runs | p50 ms | p99 ms | outcomes |",
        "|---|---:|---|---:|---:|---|",
    ]
    for name, v in po.items():
        runs = v["runs"]
        outcomes = {}
        for run_ in runs:
            for k, n in run_["outcomes"].items():
                outcomes[k] = outcomes.get(k, 0) + n
        section.append(
            f"| {labels.get(name, name)} | {_fmt(v['median_per_second'])} | "
            + ", ".join(_fmt(x["per_second"]) for x in runs)
            + f" | {_fmt(statistics.median(x['p50_ms'] for x in runs))}"
            + f" | {_fmt(statistics.median(x['p99_ms'] for x in runs))}"
            + f" | {', '.join(f'{k} {n:,}' for k, n in sorted(outcomes.items()))} |"
        )
    section += [
        "",
        "**3. The anonymous article page** (the story, its first page of comments embedded) vs nginx"
        " serving the same HTML.",
        "",
        *read_rows(ap),
        "",
        "**4. Scale** — the same first-page read with the thread grown to"
        f" {results['config']['scale_comments']:,} comments (above, `Masthead, 1,000,000 comments`,"
        " measured in the same rounds as the 10,000 case). The read is served from cache either way,"
        " so the figure that shows the database's part is the first page rendered from the database"
        " (no cache), in-process, 30 times, two alternating runs each:",
        "",
    ]
    sc = results.get("scale_uncached")
    if sc:
        section += [
            "| thread | uncached first page, median ms | runs |",
            "|---|---:|---|",
            f"| 10,000 comments | {sc['10k']['median_ms']} | {', '.join(map(str, sc['10k']['runs_ms']))} |",
            f"| 1,000,000 comments | {sc['1m']['median_ms']} | {', '.join(map(str, sc['1m']['runs_ms']))} |",
            "",
        ]
    walk = wt["masthead_walk"]["runs"][0]
    section += [
        "**Whole thread** — Isso's one full-thread response (`GET /?uri=…`, no limit; after each"
        " of Masthead's two walks, the first of which renders every page from the database, the"
        " second finds them cached) against reading"
        " all of Masthead's thread page by page by cursor, one request after another on one"
        " connection: top-level pages of 100 (oldest first, `sort=oldest&limit=100&replies=100`: each"
        " comment with up to 100 of its replies), then, for a comment with more, the rest of its"
        " replies 100 at a time from its `replies_cursor`"
        f" ({walk['requests']:,} requests, {walk['comments']:,} comments,"
        f" {walk['bytes'] / 2**20:.1f} MiB). The walk without `replies=` (3 replies inline, every"
        " longer list read through `/comments/{id}/replies`) is shown for comparison.",
        "",
        "| reader | seconds (median) | runs | comments | MiB |",
        "|---|---:|---|---:|---:|",
    ]
    for name, label in (
        ("isso_full", "Isso, one full response"),
        ("masthead_walk", "Masthead by cursor (PostgreSQL)"),
        ("masthead_sqlite_walk", "Masthead by cursor (SQLite)"),
        ("masthead_walk_3_replies", "Masthead by cursor without `replies=` (3 inline; PostgreSQL)"),
    ):
        if name not in wt:
            continue
        v = wt[name]
        section.append(
            f"| {label} | {v['median_seconds']:.2f} | "
            + ", ".join(f"{x['seconds']:.2f}" for x in v["runs"])
            + " | "
            f"{v['runs'][0]['comments']:,} | {v['runs'][0]['bytes'] / 2**20:.1f} |"
        )
    section += [
        "",
        "**Memory** — the resident set of every process of each server (master and workers, summed),"
        " sampled every 0.25 s through the read tests above (first page, article page, whole thread):",
        "",
        "| server | idle | peak during reads |",
        "|---|---:|---:|",
    ]
    idle = results.get("memory_idle_bytes", {})
    for name in ("masthead", "masthead_sqlite", "masthead_1m", "isso"):
        if name in mem:
            section.append(f"| {labels[name]} | {mib(idle.get(name))} | {mib(mem.get(name))} |")
    section += [
        "",
        "**Ratios** (also in `bench/results/latest.json`, `ratios`):",
        "",
        "| ratio | value |",
        "|---|---:|",
    ]
    for key, value in r.items():
        section.append(f"| `{key}` | {_fmt(value, 3)} |")
    section += ["", NOTES_MARK, ""]
    return {"summary": summary, "section": section}


def _isso_note(results: dict) -> list[str]:
    fp = results["first_page"]
    isso = fp.get("isso", {}).get("median", {})
    alone = results.get("first_page_one_at_a_time", {})
    if not isso:
        return []
    parts = [f"wrk counted {_fmt(isso['rps'])} req/s"]
    if isso.get("littles_law_rps"):
        parts.append(
            f"its 16 connections each waiting the median {_fmt(isso['p50_ms'] / 1000, 2)} s make"
            f" {_fmt(isso['littles_law_rps'])} req/s (Little's law)"
        )
    if alone.get("isso"):
        parts.append(
            f"one request alone takes {_fmt(alone['isso']['p50_ms'] / 1000, 2)} s, so two workers could"
            f" at best answer {_fmt(2000 / alone['isso']['p50_ms'])} req/s"
        )
    rounds = ", ".join(str(r["requests"]) for r in fp["isso"]["runs"])
    line = (
        f"Isso answers so slowly that a run of {fp['isso']['runs'][0]['seconds']} s sees only a few responses"
        f" ({rounds} in the rounds): " + "; ".join(parts) + ". `first_page_read_vs_isso` divides by the"
        f" largest, {_fmt(results['ratios'].get('isso_first_page_rps_used'))} req/s,"
        " the figure that favours Isso."
    )
    if alone.get("masthead"):
        line += f" (Masthead's first page alone: {_fmt(alone['masthead']['p50_ms'], 2)} ms.)"
    return [line, ""]


NOTES_MARK = "<!-- notes below are kept when the section is rewritten -->"


def write_doc(report: dict) -> None:
    existing = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n\n"
    summary = "\n".join(report["summary"]) + "\n"
    if SUMMARY_START in existing and SUMMARY_END in existing:
        a = existing.index(SUMMARY_START)
        b = existing.index(SUMMARY_END) + len(SUMMARY_END)
        existing = existing[:a] + summary.rstrip("\n") + existing[b:]
    else:
        first = existing.find("\n## ")
        cut = len(existing) if first == -1 else first + 1
        existing = existing[:cut].rstrip("\n") + "\n\n" + summary + "\n" + existing[cut:]
    section = "\n".join(report["section"])
    if HEADING in existing:
        start = existing.index(HEADING)
        following = existing.find("\n## ", start + len(HEADING))
        end = len(existing) if following == -1 else following + 1
        old = existing[start:end]
        notes = old.split(NOTES_MARK, 1)[1].strip("\n") if NOTES_MARK in old else ""
        new = section.rstrip("\n") + ("\n\n" + notes + "\n" if notes else "\n")
        if following != -1:
            new += "\n"
        existing = existing[:start] + new + existing[end:]
    else:
        existing = existing.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"
    DOC.write_text(existing, encoding="utf-8")


if __name__ == "__main__":
    main()
