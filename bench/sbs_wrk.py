"""wrk, the load generator for every read in the side-by-side benchmark, and its parser."""

import re
import shutil
import subprocess
from urllib.parse import urlsplit

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}
_LATENCY = re.compile(r"^\s*(50|75|90|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$", re.M)


def wrk_bin() -> str:
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is missing: apt-get install -y wrk (bench/setup_peers.sh does it)")
    return found


def parse(output: str) -> dict:
    latency = {f"p{q}_ms": float(v) * _UNITS[u] for q, v, u in _LATENCY.findall(output)}
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in ([\d.]+)(\w+),\s+([\d.]+)(\w+) read", output)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        **latency,
        "requests": int(total.group(1)) if total else 0,
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(int(x) for x in socket.groups()) if socket else 0,
    }


def run(url: str, *, seconds: float, connections: int = 16, threads: int = 2, timeout_s: int = 60) -> dict:
    """One wrk run; wrk's own latency distribution (--latency) gives p50/p99."""
    host = urlsplit(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("wrk is only ever pointed at this machine")
    argv = [
        wrk_bin(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        f"--timeout={timeout_s}s",
        url,
    ]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + timeout_s + 30, check=False)  # noqa: S603
    result = parse(done.stdout)
    result["seconds"] = round(seconds)
    if done.returncode != 0 or not result["rps"]:
        result["error"] = (done.stderr or done.stdout)[-500:]
    return result
