"""``make bench``: every benchmark on docs/benchmarks.md, one after another, bounded in time.

1. the moderation pipeline (``bench/moderation_pipeline.py --write``: its own section);
2. live fan-out: 2,000 SSE readers on one story, Redis bus (``bench/live_sse.py``);
3. the community: a reader with 50,000 followers posts (``bench/community_fanout.py``), and
   the following feed of a reader following 1,000 readers among 1,000,000 comments
   (``bench/community_feed.py``);
4. side by side with Isso and nginx (``bench/side_by_side.py --write``: the summary, its
   section and ``bench/results/latest.json``), last, given what is left of the time budget
   (it leaves out its optional extra figures when short of time).

The figures of 2 and 3 are added to ``bench/results/latest.json`` (``live_fanout``,
``community_fanout``, ``following_feed``, each with the command that made it) and to a table
under the side-by-side summary. Each script keeps its own database and drops it; nothing but
127.0.0.1 is ever asked anything.
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from side_by_side import DOC, RESULTS, ROOT, SUMMARY_END, VENV

PYTHON = str(VENV / "python")
START = "<!-- make bench: live and community figures, written by bench/run_all.py -->"
END = "<!-- end of live and community figures -->"
LIVE_REDIS = "redis://127.0.0.1:6379/10"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(argv: list[str], *, timeout: float, capture: bool = False) -> str:
    log(" ".join(Path(a).name if a == PYTHON else a for a in argv))
    done = subprocess.run(  # noqa: S603 - our own scripts, fixed argv
        argv, cwd=ROOT, check=True, timeout=timeout, stdout=subprocess.PIPE if capture else None, text=True
    )
    return done.stdout or ""


def last_json(text: str) -> dict:
    return json.loads(text.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget", type=float, default=14 * 60, help="seconds for everything (default 840)")
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md and latest.json")
    args = parser.parse_args()
    began = time.perf_counter()
    write = ["--write"] if args.write else []

    run([PYTHON, "bench/moderation_pipeline.py", "--seconds", "5", *write], timeout=180)
    also: dict[str, dict] = {}
    commands = {
        "live_fanout": ["bench/live_sse.py", "--readers", "2000", "--posts", "5", "--redis", LIVE_REDIS],
        "community_fanout": ["bench/community_fanout.py"],
        "following_feed": ["bench/community_feed.py"],
    }
    for name, argv in commands.items():
        started = time.perf_counter()
        result = last_json(run([PYTHON, *argv, "--json"], timeout=900, capture=True))
        result.pop("explain", None)  # query plans: in the script's own output, not the record
        also[name] = {
            "command": ".venv/bin/python " + " ".join(argv),
            "seconds": round(time.perf_counter() - started, 1),
            **result,
        }
        log(f"  {name}: {also[name]['seconds']} s")
    left = args.budget - (time.perf_counter() - began)
    run([PYTHON, "bench/side_by_side.py", "--budget", str(int(max(left, 300))), *write], timeout=1200)
    total = round(time.perf_counter() - began, 1)
    log(f"make bench took {total} s")
    if args.write:
        record = json.loads(RESULTS.read_text())
        record.update(also)
        record["make_bench_seconds"] = total
        RESULTS.write_text(json.dumps(record, indent=1) + "\n")
        write_doc(also, total)
    return 0


def _ms(block: dict | None, key: str = "p50_ms") -> str:
    return "n/a" if not block or block.get(key) is None else f"{block[key]:,.0f} ms"


def _queries(block: dict) -> str:
    return "/".join(str(n) for n in block["queries"])


def table(also: dict, total: float) -> list[str]:
    live, fan, feed = also["live_fanout"], also["community_fanout"], also["following_feed"]
    posts = live.get("posts") or []
    p50s = ", ".join(str(round(p["p50_ms"])) for p in posts if p.get("p50_ms") is not None)
    requests, fanout = fan["requests"], fan["fanout"]
    selector, http = feed["selector"], feed["http"]
    return [
        START,
        "",
        f"**Live and community figures of the same `make bench`** (the whole run took {total:.0f} s;"
        " each script's own section below says what it does):",
        "",
        "| what | figure |",
        "|---|---|",
        f"| live: {live['readers']:,} SSE readers on one story, Redis bus (`bench/live_sse.py`) |"
        f" {live['connected']:,} connected in {live['connect_seconds']} s,"
        f" {live['kib_per_connection']} KiB each; from posting to a reader having the comment,"
        f" p50 per post {p50s} ms, worst p99 {live['p99_of_posts_ms']} ms |",
        f"| posting as a reader with {fanout['followers']:,} followers vs with none"
        f" (`bench/community_fanout.py`) | p50 {_ms(requests['popular'])} vs {_ms(requests['quiet'])}"
        f" (ratio {requests['ratio_p50_popular_over_quiet']}), queries"
        f" {_queries(requests['popular'])} vs {_queries(requests['quiet'])} |",
        f"| its fan-out, one database worker | all {fanout['notifications_made']:,} told"
        f" {fanout['post_to_all_told_seconds']} s after the post"
        f" ({fanout['notifications_per_second']:,}/s),"
        f" {'each once' if fanout['all_told'] else 'NOT each once'} |",
        f"| following feed, {feed['scale']['following']:,} followed among"
        f" {feed['scale']['comments']:,} comments (`bench/community_feed.py`) |"
        f" first page p50 {_ms(selector['first_page'])} (selector), {_ms(http['first_page'])} (HTTP);"
        f" next pages p50 {_ms(selector['next_pages'])}, {_ms(http['next_pages'])} |",
        "",
        END,
    ]


def write_doc(also: dict, total: float) -> None:
    text = DOC.read_text()
    block = "\n".join(table(also, total))
    if START in text:
        before, rest = text.split(START, 1)
        text = before + block + rest.split(END, 1)[1]
    else:
        text = text.replace(SUMMARY_END, SUMMARY_END + "\n\n" + block, 1)
    DOC.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
