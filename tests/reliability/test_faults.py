"""Faults under load, against the production-like setup: uvicorn workers, our own PostgreSQL
and Redis (tests/reliability/servers.py; never the shared ones).

- PostgreSQL is killed (``pg_ctl stop -m immediate``: a crash, then recovery) in the middle
  of a sustained comment load by many readers who send Idempotency-Keys and retry: every
  comment answered 2xx exists afterwards, none twice, and /readyz is 503 while the database
  is down and 200 within seconds of its return.
- Redis is stopped and started during load: pages, posting and polling keep working; a
  live reader (reconnecting with Last-Event-ID) gets every event published before, during
  and after the outage exactly once, in id order.
- A task worker is killed (SIGKILL) in the middle of a fan-out to 4,000 followers: the next
  worker runs the task again, and every follower is told, and emailed, exactly once.

Marked ``faults``: each test takes 20-60 s. They run on CI's first (SQLite) pass only (the
processes they start bring their own PostgreSQL, so the second pass would only repeat
them), or anywhere with ``RELIABILITY_FAULTS=1``; ``-m "not faults"`` leaves them out.
"""

import json
import os
import re
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
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
            # Connections as docs/operations.md advises under uvicorn: a pool per worker.
            "DATABASE_POOL": "1",
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
        self.answers: list[int | str] = []  # each connection's status, or what broke it

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
                    self.answers.append(response.status)
                    self._read(response)
            except urllib.error.HTTPError as exc:
                self.answers.append(exc.code)
            except OSError as exc:
                self.answers.append(type(exc).__name__)
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


def _id_key(event_id: str) -> tuple[int, int]:
    ms, _, seq = event_id.partition("-")
    return int(ms), int(seq or 0)


