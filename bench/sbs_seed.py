# ruff: noqa: S311 (seeded generators on purpose: the same data every run)
"""Seed a Masthead database for the side-by-side benchmark (run by bench/side_by_side.py).

Runs inside Django against whatever DATABASE_URL / REDIS_URL the environment names:

    python bench/sbs_seed.py prepare --out state.json --readers 400 --posters 200
    python bench/sbs_seed.py comments --state state.json --n 10000
    python bench/sbs_seed.py grow --state state.json --to 1000000      # PostgreSQL only

``prepare`` creates the newsroom (a section, a journalist, the story, published two days
ago with comments open), the readers through ``accounts.services.reader_create``
(verified, no password: they post with tokens) and a personal access token for each
poster through ``accounts.services.token_create`` (the same path as ``masthead token``).

``comments`` stores the generated thread (bench/sbs_corpus.py) with ``bulk_create`` in
batches: each body rendered by the comments app's own ``markup.comment_html``, the
counters (``Thread.comment_count``, each parent's ``reply_count``) and replies' ``path``
and ``depth`` set as ``comment_post`` would set them, then the thread's cache version
bumped. 10,000 comments through ``comment_post`` one by one would be the same rows, only
slower; posting through the API is measured separately.

``grow`` adds comments to the same thread until it holds ``--to`` of them, with
PostgreSQL's ``COPY … FROM STDIN`` (psycopg's ``cursor.copy``): bodies are drawn from a
pool of 5,000 generated ones, each made unique by a number, rendered once per pool entry;
40% top-level, the rest replies spread over the new top-level comments; created after the
first 10,000, so the newest first page shows new rows. Counters are set in one UPDATE per
table afterwards, then ``ANALYZE``.
"""

import argparse
import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")

import django

django.setup()

import sbs_corpus  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from masthead.accounts.services import reader_create, token_create  # noqa: E402
from masthead.comments import selectors  # noqa: E402
from masthead.comments.markup import comment_html  # noqa: E402
from masthead.comments.models import Comment, Thread  # noqa: E402
from masthead.core import pagecache  # noqa: E402
from masthead.newsroom import services as newsroom_services  # noqa: E402
from masthead.newsroom.models import Article, ArticleAuthor, Author, Section  # noqa: E402

HEADLINE = "Harbour redevelopment: the council's plan, the costs and what residents said"
SLUG = "harbour-redevelopment-plan"


def _article_body() -> str:
    import random

    rng = random.Random(7)
    paragraphs = [sbs_corpus.body(rng, n).rsplit(" (", 1)[0] for n in range(14)]
    return "\n\n".join(paragraphs)


def prepare(out: Path, readers: int, posters: int) -> None:
    started = time.perf_counter()
    section = Section.objects.create(name="Local", slug="local")
    writer = Author.objects.create(name="Morgan Hale", slug="morgan-hale", job_title="Local affairs reporter")
    article = Article(
        headline=HEADLINE,
        slug=SLUG,
        standfirst="What the plan costs, who pays, and what three public meetings made of it.",
        section=section,
        body=_article_body(),
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(days=2),
    )
    newsroom_services.article_save(article=article)
    ArticleAuthor.objects.create(article=article, author=writer, position=0)
    Thread.objects.get_or_create(article=article)
    ids = []
    for n in range(readers):
        reader = reader_create(
            username=f"bench{n:04d}",
            email=f"bench{n:04d}@example.org",
            password=None,
            display_name=f"Bench Reader {n}",
            email_verified=True,
        )
        ids.append(reader.pk)
    from masthead.accounts.models import Reader

    tokens = []
    for reader in Reader.objects.filter(pk__in=ids[:posters]).order_by("pk"):
        _token, raw = token_create(reader=reader, name="bench")
        tokens.append(raw)
    state = {"slug": SLUG, "article_id": article.pk, "reader_ids": ids, "tokens": tokens}
    out.write_text(json.dumps(state))
    seconds = time.perf_counter() - started
    print(f"prepared: article {article.pk}, {readers} readers, {posters} tokens in {seconds:.1f} s")


def _bump(article_id: int) -> None:
    pagecache.bump(selectors.thread_key(article_id), f"article:{article_id}")


def comments(state_path: Path, n: int, seed: int) -> None:
    started = time.perf_counter()
    state = json.loads(state_path.read_text())
    article = Article.objects.get(pk=state["article_id"])
    readers = state["reader_ids"]
    thread = sbs_corpus.thread(n, seed=seed, authors=len(readers))
    base = article.published_at + timedelta(minutes=5)
    ids: dict[int, int] = {}
    batch_size = 1000

    def row(c: dict, parent_pk: int | None) -> Comment:
        return Comment(
            article=article,
            author_id=readers[c["author"]],
            parent_id=parent_pk,
            depth=1 if parent_pk else 0,
            path=f"{parent_pk}/" if parent_pk else "",
            body=c["body"],
            body_html=comment_html(c["body"]),
            status=Comment.Status.PUBLISHED,
            created_at=base + timedelta(seconds=c["i"] * 10),
        )

    with transaction.atomic():
        for start in range(0, n, batch_size):
            batch = thread[start : start + batch_size]
            # Top-level first: replies in this batch may name a parent from the same batch.
            tops = [c for c in batch if c["parent"] is None]
            created = Comment.objects.bulk_create([row(c, None) for c in tops])
            ids.update((c["i"], made.pk) for c, made in zip(tops, created, strict=True))
            replies = [row(c, ids[c["parent"]]) for c in batch if c["parent"] is not None]
            Comment.objects.bulk_create(replies)
        # Counters as the services keep them.
        counts: dict[int, int] = {}
        for c in thread:
            if c["parent"] is not None:
                counts[ids[c["parent"]]] = counts.get(ids[c["parent"]], 0) + 1
        by_count: dict[int, list[int]] = {}
        for pk, count in counts.items():
            by_count.setdefault(count, []).append(pk)
        for count, pks in by_count.items():
            Comment.objects.filter(pk__in=pks).update(reply_count=count)
        Thread.objects.filter(article=article).update(comment_count=n)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE comments_comment")
    _bump(article.pk)
    print(f"comments: {n} stored in {time.perf_counter() - started:.1f} s")


