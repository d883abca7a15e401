"""The database: one proxy, one base model, a connection per request or job."""

import datetime
import fcntl
import functools
import itertools
import logging
import os
import re
import threading
import weakref
from contextlib import contextmanager

from flask import current_app, g, has_app_context, has_request_context, request
from peewee import SQL, DatabaseProxy, Delete, Insert, Model, SqliteDatabase, Update
from playhouse.db_url import connect, parse
from playhouse.pool import PooledSqliteDatabase

from learning.rows import Replay, maker, same


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
    """Build a database from a peewee URL. SQLite gets WAL, foreign keys, queued writers
    and a pool of its connections; PostgreSQL gets peewee's extended class, the one with
    server-side cursors (for streamed exports), pooled with `+pool`."""
    if url.startswith("sqlite"):
        return QueuedWritersSqlite(
            **{"max_connections": None, "check_same_thread": False, **parse(url)},
            pragmas=SQLITE_PRAGMAS,
        )
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
#
# Its connections are pooled: opening one and reading the schema again took about half a
# millisecond of every request.
class QueuedWritersSqlite(PooledSqliteDatabase):
    """SQLite whose writers take turns: a write transaction (`atomic()`) holds the turn
    until it commits, and a write outside any transaction (one statement) holds it while
    it runs. A forked process starts with a pool of its own."""

    READS = ("SELECT", "PRAGMA", "EXPLAIN")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._writers = threading.Lock()
        self._turn = threading.local()  # whether this thread holds the turn
        self._lock_files = {}  # process -> its open lock file
        weakref.finalize(self, _close_all, self._lock_files)
        database = weakref.ref(self)
        os.register_at_fork(after_in_child=lambda: (d := database()) and d._leave_to_parent())

    def _leave_to_parent(self):
        """In a forked child: the pooled connections are the parent's. SQLite forbids using
        them across a fork, and closing them could end the parent's WAL, so they are kept,
        unused, for the life of the child."""
        _PARENTS.append((self._connections, self._in_use, self._state.conn))
        self._connections, self._in_use = [], {}
        self._state.reset()
        # Locks another thread of the parent may have held when it forked.
        self._lock, self._writers, self._turn = (
            threading.Lock(),
            threading.Lock(),
            threading.local(),
        )
        self._pool_lock = threading.RLock()
        self._pool_available = threading.Condition(self._pool_lock)

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


_PARENTS = []  # in a forked child: its parent's SQLite connections, never used or closed


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


def insert(row, *, new_only=False):
    """Write `row`, a model instance made with its values (its defaults filled in), as a new
    row: `Model.create`'s work, with its SQL built once per model and set of fields, since
    building it took longer than running it (a reply's transaction, which every other writer
    waits for, spent half its time building SQL). Returns the new id, also set on `row`;
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
    _forget(model)
    found = db.execute_sql(sql, params).fetchall()
    if not found:
        return None
    row.__data__[pk.name] = found[0][0]
    row._dirty.clear()
    return found[0][0]


_inserts = {}  # (database kind, model, fields, new only): INSERT SQL


def page_of(read, size):
    """Up to `size` rows and whether more follow, in one query: `read(limit)` reads one row
    more than the page shows (an `Inline` count)."""
    rows = list(read(Inline(size + 1)))
    return rows[:size], len(rows) > size


class Inline(int):
    """A count that a `built_once` query writes into its SQL, `LIMIT 21`, with `inline`: part
    of the query's shape, not a parameter.

    PostgreSQL keeps one plan for a prepared statement (psycopg prepares a query it has run
    five times) only if that plan costs about as much as plans made for the values. With the
    LIMIT a parameter it costs the plan as if a tenth of the rows were read, so it plans the
    query again on every run: for a cohort's feed, planning took three times as long as
    running it (0.66 ms a run against 0.19 with the plan kept, at M)."""


def inline(count):
    """A constant or an `Inline` count written into the SQL, for `.limit()`. A plain `int`
    argument of a `built_once` query cannot be: it gets a stand-in, a negative number."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise TypeError(f"inline takes a constant or an Inline count, not {count!r}")
    return SQL(str(int(count)))


