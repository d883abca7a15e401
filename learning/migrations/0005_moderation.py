"""Edits keep earlier versions; reports; facilitators can hide posts.

Models here are frozen copies: later changes to the app's models need a new migration."""

import datetime

from peewee import *


def _now():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Person(Base):
        class Meta:
            table_name = "person"

    class Thread(Base):
        class Meta:
            table_name = "thread"

    class Revision(Base):
        target = CharField(index=True)
        thread = ForeignKeyField(Thread, on_delete="CASCADE")
        title = CharField(default="")
        body = TextField(default="")
        created_at = DateTimeField(default=_now)

    class Report(Base):
        target = CharField()
        thread = ForeignKeyField(Thread, on_delete="CASCADE")
        reporter = ForeignKeyField(Person, on_delete="CASCADE")
        reason = TextField()
        created_at = DateTimeField(default=_now)
        resolved_at = DateTimeField(null=True)
        resolution = CharField(default="")

    migrator.migrate(
        migrator.add_column("thread", "hidden_at", DateTimeField(null=True)),
        migrator.add_column("reply", "hidden_at", DateTimeField(null=True)),
    )
    db.create_tables([Revision, Report])