def grow(state_path: Path, to: int, seed: int) -> None:
    """COPY comments into the thread until it holds ``to`` (PostgreSQL)."""
    import random

    if connection.vendor != "postgresql":
        raise SystemExit("grow needs PostgreSQL (COPY)")
    started = time.perf_counter()
    state = json.loads(state_path.read_text())
    article = Article.objects.get(pk=state["article_id"])
    readers = state["reader_ids"]
    have = Comment.objects.filter(article=article).count()
    add = to - have
    if add <= 0:
        print(f"grow: already {have}")
        return
    rng = random.Random(seed)
    pool = [sbs_corpus.body(rng, 0).rsplit(" (", 1)[0] for _ in range(5000)]
    pool_html = [comment_html(b) for b in pool]
    last = (
        Comment.objects.filter(article=article).order_by("-created_at").values_list("created_at", flat=True)
    )
    start_at = last.first() or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('comments_comment', 'id'))")
        (first_id,) = cursor.fetchone()
        # Reserve the ids we are about to use, so the server's later inserts never collide.
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('comments_comment', 'id'), %s)", [first_id + add + 1]
        )
    columns = (
        "id, article_id, author_id, parent_id, depth, path, body, body_html, status, moderation_reason, "
        "moderation_data, created_at, deleted_by, reaction_count, reply_count, report_count, "
        "idempotency_fingerprint"
    )
    tops: list[int] = []
    counts: dict[int, int] = {}
    raw = connection.connection  # psycopg connection under Django's wrapper
    with transaction.atomic():
        connection.ensure_connection()
        raw = connection.connection
        with raw.cursor() as cur, cur.copy(f"COPY comments_comment ({columns}) FROM STDIN") as copy:
            for k in range(add):
                pk = first_id + k
                parent = None
                if tops and rng.random() >= 0.4:
                    # Replies go to the recent top-level comments (a live conversation).
                    parent = tops[-1 - min(int(rng.expovariate(1 / 50)), len(tops) - 1)]
                    counts[parent] = counts.get(parent, 0) + 1
                else:
                    tops.append(pk)
                j = rng.randrange(len(pool))
                number = f" ({have + k})"
                copy.write_row(
                    (
                        pk,
                        article.pk,
                        readers[rng.randrange(len(readers))],
                        parent,
                        1 if parent else 0,
                        f"{parent}/" if parent else "",
                        pool[j] + number,
                        pool_html[j].removesuffix("</p>") + number + "</p>",
                        "published",
                        "",
                        "{}",
                        start_at + timedelta(milliseconds=100 * (k + 1)),
                        "",
                        0,
                        0,
                        0,
                        "",
                    )
                )
        copied = time.perf_counter()
        print(f"grow: {add} rows copied in {copied - started:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE bench_counts (id bigint, n integer) ON COMMIT DROP")
            with raw.cursor() as cur, cur.copy("COPY bench_counts (id, n) FROM STDIN") as copy:
                for pk, n in counts.items():
                    copy.write_row((pk, n))
            cursor.execute(
                "UPDATE comments_comment c SET reply_count = b.n FROM bench_counts b WHERE c.id = b.id"
            )
        Thread.objects.filter(article=article).update(comment_count=to)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE comments_comment")
    _bump(article.pk)
    print(f"grow: thread now {to} comments, {time.perf_counter() - started:.1f} s in all")


def probe(state_path: Path, n: int) -> None:
    """The first page rendered from the database (no cache), ``n`` times: median and p90 ms.
    What the cached read skips, and what grows with the thread if anything does."""
    import statistics

    from masthead.comments.selectors import _load_thread_page

    state = json.loads(state_path.read_text())
    article = Article.objects.get(pk=state["article_id"])
    timings = []
    for _ in range(n + 3):
        started = time.perf_counter()
        page = _load_thread_page(article=article, sort="newest", cursor=None, limit=20)
        timings.append((time.perf_counter() - started) * 1000)
    timings = sorted(timings[3:])
    print(
        json.dumps(
            {
                "median_ms": round(statistics.median(timings), 2),
                "p90_ms": round(timings[int(len(timings) * 0.9) - 1], 2),
                "items": len(page.items),
                "comments": Comment.objects.filter(article=article).count() if n else None,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--readers", type=int, default=400)
    p.add_argument("--posters", type=int, default=200)
    c = sub.add_parser("comments")
    c.add_argument("--state", type=Path, required=True)
    c.add_argument("--n", type=int, default=10_000)
    c.add_argument("--seed", type=int, default=2026)
    g = sub.add_parser("grow")
    g.add_argument("--state", type=Path, required=True)
    g.add_argument("--to", type=int, default=1_000_000)
    g.add_argument("--seed", type=int, default=11)
    b = sub.add_parser("probe")
    b.add_argument("--state", type=Path, required=True)
    b.add_argument("--n", type=int, default=30)
    args = parser.parse_args()
    if args.command == "probe":
        probe(args.state, args.n)
    elif args.command == "prepare":
        prepare(args.out, args.readers, args.posters)
    elif args.command == "comments":
        comments(args.state, args.n, args.seed)
    else:
        grow(args.state, args.to, args.seed)


if __name__ == "__main__":
    main()
