"""Servers for the side-by-side benchmark: started in process groups of their own on free
127.0.0.1 ports, stopped on exit whatever happens (atexit and SIGINT/SIGTERM), and their
memory sampled from /proc (resident set of every process in the group, summed)."""

import atexit
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

_running: list["Server"] = []


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(
        self, name: str, argv: list[str], *, env: dict | None = None, cwd=None, log: Path, port: int
    ):
        self.name, self.argv, self.env, self.cwd, self.log, self.port = name, argv, env, cwd, log, port
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_path: str = "/", timeout: float = 90.0, ok=(200,)) -> "Server":
        self.log.parent.mkdir(parents=True, exist_ok=True)
        out = open(self.log, "ab")  # noqa: SIM115 (kept open for the child's lifetime)
        self.proc = subprocess.Popen(  # noqa: S603
            self.argv,
            env=self.env,
            cwd=self.cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        out.close()
        _running.append(self)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited at start (code {self.proc.returncode}); see {self.log}"
                )
            try:
                with urllib.request.urlopen(self.url + ready_path, timeout=5) as response:  # noqa: S310
                    if response.status in ok:
                        return self
            except urllib.error.HTTPError as exc:
                if exc.code in ok:
                    return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.name} not ready after {timeout:.0f} s; see {self.log}")
            time.sleep(0.3)

    def pids(self) -> list[int]:
        """Every process in the server's group (master, workers, helpers)."""
        if self.proc is None or self.proc.poll() is not None:
            return []
        group = self.proc.pid
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rfind(")") + 2 :].split()
            if int(fields[2]) == group:  # pgrp
                found.append(int(entry))
        return found

    def rss_bytes(self) -> int:
        total = 0
        for pid in self.pids():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
        return total

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        # Workers that outlived their master (they share its group) go too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        if self in _running:
            _running.remove(self)


def stop_all() -> None:
    for server in list(reversed(_running)):
        with contextlib.suppress(Exception):
            server.stop()


def _on_signal(signum, _frame) -> None:
    stop_all()
    sys.exit(128 + signum)


atexit.register(stop_all)
signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGINT, _on_signal)


class MemorySampler:
    """Samples each server's summed RSS every ``interval`` seconds; ``peak(name)`` is the
    highest seen since ``reset()``."""

    def __init__(self, servers: dict[str, Server], interval: float = 0.25):
        self.servers, self.interval = servers, interval
        self.peaks: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "MemorySampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def reset(self) -> None:
        self.peaks = {}

    def sample(self) -> None:
        for name, server in self.servers.items():
            rss = server.rss_bytes()
            if rss > self.peaks.get(name, 0):
                self.peaks[name] = rss

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()


NGINX_CONF = """\
worker_processes 2;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
daemon off;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    client_body_temp_path {root}/tmp;
    proxy_temp_path {root}/tmp;
    fastcgi_temp_path {root}/tmp;
    uwsgi_temp_path {root}/tmp;
    scgi_temp_path {root}/tmp;
    types {{ application/json json; text/html html; }}
    server {{
        listen 127.0.0.1:{port};
        root {root}/www;
    }}
}}
"""


def nginx(root: Path, files: dict[str, bytes], nginx_bin: str) -> Server:
    """nginx serving ``files`` (name → bytes) as static files from ``root``/www."""
    (root / "www").mkdir(parents=True, exist_ok=True)
    (root / "tmp").mkdir(exist_ok=True)
    for name, data in files.items():
        (root / "www" / name).write_bytes(data)
        (root / "www" / name).chmod(0o644)
    # nginx's workers run as an unprivileged user: let them through the (private) temp dirs.
    for folder in (root / "www", root, *root.parents):
        if str(folder) in ("/", tempfile.gettempdir()):
            break
        folder.chmod(folder.stat().st_mode | 0o711)
    port = free_port()
    (root / "nginx.conf").write_text(NGINX_CONF.format(root=root, port=port))
    server = Server(
        "nginx", [nginx_bin, "-c", str(root / "nginx.conf"), "-p", str(root)], log=root / "out.log", port=port
    )
    return server.start(ready_path="/" + next(iter(files)))


ISSO_CONF = """\
[general]
dbpath = {db}
host = {host}
notify = stdout
reply-notifications = false
gravatar = false
latest-enabled = false

[moderation]
enabled = false

[server]
listen = http://127.0.0.1:{port}
reload = false
profile = false

[guard]
# Off: every request comes from 127.0.0.1, and Isso's guard allows 2 new comments a minute
# per address. Masthead's rate limit is raised for the same reason.
enabled = false
require-author = false
require-email = false

[markup]
renderer = mistune

[hash]
salt = Eech7co8Ohloopo9Ol6baimi
algorithm = pbkdf2
"""


def isso_config(root: Path) -> tuple[Path, int]:
    """Isso's configuration in ``root`` (SQLite there too) and the free port it will use."""
    root.mkdir(parents=True, exist_ok=True)
    port = free_port()
    conf = root / "isso.cfg"
    # "host" is the website Isso serves comments for; Isso only checks it answers (a HEAD
    # at start, a warning if not) and threads are created with an explicit title.
    conf.write_text(ISSO_CONF.format(db=root / "comments.db", host=f"http://127.0.0.1:{port}/", port=port))
    return conf, port


def isso(root: Path, venv: Path, workers: int = 2, configured: tuple[Path, int] | None = None) -> Server:
    """Isso under its own gunicorn (sync workers), on SQLite in ``root``."""
    conf, port = configured or isso_config(root)
    env = {"PATH": os.environ.get("PATH", ""), "ISSO_SETTINGS": str(conf), "LANG": "C.UTF-8"}
    argv = [
        str(venv / "bin" / "gunicorn"),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "300",
        "--log-level",
        "warning",
        "isso.run",
    ]
    server = Server("isso", argv, env=env, cwd=str(root), log=root / "isso.log", port=port)
    return server.start(ready_path="/info")