def test_redis_outage_keeps_pages_and_posting_up_and_live_readers_catch_up(running, redis_server):
    app = running
    slug = app.world["slug"]
    statuses: list[tuple[str, float, int | None]] = []
    latencies: list[float] = []
    stop = time.monotonic() + 21
    reader = LiveReader(app, slug, until=stop + 8)
    reader.start()
    log_from = app.log_path.stat().st_size
    time.sleep(1)
    polls: list[tuple[float, int | None]] = []

    def poller() -> None:  # a page that fell back to polling
        after = f"{int(time.time() * 1000)}-0"
        while time.monotonic() < stop:
            sent = time.monotonic()
            try:
                status, body = app.get(f"/api/v1/articles/{slug}/events/poll?after={after}", timeout=10)
                after = json.loads(body)["last_event_id"] if status == 200 else after
            except OSError:
                status = None
            polls.append((sent, status))
            time.sleep(0.2)

    poll_thread = threading.Thread(target=poller)
    poll_thread.start()

    paths = ("/", f"/articles/{slug}/", f"/api/v1/articles/{slug}/comments")

    def pages(path: str) -> None:
        while time.monotonic() < stop:
            sent = time.monotonic()
            try:
                status = app.get(path, timeout=10)[0]
            except OSError:
                status = None
            statuses.append((path, sent, status))
            latencies.append(time.monotonic() - sent)
            time.sleep(0.05)

    page_threads = [threading.Thread(target=pages, args=(path,)) for path in paths]
    for thread in page_threads:
        thread.start()

    def outage() -> dict:
        # Once the live reader has had a few comments (at least 3 s in, at most 6 s: a busy
        # machine answers the first posts slowly). Down for 3 s, or until every page and the
        # poll have been asked for while it was (at most 10 s: on a loaded machine a page can
        # take seconds). Redis comes back empty.
        began = time.monotonic()
        while time.monotonic() - began < 6 and (time.monotonic() - began < 3 or len(reader.events) < 5):
            time.sleep(0.1)
        redis_server.stop()
        started = time.monotonic()
        while time.monotonic() - started < 10:
            asked = {p for p, t, _ in statuses if t >= started} | {"poll" for t, _ in polls if t >= started}
            if time.monotonic() - started >= 3 and len(asked) == len(paths) + 1:
                break
            time.sleep(0.1)
        redis_server.start()
        return {"down": (started, time.monotonic())}

    outcomes, report = _load(app, seconds=20, writers=4, during=outage)
    for thread in page_threads:
        thread.join(timeout=60)
    poll_thread.join(timeout=60)
    reader.join(timeout=30)
    down_from, down_to = report["down"]
    polls_during = [s for t, s in polls if down_from <= t <= down_to]
    during = [(p, s) for p, t, s in statuses if down_from <= t <= down_to]
    failed_pages = [(p, s) for p, _, s in statuses if s != 200]
    failed_posts = [o for o in outcomes if o.status != 201 or len(o.attempts) > 1]
    print(
        f"\n{len(statuses)} page requests ({len(during)} while Redis was down), {len(polls)} polls "
        f"({len(polls_during)} while down), {len(outcomes)} comments, "
        f"live reader: {len(reader.events)} events, {reader.reconnects} connections "
        f"{dict(Counter(reader.answers))}; "
        f"slowest page {max(latencies):.2f}s"
    )
    assert len({p for p, _ in during}) == 3, "not every page was requested while Redis was down"
    assert failed_pages == [], failed_pages[:10]
    assert polls_during and all(s == 200 for _, s in polls), [s for _, s in polls if s != 200]
    assert failed_posts == [], [(o.body, o.attempts) for o in failed_posts][:10]
    assert not [a for a in reader.answers if a != 200], "every (re)connection of the live reader was a 200"
    # Every comment published reached the live reader once, in id order: before Redis went
    # away, while it was away (held in the database and sent when it came back) and after.
    published = [
        (event_id, data["id"]) for event_id, kind, data in reader.events if kind == "comment.published"
    ]
    seen = [comment_id for _, comment_id in published]
    ids = [_id_key(event_id) for event_id, _ in published]
    assert len(seen) == len(set(seen)), "an event was delivered twice"
    assert ids == sorted(ids) and len(set(ids)) == len(ids), "ids went backwards"
    acknowledged = {o.comment_id for o in outcomes if o.status == 201}
    before = {o.comment_id for o in outcomes if o.status == 201 and o.at < down_from}
    down = {o.comment_id for o in outcomes if o.status == 201 and down_from <= o.at <= down_to}
    after = acknowledged - before - down
    server_log = app.log_path.read_bytes()[log_from:].decode(errors="replace")
    held = sum(int(n) for n in re.findall(r"sent (\d+) events held while Redis was away", server_log))
    print(
        f"comments answered 201: {len(before)} before the outage, {len(down)} while Redis was down, "
        f"{len(after)} after; {held} events held and sent once Redis was back; "
        f"the live reader missed {len(acknowledged - set(seen))}"
    )
    assert before and down and after, "no comment before, during or after the outage"
    # The one loss we accept (docs/live.md, "Redis outages"): an event Redis had taken in
    # the last instant before it stopped, not yet read out to the streams, goes with it when
    # it comes back empty (no persistence). Only comments answered in the second before the
    # stop may be missing; everything published while it was down or after must arrive.
    missed = acknowledged - set(seen)
    in_the_last_instant = {
        o.comment_id for o in outcomes if o.status == 201 and down_from - 1 <= o.at < down_from
    }
    assert missed <= in_the_last_instant, f"missed: {sorted(missed)}"
    assert set(seen) <= acknowledged
    assert held >= len(down), "the events of the outage were not held (was Redis really down?)"


# --- A task worker killed in the middle of a task.

FOLLOWERS = """
import json
from allauth.account.models import EmailAddress
from masthead.accounts.models import Reader
from masthead.accounts.services import reader_create, token_create
from masthead.community.models import Follow, NotificationSetting
author = reader_create(username="followed_author", email="followed_author@example.org", password=None,
                       email_verified=True)
fans = Reader.objects.bulk_create(
    [Reader(username=f"fan{n}", email=f"fan{n}@example.org", password="!") for n in range(FANS)]
)
Follow.objects.bulk_create([Follow(follower=fan, followed=author) for fan in fans])
# Some fans want an email at once: the fan-out queues emails too, and none may go twice.
EmailAddress.objects.bulk_create(
    [EmailAddress(user=fan, email=fan.email, verified=True, primary=True) for fan in fans[:EMAILED]]
)
NotificationSetting.objects.bulk_create(
    [NotificationSetting(reader=fan, kind="followed_reader_commented", channel="email_now")
     for fan in fans[:EMAILED]]
)
print(json.dumps({"token": token_create(reader=author, name="load")[1]}))
"""


