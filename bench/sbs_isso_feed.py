"""Feed Isso the benchmark's thread through Isso's own storage layer (run with Isso's Python).

    bench/peers/isso-venv/bin/python bench/sbs_isso_feed.py ISSO_CFG THREAD_JSON URI TITLE

``isso.db.SQLite3(...).comments.add(uri, data)`` is the call Isso's ``POST /new`` handler
makes once it has checked and escaped the request (isso/views/comments.py): the same rows
(``mode`` 1 = accepted, the anonymised address, Isso's own reply flattening), without
the HTTP round trip, and in one transaction: Isso opens a connection and commits for
every statement, which is what makes feeding it slow (through the API the 10,000 comments
took 170 to 330 s on this shared machine, 30 to 60 a second, the longest step of the run).
Comments are stored in the thread's order, each reply under its parent's Isso id, with
the same spacing in time as Masthead's copy (10 s apart).
"""

import json
import sqlite3
import sys
import time

from isso import config, db


def main() -> None:
    cfg, thread_json, uri, title = sys.argv[1:5]
    conf = config.load(config.default_file(), cfg)
    store = db.SQLite3(conf.get("general", "dbpath"), conf)
    # Isso's own SQL through one connection, committed once at the end.
    connection = sqlite3.connect(store.path)

    def execute(sql, args=()):
        return connection.execute(" ".join(sql) if isinstance(sql, list | tuple) else sql, args)

    store.execute = execute
    thread = json.loads(open(thread_json, encoding="utf-8").read())  # noqa: SIM115
    started = time.perf_counter()
    if uri not in store.threads:
        store.threads.new(uri, title)
    ids: dict[int, int] = {}
    base = time.time() - 2 * 86400
    for c in thread:
        rv = store.comments.add(
            uri,
            {
                "text": c["body"],
                "author": f"bench{c['author']:04d}",
                "email": None,
                "website": None,
                "parent": ids.get(c["parent"]) if c["parent"] is not None else None,
                "mode": 1,
                "remote_addr": "127.0.0.0",
                "created": base + 10 * c["i"],
                "notification": 0,
            },
        )
        ids[c["i"]] = rv["id"]
    connection.commit()
    connection.close()
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {"comments": len(ids), "seconds": round(seconds, 1), "per_second": round(len(ids) / seconds)}
        )
    )


if __name__ == "__main__":
    main()
