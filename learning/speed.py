"""The speed tools of the hot reads: SQL built once per shape, LIMITs written into the SQL,
pages read with one row more, and what a request keeps of what it read. Only a domain's
`queries.py` uses them (an import contract says so): business code calls those reads by
name and never sees how they are built. Why each exists, with measurements: bench/README.md.
"""

import datetime
import functools
import itertools

from flask import current_app, g, has_app_context, has_request_context
from peewee import SQL, Delete, Insert, Model, Update

from learning.db import db


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
    query again on every run, which costs more than running it (bench/README.md)."""


def inline(count):
    """A constant or an `Inline` count written into the SQL, for `.limit()`. A plain `int`
    argument of a `built_once` query cannot be: it gets a stand-in, a negative number."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise TypeError(f"inline takes a constant or an Inline count, not {count!r}")
    return SQL(str(int(count)))


def built_once(build=None, *, rows=None):
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
    The decorated function returns the rows as a list, so no caller can change the query.
    peewee makes them, through `query.execute` (`_Built`), unless the read gives `rows`:
    `rows(found)` makes them from the database's own tuples, for a hot read whose rows are
    many and joined, where peewee's making costs several times the query (bench/README.md).
    Such a read selects its columns one by one and makes named rows of them (with `moment`
    for a date and time); a test holds them to the models.
    Under test every call also builds its query in full and checks that both give the same
    SQL and parameters."""
    if build is None:
        return functools.partial(built_once, rows=rows)
    make, shapes = rows, {}

    @functools.wraps(build)
    def read(*args):
        args = tuple(map(_plain, args))
        key = (type(db.obj), *map(_shape_of, args))
        shape = shapes.get(key)
        if shape is None:
            if len(shapes) >= MAX_SHAPES:  # lists of many lengths
                shapes.clear()
            shape = shapes[key] = _Shape(build, args)
        params = shape.bind(args)
        if has_app_context() and current_app.testing:
            expected = db.get_sql_context().sql(build(*args)).query()
            if expected != (shape.sql, params):
                raise AssertionError(f"{build.__qualname__}: {expected} != {shape.sql, params}")
        if shape.writes:  # how many rows it changed
            return db.execute_sql(shape.sql, params).rowcount
        if make is not None:
            return make(db.execute_sql(shape.sql, params).fetchall())
        return list(shape.query.clone().execute(_Built(shape.sql, params)))

    return read


def moment(value):
    """A date and time column's value as `datetime`: SQLite gives it as ISO text."""
    if value is None or value.__class__ is datetime.datetime:
        return value
    return datetime.datetime.fromisoformat(value)


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
        self.writes = isinstance(self.query, Insert | Update | Delete)
        if isinstance(self.query, Insert):
            raise TypeError(
                "built_once does not insert: its defaults would be built once; use insert()"
            )

    def bind(self, args):
        values = list(_flat(args))
        return [values[s] if s >= 0 else c for s, c in zip(self.slots, self.constants, strict=True)]


class _Built:
    """What `query.execute(database)` asks of its database, for SQL already built: run it.
    peewee then makes the rows of the query as it always does."""

    __slots__ = ("sql", "params")

    def __init__(self, sql, params):
        self.sql, self.params = sql, params

    def execute(self, query, **options):
        return db.execute_sql(self.sql, self.params)


def per_request(key, read):
    """`read()` once per request for the same `key`, kept until `forget(key)`: the parts of a
    page (access, sections of several domains) ask for the same rows. Outside a request it
    simply reads."""
    if not has_request_context():
        return read()
    known = g.setdefault("kept_reads", {})
    if key not in known:
        known[key] = read()
    return known[key]


def keep(key, value):
    """Keep `value` as what `per_request(key, ...)` returns for the rest of the request: rows
    a wider read brought along."""
    if has_request_context():
        g.setdefault("kept_reads", {})[key] = value


def forget(key):
    """Drop what the request kept under `key`: a write changed it."""
    if has_request_context():
        g.setdefault("kept_reads", {}).pop(key, None)
