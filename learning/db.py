"""The database: one proxy, one base model, a connection per request or job."""

import datetime
import fcntl
import os
import re
import threading
from contextlib import contextmanager

from flask import g, has_request_context, request
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


# SQLite has one writer at a time. Writers queue for it here, the threads of a process on a
# lock and the processes (web workers, job workers) on an flock of a file beside the
# database; each wakes as soon as the one before commits. Waiting in SQLite instead polls
# with growing sleeps (up to 100 ms each), which is what a page's slowest answers were made
# of under load.
_sqlite_writer = threading.Lock()
_writer_files = {}  # (process, database file) -> the open lock file


def _writer_file():
    """This process's lock file for the database file, or None for a database in memory."""
    path = db.obj.database
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    key = (os.getpid(), path)  # a forked job worker opens its own: flock is per open file
    if key not in _writer_files:
        _writer_files[key] = open(f"{path}-writer", "ab")  # noqa: SIM115 (kept open)
    return _writer_files[key]


@contextmanager
def atomic():
    """A write transaction. On SQLite it takes the write lock at once, so read-then-write
    transactions never fail with "database is locked" under concurrency."""
    if not is_sqlite():
        with db.atomic():
            yield
        return
    if db.in_transaction():  # a savepoint: the outer transaction holds the lock
        with db.atomic("IMMEDIATE"):
            yield
        return
    _sqlite_writer.acquire()
    lock_file = _writer_file()
    if lock_file is not None:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
    held = True

    def release():
        nonlocal held
        if held:
            held = False
            if lock_file is not None:
                fcntl.flock(lock_file, fcntl.LOCK_UN)
            _sqlite_writer.release()

    try:
        with db.atomic("IMMEDIATE"):
            # First of the commit callbacks: what runs after the commit (jobs handed to Redis,
            # which may be slow or down) does not keep the next writer waiting.
            db.after_commit(release)
            yield
    finally:
        release()


def insert_new(query):
    """Run an INSERT as ON CONFLICT DO NOTHING: the new row's id, or None if it existed.

    Not `execute()`'s result: on SQLite that reports the connection's last insert, which
    may be another row of another table when this one was ignored."""
    rows = list(query.on_conflict_ignore().returning(query.model._meta.primary_key).execute())
    return rows[0].id if rows else None


def reading():
    """Whether this is a GET request, which changes nothing that read_once keeps."""
    return has_request_context() and request.method in ("GET", "HEAD")


def read_once(key, read):
    """`read()`, run once per GET request for the same `key`: the parts of a page (access,
    sections of several domains) ask for the same rows, and a GET changes none of them.
    Outside a GET it simply reads."""
    if not reading():
        return read()
    known = g.setdefault("read_once", {})
    if key not in known:
        known[key] = read()
    return known[key]


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
        if request.endpoint != "static":  # files need no database
            db.connect(reuse_if_open=True)

    @app.teardown_appcontext
    def _close(exc):
        if not db.is_closed() and db.transaction_depth() == 0:
            db.close()
