"""Full-text search over published articles, ranked: SQLite FTS5 or PostgreSQL tsvector.

Both indexes are created by migrations 0002 and 0003 and kept current by the database itself
(triggers on SQLite, a generated column on PostgreSQL), so no save path can forget them.
Reader input never reaches SQL text: it is cut to word tokens and passed as a parameter.

Every term is a prefix ("harb" finds "harbour") and all terms must match. Case never
matters. Accents are folded on both engines, so "cafe" finds "café": SQLite's index by
``remove_diacritics 2``, PostgreSQL's by the ``masthead_english`` configuration (unaccent,
then the English stemmer).
"""

import math
import re

from django.db import connection
from django.utils import timezone

from masthead.core.pagination import Page, bad_cursor, clamp_limit, decode_cursor, encode_cursor

MAX_QUERY_LENGTH = 1000
MAX_TERMS = 12
MAX_TERM_LENGTH = 64  # no real word is longer; longer input is noise, not a search
_WORD = re.compile(r"\w+", re.UNICODE)
# PostgreSQL's 'english' stop list. PostgreSQL drops these words from a query by itself;
# FTS5 would demand a word starting "or" for "harbour or baths", so both engines drop them
# here and agree (unless nothing else is left: "the who" still searches on SQLite).
STOPWORDS = frozenset({
    "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you", "your", "yours", "yourself",
    "yourselves", "he", "him", "his", "himself", "she", "her", "hers", "herself", "it", "its", "itself",
    "they", "them", "their", "theirs", "themselves", "what", "which", "who", "whom", "this", "that",
    "these", "those", "am", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had",
    "having", "do", "does", "did", "doing", "a", "an", "the", "and", "but", "if", "or", "because", "as",
    "until", "while", "of", "at", "by", "for", "with", "about", "against", "between", "into", "through",
    "during", "before", "after", "above", "below", "to", "from", "up", "down", "in", "out", "on", "off",
    "over", "under", "again", "further", "then", "once", "here", "there", "when", "where", "why", "how",
    "all", "any", "both", "each", "few", "more", "most", "other", "some", "such", "no", "nor", "not",
    "only", "own", "same", "so", "than", "too", "very", "s", "t", "can", "will", "just", "don",
    "should", "now"
})  # fmt: skip


def search_terms(q: str) -> list[str]:
    terms = [term[:MAX_TERM_LENGTH] for term in _WORD.findall((q or "")[:MAX_QUERY_LENGTH])]
    meaningful = [term for term in terms if term.lower() not in STOPWORDS]
    return (meaningful or terms)[:MAX_TERMS]


def _sqlite_query(terms: list[str]) -> str:
    return " ".join(f'"{t}"*' for t in terms)  # each term a quoted prefix: FTS5 syntax is inert


def _postgres_query(terms: list[str]) -> str:
    return " & ".join(f"{t}:*" for t in terms)  # \w+ holds none of to_tsquery's operators


def _after(cursor: str) -> tuple[float, int]:
    """The (score, id) of the last row served. The signature proves we issued the cursor,
    not that it came from this listing: another keyset's cursor must not become a 500."""
    score, last_id = decode_cursor(cursor, 2)
    try:
        score, last_id = float(score), int(last_id)
    except (TypeError, ValueError) as exc:
        raise bad_cursor() from exc
    if not math.isfinite(score):
        raise bad_cursor()
    return score, last_id


def article_search_ids(
    *, q: str, section_id: int | None = None, cursor: str | None = None, limit: int | None = None
) -> Page:
    """One page of ``(article_id, score)`` pairs, best match first, by keyset cursor."""
    size = clamp_limit(limit)
    after = _after(cursor) if cursor else None
    terms = search_terms(q)
    if not terms:
        return Page(items=[], next_cursor=None)
    # Raw SQL gets no field adaptation: on SQLite the stored text must be compared with
    # text written the way the ORM writes it.
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    if connection.vendor == "postgresql":
        inner = (
            "SELECT a.id, ts_rank_cd(a.search_vector, query)::float8 AS score "
            "FROM newsroom_article a, to_tsquery('masthead_english', %s) query "
            "WHERE a.search_vector @@ query AND a.status = 'published' AND a.published_at <= %s"
        )
        params: list = [_postgres_query(terms), now]
    else:
        inner = (
            "SELECT a.id, -bm25(newsroom_article_fts, 10.0, 4.0, 1.0) AS score "
            "FROM newsroom_article_fts JOIN newsroom_article a ON a.id = newsroom_article_fts.rowid "
            "WHERE newsroom_article_fts MATCH %s AND a.status = 'published' AND a.published_at <= %s"
        )
        params = [_sqlite_query(terms), now]
    if section_id is not None:
        inner += " AND a.section_id = %s"
        params.append(section_id)
    sql = f"SELECT id, score FROM ({inner}) ranked"  # noqa: S608 - fixed text, values are parameters
    if after is not None:
        score, last_id = after
        sql += " WHERE score < %s OR (score = %s AND id < %s)"
        params += [score, score, last_id]
    sql += " ORDER BY score DESC, id DESC LIMIT %s"
    params.append(size + 1)
    with connection.cursor() as db:
        db.execute(sql, params)
        rows = db.fetchall()
    items = [(row[0], row[1]) for row in rows[:size]]
    # The cursor is in ORDER BY order, (score, id), which is what the WHERE above reads back.
    next_cursor = encode_cursor([items[-1][1], items[-1][0]]) if len(rows) > size else None
    return Page(items=items, next_cursor=next_cursor)