def _task_worker(app, log):
    return servers.subprocess.Popen(
        [servers.PYTHON, "-m", "masthead", "db_worker", "--interval", "0.2", "--queue-name", "*"],
        env={**app.env, "COMMUNITY_FANOUT_BATCH_SIZE": "10000", "LOG_LEVEL": "INFO"},
        cwd=app.data_dir,
        stdout=log,
        stderr=servers.subprocess.STDOUT,
    )


def _fan_out_tasks(postgres, comment_id: int) -> list[tuple[str, int]]:
    """The status of each notify_followers task for the comment (the tests before this one
    leave theirs in the queue), and how many workers claimed it."""
    kwarg = "(args_kwargs->'kwargs'->>'comment_id')::bigint"
    where = f"task_path LIKE '%.notify_followers' AND {kwarg} = {int(comment_id)}"
    rows = postgres.query("SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE " + where)  # noqa: S608
    return [(status, len(json.loads(workers))) for status, workers in rows]


def _mail_to(mail_dir: Path) -> list[str]:
    """The recipient of every message the file mailer wrote (one file per connection)."""
    found = []
    for path in sorted(mail_dir.glob("*.log")):
        found += [line[4:].strip() for line in path.read_text().splitlines() if line.startswith("To: ")]
    return found


def test_a_worker_killed_mid_task_runs_it_again_and_its_effect_happens_once(running, postgres):
    app = running
    fans, emailed = 4000, 300
    world = app.python(FOLLOWERS.replace("EMAILED", str(emailed)).replace("FANS", str(fans)))
    outcome = Outcome(body="Followers, this one is for you.", key=uuid.uuid4().hex)
    _post(app, world["token"], app.world["slug"], outcome)
    assert outcome.status == 201
    where = f"comment_id = {int(outcome.comment_id)} AND kind = 'followed_reader_commented'"
    count_sql = "SELECT count(*), count(DISTINCT recipient_id) FROM community_notification WHERE " + where  # noqa: S608
    log = open(app.data_dir.with_name(app.data_dir.name + "-worker.log"), "ab")  # noqa: SIM115
    worker = _task_worker(app, log)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # the fan-out to 4,000 followers has begun
            if ("RUNNING", 1) in _fan_out_tasks(postgres, outcome.comment_id):
                break
            time.sleep(0.02)
        worker.kill()  # SIGKILL: no cleanup, as when a machine dies or the OOM killer strikes
        worker.wait(timeout=10)
        killed = _fan_out_tasks(postgres, outcome.comment_id)
        told_before = int(postgres.query(count_sql)[0][0])
        assert killed == [("RUNNING", 1)], "the kill missed the fan-out: the test proved nothing"

        restarted = time.monotonic()
        worker = _task_worker(app, log)  # the supervisor starts another, on the same machine
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            total, distinct = (int(x) for x in postgres.query(count_sql)[0])
            if total >= fans:
                break
            time.sleep(0.1)
        told_after = time.monotonic() - restarted
        assert (total, distinct) == (fans, fans)  # every follower told, once

        mail_dir = app.data_dir / "mail"
        expected = {f"fan{n}@example.org" for n in range(emailed)}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not expected <= set(_mail_to(mail_dir)):
            time.sleep(0.2)
        time.sleep(2)  # any second copy would have been sent by now
        sent = [to for to in _mail_to(mail_dir) if to in expected]
        print(
            f"\nfan-out killed while RUNNING ({told_before} of {fans} told before the kill); after a new "
            f"worker started: all {fans} told once in {told_after:.2f}s, {len(sent)} emails for {emailed} "
            f"email_now fans; fan-out task (status, claims): {_fan_out_tasks(postgres, outcome.comment_id)}"
        )
        assert sorted(sent) == sorted(expected)  # every email sent, none twice
        assert _fan_out_tasks(postgres, outcome.comment_id) == [
            ("SUCCESSFUL", 2)
        ]  # run again, by the new worker
    finally:
        worker.kill()
        worker.wait(timeout=10)
        log.close()
