"""Full-text search over thread titles and bodies: FTS5 on SQLite, a GIN index on PostgreSQL."""

from peewee import SqliteDatabase


def up(migrator, db):
    if isinstance(db, SqliteDatabase):
        db.execute_sql(
            "CREATE VIRTUAL TABLE thread_search USING fts5(title, body, tokenize='unicode61')"
        )
        db.execute_sql(
            "INSERT INTO thread_search (rowid, title, body) "
            "SELECT id, title, body FROM thread WHERE removed_at IS NULL"
        )
    else:
        db.execute_sql(
            "CREATE INDEX thread_search ON thread "
            "USING GIN (to_tsvector('simple', title || ' ' || body))"
        )
