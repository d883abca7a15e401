"""Erasure: when a person's data was erased (their row stays, as "Former member")."""

from peewee import DateTimeField


def up(migrator, db):
    migrator.migrate(migrator.add_column("person", "erased_at", DateTimeField(null=True)))
