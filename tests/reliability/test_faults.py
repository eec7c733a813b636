"""Faults under load, against the production-like setup: uvicorn workers, our own PostgreSQL
and Redis (tests/reliability/servers.py; never the shared ones).

- PostgreSQL is killed (``pg_ctl stop -m immediate``: a crash, then recovery) in the middle
  of a sustained comment load by many readers who send Idempotency-Keys and retry: every
  comment answered 2xx exists afterwards, none twice, and /readyz is 503 while the database
  is down and 200 within seconds of its return.
- Redis is stopped and started during load: pages and posting keep working; a live reader
  reconnecting with Last-Event-ID misses no event published while it was connected.

Marked ``faults``: each test takes 20-60 s. They run on CI's first (SQLite) pass only (the
processes they start bring their own PostgreSQL, so the second pass would only repeat
them), or anywhere with ``RELIABILITY_FAULTS=1``; ``-m "not faults"`` leaves them out.
"""

import json
import os
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.reliability import servers

WHY_NOT = servers.available()


def _wanted() -> bool:
    if os.environ.get("RELIABILITY_FAULTS") == "1":
        return True
    return not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(WHY_NOT is not None, reason=WHY_NOT or ""),
    pytest.mark.skipif(not _wanted(), reason="runs on CI's SQLite pass, or with RELIABILITY_FAULTS=1"),
]

SETUP = """
import json
from masthead.accounts.services import reader_create, token_create
from masthead.newsroom.models import Article, Section
from masthead.newsroom import services
from django.utils import timezone
section, _ = Section.objects.get_or_create(slug="news", defaults={"name": "News"})
article = Article(headline="Harbour baths reopen", slug="harbour-baths-reopen", standfirst="At last.",
                  section=section, body="The baths are open.", status=Article.Status.PUBLISHED,
                  published_at=timezone.now())
services.article_save(article=article, actor=None)
tokens = []
for n in range(READERS):
    reader = reader_create(username=f"loadreader{n}", email=f"loadreader{n}@example.org",
                           password=None, email_verified=True)
    tokens.append(token_create(reader=reader, name="load")[1])
print(json.dumps({"slug": article.slug, "tokens": tokens}))
"""


@pytest.fixture(scope="module")
def postgres():
    pg = servers.OwnPostgres()
    pg.start()
    pg.create_database()
    yield pg
    pg.destroy()


@pytest.fixture(scope="module")
def redis_server():
    redis = servers.OwnRedis()
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture(scope="module")
def app(postgres, redis_server, tmp_path_factory):
    """Masthead on our PostgreSQL and Redis, with 12 readers and a story; restarted for
    each test by ``running``."""
    data_dir: Path = tmp_path_factory.mktemp("faults")
    masthead = servers.Masthead(
        data_dir=data_dir,
        env={
            "DATABASE_URL": postgres.url,
            "REDIS_URL": redis_server.url,
            "CACHE_KEY_PREFIX": "faults",
            # The load readers are brand new: the moderation pipeline would hold their first
            # comments for a moderator, and only published comments reach live readers.
            "COMMENT_MODERATION_PIPELINE": "masthead.comments.moderation.PassThrough",
        },
    )
    masthead.prepare()
    masthead.world = masthead.python(SETUP.replace("READERS", "12"))
    return masthead


@pytest.fixture
def running(app):
    app.start()
    yield app
    app.stop()


# --- A client that posts and retries, as the contract tells clients to.


@dataclass
class Outcome:
    body: str
    key: str
    status: int | None = None
    comment_id: int | None = None
    attempts: list[str] = field(default_factory=list)
    at: float = 0.0  # when the answer came


def _post(app, token: str, slug: str, outcome: Outcome, timeout: float = 10) -> None:
    request = urllib.request.Request(
        app.url(f"/api/v1/articles/{slug}/comments"),
        data=json.dumps({"body": outcome.body}).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": outcome.key,
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            outcome.status = response.status
            outcome.comment_id = json.loads(response.read())["id"]
            outcome.at = time.monotonic()
    except urllib.error.HTTPError as exc:
        outcome.status = exc.code
        exc.read()
    except OSError as exc:  # refused, reset, timed out: no answer at all
        outcome.status = None
        outcome.attempts.append(type(exc).__name__)
        return
    outcome.attempts.append(str(outcome.status))


def _writer(app, token: str, slug: str, name: str, until: float, give_up: float, out: list[Outcome]) -> None:
    n = 0
    while time.monotonic() < until:
        outcome = Outcome(body=f"Load comment {name}-{n}: the baths matter.", key=uuid.uuid4().hex)
        out.append(outcome)
        while time.monotonic() < give_up:
            _post(app, token, slug, outcome)
            if outcome.status is not None and outcome.status < 500 and outcome.status != 429:
                break
            time.sleep(0.2)  # 5xx, 429 or no answer: retry with the same key
        n += 1
        time.sleep(0.02)


def _load(app, seconds: float, writers: int, during) -> tuple[list[Outcome], dict]:
    world = app.world
    outcomes: list[list[Outcome]] = [[] for _ in range(writers)]
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=_writer,
            args=(app, world["tokens"][n], world["slug"], f"w{n}", until, until + 30, outcomes[n]),
        )
        for n in range(writers)
    ]
    for thread in threads:
        thread.start()
    report = during()
    for thread in threads:
        thread.join(timeout=90)
    return [o for per in outcomes for o in per], report


