"""Throwaway PostgreSQL, Redis and Masthead processes for the fault tests and the soak.

Never the shared instances on 5432/6379: every process here is this test's own, on a free
port on 127.0.0.1, with its data in a temporary directory, stopped (and deleted) at the end.
PostgreSQL's initdb refuses to run as root, so its processes run as the ``postgres`` user.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import redis

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def available() -> str | None:
    """Why the fault tests cannot run here (None: they can)."""
    if not (PG_BIN / "initdb").exists():
        return f"no PostgreSQL binaries in {PG_BIN} (set PG_BIN)"
    if shutil.which("redis-server") is None:
        return "no redis-server on PATH"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser (initdb refuses root)"
    return None


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


class OwnPostgres:
    """A PostgreSQL cluster of our own: ``start()``, ``restart()``, ``stop()``, ``url``."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="masthead-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        subprocess.run(
            _as_postgres(
                [str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8"]
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/masthead"

    def _ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        )
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-o", options]
        return subprocess.run(_as_postgres([*command, *args]), check=check, capture_output=True, timeout=120)

    def start(self) -> None:
        self._ctl("-w", "start")

    def create_database(self) -> None:
        subprocess.run(
            [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "masthead"],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def stop(self, mode: str = "fast") -> None:
        """``fast``: a clean shutdown; ``immediate``: as if the machine lost power (crash recovery)."""
        self._ctl("-w", "-m", mode, "stop", check=False)

    def restart(self, mode: str = "fast", down_for: float = 0.0) -> None:
        self.stop(mode)
        time.sleep(down_for)
        self.start()

    def query(self, sql: str) -> list[list[str]]:
        done = subprocess.run(
            [str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             "-d", "masthead", "-At", "-F", "\t", "-c", sql],
            check=True, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        return [line.split("\t") for line in done.stdout.splitlines() if line]

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


class OwnRedis:
    """A redis-server of our own, without persistence: ``start()``, ``stop()``, ``url``.
    ``stop()`` loses everything, as a restart without persistence does; with a ``dir``,
    ``stop(keep_data=True)`` saves there first, so it comes back as it was (an outage that
    is only a lost connection)."""

    def __init__(self, dir: Path | None = None) -> None:
        self.port = free_port()
        self.dir = dir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        argv = [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        if self.dir is not None:
            argv += ["--dir", str(self.dir), "--dbfilename", "dump.rdb"]
        self.process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)

    def stop(self, *, keep_data: bool = False) -> None:
        if self.process is None:
            return
        if keep_data:
            with contextlib.suppress(redis.ConnectionError):  # it hangs up as it goes
                redis.Redis.from_url(self.url).shutdown(save=True)
        else:
            self.process.terminate()
            if self.dir is not None:
                (self.dir / "dump.rdb").unlink(missing_ok=True)
        self.process.wait(timeout=10)
        self.process = None


class Masthead:
    """The app as production runs it: ``masthead migrate``, then uvicorn with N workers,
    ``DEBUG=0`` with the plain-HTTP switches (docs/operations.md, "Plain HTTP, on purpose")."""

    def __init__(self, *, data_dir: Path, env: dict[str, str], workers: int = 2) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.workers = workers
        self.process: subprocess.Popen | None = None
        self.log_path = data_dir.with_name(data_dir.name + "-server.log")  # beside, not in, the data dir
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(data_dir),
            "LANG": "C.UTF-8",
            "DEBUG": "0",
            "SECRET_KEY": "reliability-" + "k" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": f"http://127.0.0.1:{self.port}",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "MASTHEAD_DATA_DIR": str(data_dir),
            "MASTHEAD_COMMENT_RATE_LIMIT": "100000/m",
            "MASTHEAD_COMMENT_REACTION_RATE_LIMIT": "100000/m",
            "COMMUNITY_FOLLOW_RATE_LIMIT": "100000/m",
            "LIVE_HEARTBEAT_SECONDS": "1",
            "LIVE_RETRY_MS": "200",
            "LOG_LEVEL": "WARNING",
            **env,
        }

    def manage(self, *args: str, timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [PYTHON, "-m", "masthead", *args],
            env=self.env,
            cwd=self.data_dir,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=check,
        )

    def python(self, code: str, timeout: float = 300):
        """Run ``code`` inside the app's settings (``masthead shell``); its last line of output, as JSON."""
        done = self.manage("shell", "-c", code, timeout=timeout)
        return json.loads(done.stdout.strip().splitlines()[-1])

    def prepare(self, *, static: bool = True) -> None:
        self.manage("migrate", "--noinput")
        if static:
            self.manage("collectstatic", "--noinput", "--verbosity", "0")

    def start(self, *, user: str | None = None, preexec_fn=None) -> None:
        command = [
            PYTHON, "-m", "uvicorn", "masthead.asgi:application", "--host", "127.0.0.1",
            "--port", str(self.port), "--workers", str(self.workers), "--no-access-log",
            "--timeout-graceful-shutdown", "2",
        ]  # fmt: skip
        if user is not None:
            command = ["runuser", "-u", user, "--", *command]
        self.log = open(self.log_path, "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            command,
            env=self.env,
            cwd=self.data_dir,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=preexec_fn,
        )
        wait_for_port(self.port, timeout=60)
        self.wait_ready(timeout=60)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str, timeout: float = 10) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url(path), timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def wait_ready(self, timeout: float = 30) -> float:
        """Seconds until /readyz says 200."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            with contextlib.suppress(OSError):
                if self.get("/readyz", timeout=2)[0] == 200:
                    return time.monotonic() - started
            time.sleep(0.1)
        raise TimeoutError(f"/readyz not 200 after {timeout}s")

    def pids(self) -> list[int]:
        """The uvicorn supervisor and its workers."""
        if self.process is None:
            return []
        found = [self.process.pid]
        with contextlib.suppress(FileNotFoundError, subprocess.CalledProcessError):
            out = subprocess.run(
                ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
            ).stdout
            found += [int(p) for p in out.split()]
        return found

    def stop(self) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
            self.process = None
            self.log.close()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]
