"""The database: one proxy, one base model, a connection per request or job."""

import datetime
import re
from contextlib import contextmanager

from peewee import DatabaseProxy, Model, SqliteDatabase
from playhouse.db_url import connect

db = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
}


def utcnow():
    """Timestamps are naive UTC everywhere in the database."""
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


POSTGRES = re.compile(r"^(postgres|postgresql)(\+pool)?://")


def open_database(url):
    """Build a database from a peewee URL; SQLite gets WAL and foreign keys. PostgreSQL gets
    peewee's extended class, the one with server-side cursors (for streamed exports)."""
    if url.startswith("sqlite"):
        return connect(url, pragmas=SQLITE_PRAGMAS)
    return connect(POSTGRES.sub(r"\1ext\2://", url))


@contextmanager
def streaming():
    """Where `stream()` may read: on PostgreSQL a server-side cursor lives in a transaction."""
    if is_sqlite():
        yield
    else:
        with db.atomic():
            yield


def stream(query):
    """A query's rows as tuples, fetched as they are read rather than all at once (inside
    `streaming()`)."""
    if is_sqlite():
        return iter(query.tuples().iterator())
    from playhouse.postgres_ext import ServerSide

    return ServerSide(query.tuples(), array_size=2000)


def is_sqlite():
    return isinstance(db.obj, SqliteDatabase)


def atomic():
    """A write transaction. On SQLite it takes the write lock at once, so read-then-write
    transactions never fail with "database is locked" under concurrency."""
    return db.atomic("IMMEDIATE") if is_sqlite() else db.atomic()


def insert_new(query):
    """Run an INSERT as ON CONFLICT DO NOTHING: the new row's id, or None if it existed.

    Not `execute()`'s result: on SQLite that reports the connection's last insert, which
    may be another row of another table when this one was ignored."""
    rows = list(query.on_conflict_ignore().returning(query.model._meta.primary_key).execute())
    return rows[0].id if rows else None


@contextmanager
def connection():
    """A connection for a job or command; closed afterwards only if this opened it."""
    opened = db.connect(reuse_if_open=True)
    try:
        yield
    finally:
        if opened and not db.is_closed():
            db.close()


def init_app(app):
    """Bind the proxy to the configured database and connect per request."""
    db.initialize(open_database(app.config["DATABASE_URL"]))

    @app.before_request
    def _connect():
        db.connect(reuse_if_open=True)

    @app.teardown_appcontext
    def _close(exc):
        if not db.is_closed() and db.transaction_depth() == 0:
            db.close()
