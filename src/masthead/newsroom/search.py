"""Full-text search over published articles, ranked: SQLite FTS5 or PostgreSQL tsvector.

Both indexes are created by migration 0002 and kept current by the database itself
(triggers on SQLite, a generated column on PostgreSQL), so no save path can forget them.
Reader input never reaches SQL text: it is cut to word tokens and passed as a parameter.
"""

import re

from django.db import connection
from django.utils import timezone

from masthead.core.pagination import Page, clamp_limit, decode_cursor, encode_cursor

MAX_TERMS = 12
_WORD = re.compile(r"\w+", re.UNICODE)


def search_terms(q: str) -> list[str]:
    return _WORD.findall(q or "")[:MAX_TERMS]


def _sqlite_query(terms: list[str]) -> str:
    return " ".join(f'"{t}"*' for t in terms)  # each term a quoted prefix: FTS5 syntax is inert


def _postgres_query(terms: list[str]) -> str:
    return " & ".join(f"{t}:*" for t in terms)


def article_search_ids(
    *, q: str, section_id: int | None = None, cursor: str | None = None, limit: int | None = None
) -> Page:
    """One page of ``(article_id, score)`` pairs, best match first, by keyset cursor."""
    size = clamp_limit(limit)
    terms = search_terms(q)
    if not terms:
        return Page(items=[], next_cursor=None)
    if connection.vendor == "postgresql":
        inner = (
            "SELECT a.id, ts_rank_cd(a.search_vector, query)::float8 AS score "
            "FROM newsroom_article a, to_tsquery('english', %s) query "
            "WHERE a.search_vector @@ query AND a.status = 'published' AND a.published_at <= %s"
        )
        params: list = [_postgres_query(terms), timezone.now()]
    else:
        inner = (
            "SELECT a.id, -bm25(newsroom_article_fts, 10.0, 4.0, 1.0) AS score "
            "FROM newsroom_article_fts JOIN newsroom_article a ON a.id = newsroom_article_fts.rowid "
            "WHERE newsroom_article_fts MATCH %s AND a.status = 'published' AND a.published_at <= %s"
        )
        params = [_sqlite_query(terms), timezone.now()]
    if section_id is not None:
        inner += " AND a.section_id = %s"
        params.append(section_id)
    sql = f"SELECT id, score FROM ({inner}) ranked"  # noqa: S608 - fixed text, values are parameters
    if cursor:
        score, last_id = decode_cursor(cursor, 2)
        sql += " WHERE score < %s OR (score = %s AND id < %s)"
        params += [float(score), float(score), int(last_id)]
    sql += " ORDER BY score DESC, id DESC LIMIT %s"
    params.append(size + 1)
    with connection.cursor() as db:
        db.execute(sql, params)
        rows = db.fetchall()
    next_cursor = encode_cursor(list(rows[size - 1])) if len(rows) > size else None
    return Page(items=[(row[0], row[1]) for row in rows[:size]], next_cursor=next_cursor)
