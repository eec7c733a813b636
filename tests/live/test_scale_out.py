"""Two real server processes sharing PostgreSQL and Redis: what is posted through one reaches
a stream held open on the other, and a reconnect to either misses nothing.

Each process is `uvicorn masthead.asgi:application` in its own OS process, exactly as
deployed (docs/operations.md, "Scale-out"); they share nothing but the database and Redis.
"""

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from tests.live.sse_client import SocketStream

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql" or not settings.REDIS_URL,
    reason="needs PostgreSQL and Redis for the two processes to share: run with "
    "DATABASE_URL=postgres://… REDIS_URL=redis://… (CI's second pass does)",
)

SETUP = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from tests import factories
article = factories.article(headline="Storm hits the harbour", is_live=True)
editor = factories.reader(username="edna", role="editor")
client = Client()
client.force_login(editor)
from masthead.accounts.services import token_create
_, token = token_create(reader=factories.reader(username="rita"), name="scale-out test")
print(json.dumps({
    "slug": article.slug,
    "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
    "token": token,
}))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _admin_connection():
    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


@pytest.fixture
def shared_database():
    """A database of their own for the two servers, migrated by `masthead migrate`."""
    db = settings.DATABASES["default"]
    name = f"masthead_scaleout_{os.getpid()}"
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    auth = db["USER"] + (f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    yield f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def server_env(shared_database, tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DATABASE_URL=shared_database,
        REDIS_URL=settings.REDIS_URL,
        CACHE_KEY_PREFIX=f"scaleout{os.getpid()}",
        SECRET_KEY="scale-out-test-" + "x" * 40,  # one key: a session from A is good on B
        DEBUG="1",
        SECURE_SSL_REDIRECT="0",
        MASTHEAD_DATA_DIR=str(tmp_path),
        LIVE_HEARTBEAT_SECONDS="2",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(REPO),
        # Whatever moderation comes to require of new readers, this comment is published.
        COMMENT_MODERATION_PIPELINE="masthead.comments.moderation.PassThrough",
    )
    subprocess.run([BIN / "masthead", "migrate", "--noinput", "-v", "0"], env=env, check=True, timeout=180)
    return env


@pytest.fixture
def servers(server_env):
    """Start A and B; yield their ports; stop them."""
    started = []
    for _ in range(2):
        port = _free_port()
        process = subprocess.Popen(
            [BIN / "uvicorn", "masthead.asgi:application", "--host", "127.0.0.1", "--port", str(port)],
            env=server_env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        started.append((process, port))
    try:
        for process, port in started:
            _wait_until_up(process, port)
        yield [port for _, port in started]
    finally:
        for process, _ in started:
            process.terminate()
        for process, _ in started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_until_up(process, port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server on {port} exited: {process.stderr.read().decode()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"server on {port} did not come up")


def _post_update(port: int, slug: str, session: str, headline: str) -> float:
    """Post through the editors' form on the server at ``port``; when the post was answered."""
    path = f"/newsroom/live/{slug}/"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Cookie": f"sessionid={session}"})
    page = conn.getresponse()
    body = page.read().decode()
    assert page.status == 200, body[:500]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    csrf_cookie = re.search(r"csrftoken=([^;]+)", page.getheader("Set-Cookie") or "").group(1)
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "headline": headline, "body": f"{headline}."}
    )
    conn.request(
        "POST",
        path,
        body=form,
        headers={
            "Cookie": f"sessionid={session}; csrftoken={csrf_cookie}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    answer = conn.getresponse()
    answer.read()
    assert answer.status == 302, answer.status
    return time.monotonic()


def _post_comment(port: int, slug: str, token: str, body: str) -> tuple[dict, float]:
    """Post through the JSON API of the server at ``port``; the comment and when answered."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(
        "POST",
        f"/api/v1/articles/{slug}/comments",
        body=json.dumps({"body": body}),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    answer = conn.getresponse()
    comment = json.loads(answer.read())
    assert answer.status == 201, comment
    return comment, time.monotonic()


@pytest.fixture
def story(servers, server_env) -> dict:
    setup = subprocess.run(
        [sys.executable, "-c", SETUP],
        env={**server_env, "DJANGO_SETTINGS_MODULE": "masthead.settings"},
        cwd=REPO,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return json.loads(setup.stdout.decode().strip().splitlines()[-1])


def test_a_comment_posted_on_one_process_reaches_a_stream_on_the_other(servers, story):
    port_a, port_b = servers
    on_b = SocketStream("127.0.0.1", port_b, f"/api/v1/articles/{story['slug']}/events")
    assert on_b.next_event().event == "stream.open"

    comment, answered = _post_comment(port_a, story["slug"], story["token"], "The harbour wall held.")
    event = on_b.next_event()
    latency = time.monotonic() - answered
    assert event.event == "comment.published"
    assert event.json["id"] == comment["id"]
    assert event.json["status"] == "published"
    assert "The harbour wall held." in event.json["body_html"]
    assert latency < 1.0, f"B's reader heard of A's comment {latency:.2f}s after it was answered"
    on_b.close()


def test_an_update_posted_on_one_process_reaches_a_stream_on_the_other(servers, story):
    port_a, port_b = servers
    events_path = f"/api/v1/articles/{story['slug']}/events"

    on_b = SocketStream("127.0.0.1", port_b, events_path)
    assert on_b.status == 200
    assert on_b.headers["content-type"].startswith("text/event-stream")
    assert on_b.next_event().event == "stream.open"

    answered = _post_update(port_a, story["slug"], story["session"], "Ferries halted")
    event = on_b.next_event()
    latency = time.monotonic() - answered
    assert event.event == "story.update"
    assert event.json["headline"] == "Ferries halted"
    assert latency < 1.0, f"B's reader heard of A's post {latency:.2f}s after it was answered"
    on_b.close()  # the reader goes offline…

    _post_update(port_a, story["slug"], story["session"], "Bridge reopens")  # …meanwhile, on A
    _post_update(port_b, story["slug"], story["session"], "Trains resume")  # …and on B

    # …and comes back through A, with the id it last saw on B.
    on_a = SocketStream("127.0.0.1", port_a, events_path, headers={"Last-Event-ID": event.id})
    assert on_a.next_event().event == "stream.open"
    replayed = [on_a.next_event(), on_a.next_event()]
    assert [e.json["headline"] for e in replayed] == ["Bridge reopens", "Trains resume"]
    _post_update(port_b, story["slug"], story["session"], "All clear")
    assert on_a.next_event().json["headline"] == "All clear", "then live, from either process"
    on_a.close()