def test_postgresql_crash_mid_load_loses_nothing_and_duplicates_nothing(running, postgres):
    app = running

    def crash_postgres() -> dict:
        time.sleep(3)
        postgres.stop("immediate")
        down = time.monotonic()
        readyz_while_down = app.get("/readyz", timeout=5)[0]
        time.sleep(max(0.0, 2 - (time.monotonic() - down)))
        postgres.start()
        back = time.monotonic()
        return {
            "readyz_while_down": readyz_while_down,
            "ready_after": app.wait_ready(timeout=30),
            "back": back,
        }

    outcomes, report = _load(app, seconds=10, writers=8, during=crash_postgres)
    acknowledged = {o.comment_id: o for o in outcomes if o.status == 201}
    rows = postgres.query(
        "SELECT c.id, c.body FROM comments_comment c JOIN newsroom_article a ON a.id = c.article_id "
        "WHERE a.slug = 'harbour-baths-reopen'"
    )
    stored = {int(i): body for i, body in rows}
    bodies = [body for _, body in rows]
    retried = [o for o in outcomes if len(o.attempts) > 1]
    print(
        f"\n{len(outcomes)} comments sent, {len(acknowledged)} acknowledged, {len(retried)} needed retries, "
        f"readyz 200 {report['ready_after']:.2f}s after PostgreSQL was back"
    )
    assert report["readyz_while_down"] == 503
    assert report["ready_after"] < 5, report
    assert len(retried) > 0, "the crash did not hit any request: the test proved nothing"
    # Every 2xx is a stored comment, with the body that was sent.
    assert all(stored.get(cid) == o.body for cid, o in acknowledged.items())
    # None twice, though requests were retried across the crash.
    assert len(bodies) == len(set(bodies)), [b for b in bodies if bodies.count(b) > 1][:5]
    # Every comment got its answer in the end (the clients retried until it came).
    assert [o for o in outcomes if o.status != 201] == []


# --- Redis stopped and started under load, with a live reader.


class LiveReader(threading.Thread):
    """An EventSource, written out: reads /events, and on any break reconnects with the
    last id it saw in Last-Event-ID (as browsers do)."""

    def __init__(self, app, slug: str, until: float) -> None:
        super().__init__(daemon=True)
        self.app, self.slug, self.until = app, slug, until
        self.events: list[tuple[str, str, dict]] = []
        self.reconnects = 0
        self.last_id: str | None = None

    def run(self) -> None:
        while time.monotonic() < self.until:
            headers = {"Accept": "text/event-stream"}
            if self.last_id:
                headers["Last-Event-ID"] = self.last_id
            request = urllib.request.Request(
                self.app.url(f"/api/v1/articles/{self.slug}/events"), headers=headers
            )
            try:
                with urllib.request.urlopen(request, timeout=3) as response:
                    self._read(response)
            except (OSError, urllib.error.HTTPError):
                pass
            self.reconnects += 1
            time.sleep(0.2)

    def _read(self, response) -> None:
        event_id = event_type = None
        data: list[str] = []
        while time.monotonic() < self.until:
            line = response.readline()
            if not line:
                return
            line = line.decode().rstrip("\n")
            if line.startswith("id:"):
                event_id = line[3:].strip()
            elif line.startswith("event:"):
                event_type = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())
            elif line == "":
                if event_type and event_type.startswith("comment."):
                    self.events.append((event_id, event_type, json.loads("\n".join(data))))
                if event_id:
                    self.last_id = event_id
                event_id = event_type = None
                data = []


