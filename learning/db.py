"""The database: one proxy, one base model, a connection per request or job."""

import datetime
import fcntl
import os
import re
import threading
import weakref
from contextlib import contextmanager

from flask import g, has_request_context, request
from peewee import DatabaseProxy, Delete, Insert, Model, SqliteDatabase, Update
from playhouse.db_url import connect, parse


class Database(DatabaseProxy):
    """The database the models use (bound at start-up). A write through a query forgets
    what the request kept (`read_once`) from the table it writes."""

    __slots__ = DatabaseProxy.__slots__

    def execute(self, query, **options):
        if isinstance(query, Insert | Update | Delete):
            _forget(query.table)
        return self.obj.execute(query, **options)


db = Database()

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
    """Build a database from a peewee URL. SQLite gets WAL, foreign keys and queued
    writers; PostgreSQL gets peewee's extended class, the one with server-side cursors
    (for streamed exports)."""
    if url.startswith("sqlite"):
        return QueuedWritersSqlite(**parse(url), pragmas=SQLITE_PRAGMAS)
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
class QueuedWritersSqlite(SqliteDatabase):
    """SQLite whose writers take turns: a write transaction (`atomic()`) holds the turn
    until it commits, and a write outside any transaction (one statement) holds it while
    it runs."""

    READS = ("SELECT", "PRAGMA", "EXPLAIN")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._writers = threading.Lock()
        self._turn = threading.local()  # whether this thread holds the turn
        self._lock_files = {}  # process -> its open lock file
        weakref.finalize(self, _close_all, self._lock_files)

    def _lock_file(self):
        """This process's lock file, or None for a database in memory."""
        path = self.database
        if not path or path == ":memory:" or path.startswith("file:"):
            return None
        pid = os.getpid()  # a forked job worker opens its own: flock is per open file
        if pid not in self._lock_files:
            self._lock_files[pid] = open(f"{path}-writer", "ab")  # noqa: SIM115 (kept open)
        return self._lock_files[pid]

    def take_turn(self):
        """Wait for the writer's turn; False if this thread already holds it."""
        if getattr(self._turn, "held", False):
            return False
        self._writers.acquire()
        lock_file = self._lock_file()
        if lock_file is not None:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
        self._turn.held = True
        return True

    def give_turn(self):
        self._turn.held = False
        lock_file = self._lock_file()
        if lock_file is not None:
            fcntl.flock(lock_file, fcntl.LOCK_UN)
        self._writers.release()

    def execute_sql(self, sql, params=None):
        if self.in_transaction() or sql.lstrip()[:7].upper().startswith(self.READS):
            return super().execute_sql(sql, params)
        took = self.take_turn()
        try:
            return super().execute_sql(sql, params)
        finally:
            if took:
                self.give_turn()


def _close_all(files):
    for file in files.values():
        file.close()


@contextmanager
def atomic():
    """A write transaction. On SQLite it takes the writer's turn and the write lock at
    once, so read-then-write transactions never fail with "database is locked" under
    concurrency."""
    if not is_sqlite():
        with db.atomic():
            yield
        return
    if db.in_transaction():  # a savepoint: the outer transaction holds the turn
        with db.atomic("IMMEDIATE"):
            yield
        return
    database = db.obj
    held = database.take_turn()

    def release():
        nonlocal held
        if held:
            held = False
            database.give_turn()

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


def page_of(query, size):
    """Up to `size` rows of `query` and whether more follow, in one query (it reads one row
    more than it shows)."""
    rows = list(query.limit(size + 1))
    return rows[:size], len(rows) > size


def read_once(key, read, tables):
    """`read()`, run once per request for the same `key`: the parts of a page (access,
    sections of several domains, a post and the page after it) ask for the same rows. What
    it returned is kept until the request writes to one of `tables` (the models it was read
    from). Outside a request it simply reads."""
    if not has_request_context():
        return read()
    known = g.setdefault("read_once", {})
    if key not in known:
        known[key] = (read(), {table._meta.table_name for table in tables})
    return known[key][0]


def _forget(model):
    """Drop what the request kept from `model`'s table, which it is writing."""
    known = g.get("read_once") if has_request_context() else None
    if known:
        table = model._meta.table_name
        for key in [key for key, (_, tables) in known.items() if table in tables]:
            del known[key]


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