def built_once(build):
    """A hot SELECT (or UPDATE or DELETE, which return how many rows they changed) whose SQL
    text peewee builds once per shape, not on every call: building it takes longer than
    SQLite takes to run it (an INSERT's defaults are computed: `insert` writes new rows).
    `build(*args)` returns the query; its arguments are ids, text, dates and times (or lists
    or tuples of them) that it only compares columns with or sets them to; a model instance
    stands for its id. The first call of a shape builds the query with stand-ins for the
    values and finds where they land among the parameters; later calls put their own values
    there.

    The shape is the database's kind, each argument's type, a list's length, and the value
    of None, booleans, false-y arguments (which a builder may branch on) and `Inline` counts.
    The decorated function returns the rows as a list, so no caller can change the query;
    they are made as peewee makes them, with the work per column done once per shape
    (`learning.rows`).
    Under test every call also builds its query in full and has peewee make its rows, and
    checks that both give the same SQL and parameters, and the same rows."""
    shapes = {}

    @functools.wraps(build)
    def rows(*args):
        args = tuple(map(_plain, args))
        key = (type(db.obj), *map(_shape_of, args))
        shape = shapes.get(key)
        if shape is None:
            if len(shapes) >= MAX_SHAPES:  # lists of many lengths
                shapes.clear()
            shape = shapes[key] = _Shape(build, args)
        params = shape.bind(args)
        testing = has_app_context() and current_app.testing
        if testing:
            expected = db.get_sql_context().sql(build(*args)).query()
            if expected != (shape.sql, params):
                raise AssertionError(f"{build.__qualname__}: {expected} != {shape.sql, params}")
        cursor = db.execute_sql(shape.sql, params)
        if shape.writes:
            _forget(shape.query.model)
            if cursor.description is None:  # nothing returned: how many rows it changed
                return cursor.rowcount
        if shape.make is None:
            shape.make = maker(shape.query, cursor)
        found = cursor.fetchall()
        made = shape.make(found)
        if testing:  # what peewee makes of the same rows
            expected = list(shape.query._get_cursor_wrapper(Replay(cursor.description, found)))
            if not same(made, expected):
                raise AssertionError(f"{build.__qualname__}: {made} != {expected}")
        return made

    return rows


MAX_SHAPES = 256  # per query
_STAND_INS = {
    int: lambda n: -(10**15) - n,
    str: lambda n: f"\x00stand-in {n}\x00",
    datetime.date: lambda n: datetime.date(1, 1, 1) + datetime.timedelta(days=n),
    datetime.datetime: lambda n: datetime.datetime(1, 1, 1) + datetime.timedelta(seconds=n),
}


def _plain(value):
    """The value with model instances as their ids (not `get_id()`, which a model may give
    another meaning, as `Person` does for flask-login)."""
    if isinstance(value, Model):
        return value._pk
    if isinstance(value, list | tuple):
        return type(value)(map(_plain, value))
    return value


def _stands_in(value):
    """Whether the value gets a stand-in: not None, booleans or false-y ones, which a builder
    may branch on, nor an `Inline` count, which it writes into the SQL."""
    return not (value is None or isinstance(value, bool | Inline) or not value)


def _shape_of(value):
    if isinstance(value, list | tuple):
        return (type(value), tuple(_shape_of(item) for item in value))
    if not _stands_in(value):
        return (type(value), value)
    if type(value) not in _STAND_INS:
        raise TypeError(f"built_once takes ids, text, dates and times, not {type(value)}")
    return type(value)


def _flat(args):
    """The values that get stand-ins, in order: the scalars and the items of lists."""
    for value in args:
        if isinstance(value, list | tuple):
            yield from _flat(value)
        elif _stands_in(value):
            yield value


class _Shape:
    """One shape of a `built_once` query: its SQL, and for each parameter either the
    argument it comes from or the constant it is."""

    def __init__(self, build, args):
        count = itertools.count(1)

        def stand_in(value):
            if isinstance(value, list | tuple):
                return type(value)(stand_in(item) for item in value)
            if _stands_in(value):
                return _STAND_INS[type(value)](next(count))
            return value

        stand_ins = [stand_in(value) for value in args]
        self.query = build(*stand_ins)
        self.sql, params = db.get_sql_context().sql(self.query).query()
        where = {(type(v), v): i for i, v in enumerate(_flat(stand_ins))}
        self.slots = [where.get((type(p), p), -1) for p in params]
        self.constants = params
        self.make = None  # how its rows are made (learning.rows), known once it has run
        self.writes = isinstance(self.query, Insert | Update | Delete)
        if isinstance(self.query, Insert):
            raise TypeError(
                "built_once does not insert: its defaults would be built once; use insert()"
            )

    def bind(self, args):
        values = list(_flat(args))
        return [values[s] if s >= 0 else c for s, c in zip(self.slots, self.constants, strict=True)]


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