def test_redis_outage_keeps_pages_and_posting_up_and_live_readers_catch_up(running, redis_server):
    app = running
    slug = app.world["slug"]
    statuses: list[tuple[str, float, int | None]] = []
    latencies: list[float] = []
    stop = time.monotonic() + 16
    reader = LiveReader(app, slug, until=stop + 5)
    reader.start()
    time.sleep(1)

    def pages() -> None:
        while time.monotonic() < stop:
            for path in ("/", f"/articles/{slug}/", f"/api/v1/articles/{slug}/comments"):
                sent = time.monotonic()
                try:
                    status = app.get(path, timeout=10)[0]
                except OSError:
                    status = None
                statuses.append((path, sent, status))
                latencies.append(time.monotonic() - sent)
            time.sleep(0.05)

    page_thread = threading.Thread(target=pages)
    page_thread.start()

    def outage() -> dict:
        time.sleep(3)
        redis_server.stop()
        started = time.monotonic()
        time.sleep(3)
        redis_server.start()
        return {"down": (started, time.monotonic())}

    outcomes, report = _load(app, seconds=15, writers=4, during=outage)
    page_thread.join(timeout=60)
    reader.join(timeout=30)
    down_from, down_to = report["down"]
    during = [(p, s) for p, t, s in statuses if down_from <= t <= down_to]
    failed_pages = [(p, s) for p, _, s in statuses if s != 200]
    failed_posts = [o for o in outcomes if o.status != 201 or len(o.attempts) > 1]
    print(
        f"\n{len(statuses)} page requests ({len(during)} while Redis was down), {len(outcomes)} comments, "
        f"live reader: {len(reader.events)} events, {reader.reconnects} reconnects; "
        f"slowest page {max(latencies):.2f}s"
    )
    assert len({p for p, _ in during}) == 3, "not every page was requested while Redis was down"
    assert failed_pages == [], failed_pages[:10]
    assert failed_posts == [], [(o.body, o.attempts) for o in failed_posts][:10]
    # Every comment published while Redis was up reached the live reader, once, though Redis
    # went away under its stream. Not guaranteed (docs/reliability.md, "Known gaps"): events
    # published while Redis was down (the replay log lives in Redis), and for a few seconds
    # after it returns, while a process's reader is still backing off.
    seen = [data["id"] for _, kind, data in reader.events if kind == "comment.published"]
    assert len(seen) == len(set(seen)), "an event was delivered twice"
    before = {o.comment_id for o in outcomes if o.status == 201 and o.at < down_from - 0.5}
    settled = {o.comment_id for o in outcomes if o.status == 201 and down_to + 6 < o.at < stop}
    gap = {o.comment_id for o in outcomes if o.status == 201} - before - settled
    print(f"missed in the gap: {len(gap - set(seen))} of {len(gap)}")
    assert before and settled, "no comment was published before or well after the outage"
    assert before <= set(seen), f"missed before the outage: {sorted(before - set(seen))}"
    assert settled <= set(seen), f"missed after the outage: {sorted(settled - set(seen))}"


# --- A task worker killed in the middle of a task.

FOLLOWERS = """
import json
from masthead.accounts.models import Reader
from masthead.accounts.services import reader_create, token_create
from masthead.community.models import Follow
author = reader_create(username="followed_author", email="followed_author@example.org", password=None,
                       email_verified=True)
fans = Reader.objects.bulk_create(
    [Reader(username=f"fan{n}", email=f"fan{n}@example.org", password="!") for n in range(FANS)]
)
Follow.objects.bulk_create([Follow(follower=fan, followed=author) for fan in fans])
print(json.dumps({"token": token_create(reader=author, name="load")[1]}))
"""


def _task_worker(app):
    return servers.subprocess.Popen(
        [servers.PYTHON, "-m", "masthead", "db_worker", "--interval", "0.2", "--queue-name", "*"],
        env={**app.env, "COMMUNITY_FANOUT_BATCH_SIZE": "4000"},
        cwd=app.data_dir,
        stdout=servers.subprocess.DEVNULL,
        stderr=servers.subprocess.DEVNULL,
    )


@pytest.mark.xfail(
    reason="django-tasks-db never runs again a task whose worker died (it stays RUNNING): "
    "docs/reliability.md, Known gaps",
    strict=False,
)
def test_a_worker_killed_mid_task_runs_it_again_and_its_effect_happens_once(running, postgres):
    app = running
    fans = 4000
    world = app.python(FOLLOWERS.replace("FANS", str(fans)))
    outcome = Outcome(body="Followers, this one is for you.", key=uuid.uuid4().hex)
    _post(app, world["token"], app.world["slug"], outcome)
    assert outcome.status == 201
    worker = _task_worker(app)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # the fan-out to 4,000 followers has begun
            running_tasks = postgres.query(
                "SELECT count(*) FROM django_tasks_db_dbtaskresult "
                "WHERE task_path LIKE '%notify_followers' AND status = 'RUNNING'"
            )
            if int(running_tasks[0][0]):
                break
            time.sleep(0.05)
        worker.kill()  # SIGKILL: no cleanup, as when a machine dies
        worker.wait(timeout=10)
        worker = _task_worker(app)  # the supervisor starts another
        where = f"comment_id = {int(outcome.comment_id)} AND kind = 'followed_reader_commented'"
        sql = "SELECT count(*), count(DISTINCT recipient_id) FROM community_notification WHERE " + where  # noqa: S608
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            total, distinct = (int(x) for x in postgres.query(sql)[0])
            if total >= fans:
                break
            time.sleep(0.5)
        assert (total, distinct) == (fans, fans)  # every follower told, once
    finally:
        worker.kill()
        worker.wait(timeout=10)
