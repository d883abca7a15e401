"""Edits keep earlier versions; reports; facilitators can hide posts.

Models here are frozen copies: later changes to the app's models need a new migration."""

from peewee import *

from learning.db import utcnow
from learning.migrate import existing, frozen_base


def up(migrator, db):
    Base = frozen_base(db)  # noqa: N806

    Person = existing(Base, "person")  # noqa: N806

    Thread = existing(Base, "thread")  # noqa: N806

    class Revision(Base):
        target = CharField(index=True)
        thread = ForeignKeyField(Thread, on_delete="CASCADE")
        title = CharField(default="")
        body = TextField(default="")
        created_at = DateTimeField(default=utcnow)

    class Report(Base):
        target = CharField()
        thread = ForeignKeyField(Thread, on_delete="CASCADE")
        reporter = ForeignKeyField(Person, on_delete="CASCADE")
        reason = TextField()
        created_at = DateTimeField(default=utcnow)
        resolved_at = DateTimeField(null=True)
        resolution = CharField(default="")

    migrator.migrate(
        migrator.add_column("thread", "hidden_at", DateTimeField(null=True)),
        migrator.add_column("reply", "hidden_at", DateTimeField(null=True)),
    )
    db.create_tables([Revision, Report])
