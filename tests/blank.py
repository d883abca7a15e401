"""A PostgreSQL database made blank again for each test, as a fresh SQLite file is: migrated once
per session, then each test's start empties every table (children first), puts back the rows
migrations seeded, and rewinds every sequence, in one round trip. Migrating afresh for each test
took most of the PostgreSQL pass's time."""

import graphlib
import re

import psycopg
from psycopg import sql

from bench.generate import fresh_database
from learning.db import db, open_database
from learning.migrate import migrate

SEEDS = "test_seeds"  # a schema beside `public` holding what migrations seeded
HISTORY = "schema_migration"  # the migrations' own record: kept


class BlankPostgres:
    def __init__(self, url):
        self.url = url
        self.plain_url = re.sub(r"^postgresql\+pool://", "postgresql://", url)
        self.script = None

    def reset(self):
        """Blank, as migrations leave it. Rebuilt from nothing the first time, and whenever a
        test left the schema in a state the script cannot blank (a test that drops it)."""
        if self.script is not None:
            try:
                with psycopg.connect(self.plain_url, autocommit=True) as connection:
                    connection.execute(self.script)
                return
            except psycopg.Error:
                pass
        self.rebuild()

    def rebuild(self):
        fresh_database(self.plain_url)
        db.initialize(open_database(self.plain_url))
        migrate()
        db.close()
        with psycopg.connect(self.plain_url, autocommit=True) as connection:
            self.script = _script(connection)


def _script(connection):
    """Copy the seeded rows aside; return the statements that bring the database back to now."""
    tables = [t for (t,) in connection.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> %s",
        [HISTORY],
    )]  # fmt: skip
    parents = {table: set() for table in tables}
    for child, parent in connection.execute(
        "SELECT c.relname, p.relname FROM pg_constraint"
        " JOIN pg_class c ON c.oid = conrelid JOIN pg_class p ON p.oid = confrelid"
        " WHERE contype = 'f' AND connamespace = 'public'::regnamespace"
    ):
        if child != parent:
            parents[child].add(parent)
    order = list(graphlib.TopologicalSorter(parents).static_order())  # parents first
    public = {t: sql.Identifier("public", t) for t in order}
    seeds = {t: sql.Identifier(SEEDS, t) for t in order}
    exists = sql.SQL("SELECT EXISTS (SELECT FROM {})")
    seeded = [t for t in order if connection.execute(exists.format(public[t])).fetchone()[0]]
    connection.execute(sql.SQL("DROP SCHEMA IF EXISTS {0} CASCADE; CREATE SCHEMA {0}").format(
        sql.Identifier(SEEDS)))  # fmt: skip
    for t in seeded:
        connection.execute(sql.SQL("CREATE TABLE {} AS TABLE {}").format(seeds[t], public[t]))
    rewind = [
        sql.SQL("setval({}, {}, {})").format(
            sql.Literal(f'public."{name}"'), sql.Literal(value or 1), sql.Literal(value is not None)
        )
        for name, value in connection.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
        )
    ]
    statements = (
        [sql.SQL("DELETE FROM {}").format(public[t]) for t in reversed(order)]
        + [sql.SQL("INSERT INTO {} SELECT * FROM {}").format(public[t], seeds[t]) for t in seeded]
        + ([sql.SQL("SELECT {}").format(sql.SQL(", ").join(rewind))] if rewind else [])
    )
    return sql.SQL("; ").join(statements)  # one simple query: one implicit transaction
