"""Full-text search indexes, one per database engine (see masthead.newsroom.search).

SQLite: an FTS5 table over headline, standfirst and body text, kept in step by triggers.
PostgreSQL: a generated, weighted tsvector column with a GIN index.
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE VIRTUAL TABLE newsroom_article_fts USING fts5(
        headline, standfirst, body_text,
        content='newsroom_article', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER newsroom_article_fts_ai AFTER INSERT ON newsroom_article BEGIN
        INSERT INTO newsroom_article_fts(rowid, headline, standfirst, body_text)
        VALUES (new.id, new.headline, new.standfirst, new.body_text);
    END""",
    """CREATE TRIGGER newsroom_article_fts_ad AFTER DELETE ON newsroom_article BEGIN
        INSERT INTO newsroom_article_fts(newsroom_article_fts, rowid, headline, standfirst, body_text)
        VALUES ('delete', old.id, old.headline, old.standfirst, old.body_text);
    END""",
    """CREATE TRIGGER newsroom_article_fts_au AFTER UPDATE ON newsroom_article BEGIN
        INSERT INTO newsroom_article_fts(newsroom_article_fts, rowid, headline, standfirst, body_text)
        VALUES ('delete', old.id, old.headline, old.standfirst, old.body_text);
        INSERT INTO newsroom_article_fts(rowid, headline, standfirst, body_text)
        VALUES (new.id, new.headline, new.standfirst, new.body_text);
    END""",
    "INSERT INTO newsroom_article_fts(newsroom_article_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS newsroom_article_fts_au",
    "DROP TRIGGER IF EXISTS newsroom_article_fts_ad",
    "DROP TRIGGER IF EXISTS newsroom_article_fts_ai",
    "DROP TABLE IF EXISTS newsroom_article_fts",
]
POSTGRES_UP = [
    """ALTER TABLE newsroom_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(headline, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(standfirst, '')), 'B') ||
        setweight(to_tsvector('english', coalesce(body_text, '')), 'C')
    ) STORED""",
    "CREATE INDEX newsroom_article_search_idx ON newsroom_article USING gin (search_vector)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS newsroom_article_search_idx",
    "ALTER TABLE newsroom_article DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
