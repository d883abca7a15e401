"""The database: one proxy, one base model, a connection per request or job."""

import datetime
import logging
import re
import threading
from contextlib import contextmanager

from flask import current_app, has_app_context, request
from peewee import DatabaseProxy, Model, SqliteDatabase
from playhouse.db_url import connect, parse

from learning.postgres import PooledPostgres
from learning.sqlite import QueuedWritersSqlite

db = DatabaseProxy()  # the database the models use, bound at start-up

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
    """Build a database from a peewee URL. SQLite gets WAL, foreign keys, queued writers
    and a pool of its connections; PostgreSQL gets peewee's extended class, the one with
    server-side cursors (for streamed exports), pooled with `+pool` (learning/postgres.py)."""
    if url.startswith("sqlite"):
        return QueuedWritersSqlite(
            **{"max_connections": None, "check_same_thread": False, **parse(url)},
            pragmas=SQLITE_PRAGMAS,
        )
    if POSTGRES.match(url).group(2):
        return PooledPostgres(**parse(url))
    return connect(POSTGRES.sub(r"\1ext://", url))


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


def insert(row, *, new_only=False):
    """Write `row`, a model instance made with its values (its defaults filled in), as a new
    row: `Model.create`'s work, with its SQL built once per model and set of fields, since
    building it takes longer than running it, inside transactions every other writer waits
    for (bench/README.md). Returns the new id, also set on `row`;
    with `new_only` (ON CONFLICT DO NOTHING), None if the row existed.

    Not `execute()`'s result: on SQLite that reports the connection's last insert, which
    may be another row of another table when this one was ignored; RETURNING says."""
    model = type(row)
    pk = model._meta.primary_key
    given = row.__data__
    # In the order of the model's fields, as peewee writes the columns.
    data = {f.name: given[f.name] for f in model._meta.sorted_fields if f.name in given}
    if data.get(pk.name) is None:  # the database numbers it
        data.pop(pk.name, None)
    key = (type(db.obj), model, tuple(data), new_only)
    sql = _inserts.get(key)
    fields = model._meta.fields
    params = [fields[name].db_value(value) for name, value in data.items()]
    testing = has_app_context() and current_app.testing
    if sql is None or testing:
        query = model.insert({fields[name]: value for name, value in data.items()})
        if new_only:
            query = query.on_conflict_ignore()
        built, built_params = db.get_sql_context().sql(query.returning(pk)).query()
        if built_params != params:  # the fields in another order than the values
            raise AssertionError(f"insert {model.__name__}: {built_params} != {params}")
        sql = _inserts[key] = built
    found = db.execute_sql(sql, params).fetchall()
    if not found:
        return None
    row.__data__[pk.name] = found[0][0]
    row._dirty.clear()
    return found[0][0]


_inserts = {}  # (database kind, model, fields, new only): INSERT SQL


def check():
    """Ask the database the simplest question: raises if it cannot answer."""
    db.execute_sql("SELECT 1")


@contextmanager
def connection():
    """A connection for a job or command; closed afterwards only if this opened it."""
    opened = db.connect(reuse_if_open=True)
    try:
        yield
    finally:
        if opened and not db.is_closed():
            db.close()


class _Statements(logging.Handler):
    """The SQL statements peewee runs, kept per thread for the threads that asked."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.seen = {}  # thread id: [(sql, params)]
        self.lock = threading.Lock()

    def emit(self, record):
        if record.name == "peewee":  # a statement; "peewee.pool" tells of connections
            seen = self.seen.get(record.thread)
            if seen is not None:
                seen.append(record.msg)


_statements = _Statements()


@contextmanager
def statements():
    """The (SQL, parameters) of each statement this thread runs inside, in a list that grows
    as they run: for query budgets in tests and the benchmark's probes."""
    logger, thread = logging.getLogger("peewee"), threading.get_ident()
    with _statements.lock:
        if not _statements.seen:
            _statements.logger_level = logger.level
            logger.addHandler(_statements)
            logger.setLevel(logging.DEBUG)
        seen = _statements.seen[thread] = []
    try:
        yield seen
    finally:
        with _statements.lock:
            del _statements.seen[thread]
            if not _statements.seen:
                logger.removeHandler(_statements)
                logger.setLevel(_statements.logger_level)


def init_app(app):
    """Bind the proxy to the configured database and connect per request."""
    previous = db.obj
    db.initialize(open_database(app.config["DATABASE_URL"]))
    if hasattr(previous, "close_idle"):  # an app made before this one (tests make many)
        previous.close_idle()

    @app.before_request
    def _connect():
        if request.endpoint != "static":  # files need no database
            db.connect(reuse_if_open=True)

    @app.teardown_appcontext
    def _close(exc):
        if not db.is_closed() and db.transaction_depth() == 0:
            db.close()
