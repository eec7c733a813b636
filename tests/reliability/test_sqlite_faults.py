"""The SQLite default when the disk says no: a read-only disk, a full disk.

The app runs as production does (uvicorn, DEBUG=0) on SQLite in its data dir, which is a
small tmpfs of its own: remounted read-only, or filled up, underneath the running app.
Each failed write must be a clear error (the API's error shape, the site's error page, no
traceback or SQL), and once the disk is writable again the database is intact
(``PRAGMA integrity_check``) and holds exactly the comments that were answered 201.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.reliability import servers
from tests.reliability.test_faults import SETUP


def _mount(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["mount", *args], capture_output=True, text=True, check=False, timeout=30)


def _why_not() -> str | None:
    if os.geteuid() != 0:
        return "needs root, to mount a small tmpfs as the data dir"
    probe = Path(tempfile.mkdtemp(prefix="masthead-mount-probe-"))
    try:
        if _mount("-t", "tmpfs", "-o", "size=1m", "tmpfs", str(probe)).returncode != 0:
            return "cannot mount a tmpfs here"
        subprocess.run(["umount", str(probe)], check=False, timeout=30)
    finally:
        shutil.rmtree(probe, ignore_errors=True)
    return None


WHY_NOT = _why_not()
pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(WHY_NOT is not None, reason=WHY_NOT or ""),
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres")
        and os.environ.get("RELIABILITY_FAULTS") != "1",
        reason="runs on CI's SQLite pass, or with RELIABILITY_FAULTS=1",
    ),
]


@pytest.fixture
def sqlite_app(request):
    """The app on SQLite in a data dir of its own: a small tmpfs (``tmpfs`` marker: a disk
    that can fill), or a directory on the ordinary disk (whose files chattr can freeze)."""
    tmpfs = request.node.get_closest_marker("tmpfs") is not None
    root = Path(tempfile.mkdtemp(prefix="masthead-sqlite-"))
    if tmpfs:
        assert _mount("-t", "tmpfs", "-o", "size=128m", "tmpfs", str(root)).returncode == 0
    app = servers.Masthead(
        data_dir=root,
        env={"COMMENT_MODERATION_PIPELINE": "masthead.comments.moderation.PassThrough"},
        workers=1,
    )
    app.prepare(static=True)
    app.world = app.python(SETUP.replace("READERS", "1"))
    yield app
    app.stop()
    if tmpfs:
        subprocess.run(["umount", "-l", str(root)], check=False, timeout=30)
    else:
        _immutable(app, False)
    shutil.rmtree(root, ignore_errors=True)


def _post(app, body: str) -> tuple[int, dict | str]:
    request = urllib.request.Request(
        app.url(f"/api/v1/articles/{app.world['slug']}/comments"),
        data=json.dumps({"body": body}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {app.world['tokens'][0]}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        text = exc.read().decode(errors="replace")
        try:
            return exc.code, json.loads(text)
        except ValueError:
            return exc.code, text


def _db(app) -> Path:
    return app.data_dir / "masthead.sqlite3"


def _check(app, acknowledged: list[str]) -> None:
    with sqlite3.connect(_db(app)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = [row[0] for row in db.execute("SELECT body FROM comments_comment ORDER BY id")]
    assert stored == [body.strip() for body in acknowledged]


def _immutable(app, on: bool) -> None:
    # (Not the -shm index: it stays mapped by the readers, and chattr refuses a mapped file.)
    paths = [app.data_dir / "masthead.sqlite3", app.data_dir / "masthead.sqlite3-wal", app.data_dir]
    paths = [p for p in paths if p.exists()]
    flag = "+i" if on else "-i"
    for path in paths if on else reversed(paths):
        for _ in range(5):
            done = subprocess.run(["chattr", flag, str(path)], capture_output=True, text=True, timeout=30)
            if done.returncode == 0 or not on or not path.exists():  # (a checkpoint may remove the WAL)
                break
            time.sleep(0.2)  # the server may be writing the file at that instant
        else:
            raise AssertionError(f"chattr {flag} {path}: {done.stderr.strip()}")


def _clear_failure(status: int, body) -> None:
    assert status >= 500, (status, body)
    assert isinstance(body, dict) and set(body) == {"error"}, body
    assert "Traceback" not in json.dumps(body) and "sqlite" not in json.dumps(body).lower()


def test_a_read_only_database_gives_a_clear_error_and_no_corruption(sqlite_app):
    app = sqlite_app
    app.start()
    acknowledged = []
    status, body = _post(app, "Before the disk went read-only.")
    assert status == 201, body
    acknowledged.append("Before the disk went read-only.")
    # (A remount read-only is refused while the app holds files open for writing: make the
    # files and the directory immutable instead, which even root cannot write through.)
    _immutable(app, True)
    for n in range(3):
        status, body = _post(app, f"While read-only {n}.")
        _clear_failure(status, body)
    page_status, page = app.get(f"/articles/{app.world['slug']}/")
    assert page_status in (200, 500), page_status
    if page_status == 500:
        assert b"Traceback" not in page and b"went wrong" in page.lower()
    assert app.get("/readyz")[0] in (200, 503)
    app.stop()
    _immutable(app, False)
    app.start()
    status, body = _post(app, "After the disk came back.")
    assert status == 201, body
    acknowledged.append("After the disk came back.")
    app.stop()
    _check(app, acknowledged)


@pytest.mark.tmpfs
def test_a_full_disk_gives_a_clear_error_and_no_corruption(sqlite_app):
    app = sqlite_app
    app.start()
    filler = app.data_dir / "filler"
    free = shutil.disk_usage(app.data_dir).free
    with open(filler, "wb") as out:  # leave about 200 KB
        out.truncate(0)
        out.write(b"\0" * max(0, free - 200 * 1024))
    acknowledged, failures = [], []
    for n in range(400):
        body = f"Filling the disk, comment {n}: " + "the harbour baths " * 50
        status, answer = _post(app, body)
        if status == 201:
            acknowledged.append(body)
        else:
            _clear_failure(status, answer)
            failures.append(status)
            if len(failures) >= 3:
                break
    assert failures, "the disk never filled: the test proved nothing"
    assert app.get("/healthz")[0] == 200
    app.stop()
    filler.unlink()  # room again
    app.start()
    status, body = _post(app, "After the disk was cleared.")
    assert status == 201, body
    acknowledged.append("After the disk was cleared.")
    app.stop()
    _check(app, acknowledged)
