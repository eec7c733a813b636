"""PostgreSQL search folds accents as SQLite's FTS5 index does ("cafe" finds "café").

A text-search configuration ``masthead_english``: the English stemmer behind ``unaccent``.
The generated column is rebuilt with it. SQLite needs nothing (remove_diacritics 2).
"""

from django.db import migrations

VECTOR = """setweight(to_tsvector('{config}', coalesce(headline, '')), 'A') ||
        setweight(to_tsvector('{config}', coalesce(standfirst, '')), 'B') ||
        setweight(to_tsvector('{config}', coalesce(body_text, '')), 'C')"""


def _rebuild(config: str) -> list[str]:
    return [
        "DROP INDEX IF EXISTS newsroom_article_search_idx",
        "ALTER TABLE newsroom_article DROP COLUMN IF EXISTS search_vector",
        "ALTER TABLE newsroom_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
        + VECTOR.format(config=config)
        + ") STORED",
        "CREATE INDEX newsroom_article_search_idx ON newsroom_article USING gin (search_vector)",
    ]


UP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'masthead_english') THEN
            CREATE TEXT SEARCH CONFIGURATION masthead_english (COPY = english);
            ALTER TEXT SEARCH CONFIGURATION masthead_english
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
        END IF;
    END $$""",
    *_rebuild("masthead_english"),
]
DOWN = [*_rebuild("english"), "DROP TEXT SEARCH CONFIGURATION IF EXISTS masthead_english"]


def _postgres_only(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0002_search_index")]

    operations = [migrations.RunPython(_postgres_only(UP), _postgres_only(DOWN))]
