"""Schema migrations: numbered scripts in learning/migrations, applied in order."""

from pathlib import Path

from peewee import Model
from playhouse.migrations import Runner

from learning.db import db

DIRECTORY = Path(__file__).with_name("migrations")


def runner():
    return Runner(db.obj, directory=str(DIRECTORY))


def migrate():
    """Apply every pending migration; returns their names."""
    with db.connection_context():
        return runner().up()


# Helpers for migration scripts. Keep them trivial: old migrations depend on them as they are.


def frozen_base(database):
    """A base model for the frozen model copies one migration declares."""

    class Base(Model):
        class Meta:
            legacy_table_names = False

    Base._meta.set_database(database)
    return Base


def existing(base, table_name):
    """A stand-in for a table an earlier migration created, for foreign keys to point at."""
    return type(
        table_name.title().replace("_", ""),
        (base,),
        {"Meta": type("Meta", (), {"table_name": table_name})},
    )
