"""Exports of reports: who asked, how far the job got, where the file is, until when.

Models here are frozen copies: later changes to the app's models need a new migration."""

from peewee import *

from learning.db import utcnow
from learning.migrate import existing, frozen_base


def up(migrator, db):
    Base = frozen_base(db)  # noqa: N806

    Person = existing(Base, "person")  # noqa: N806

    class Export(Base):
        requested_by = ForeignKeyField(Person, on_delete="CASCADE")
        report = CharField()
        format = CharField()
        grouping = CharField(default="")
        filters = TextField(default="{}")
        purpose = TextField(default="")
        status = CharField(default="queued")
        progress = IntegerField(default=0)
        rows = IntegerField(default=0)
        path = CharField(default="")
        error = TextField(default="")
        created_at = DateTimeField(default=utcnow, index=True)
        finished_at = DateTimeField(null=True)
        expires_at = DateTimeField()

    db.create_tables([Export])
