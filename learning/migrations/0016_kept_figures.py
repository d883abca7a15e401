"""Figures computed by a job and kept in the database (the HR report, its filter options, a
program's analytics): a page shows the kept ones while a job computes new ones.

Models here are frozen copies: later changes to the app's models need a new migration."""

from peewee import *

from learning.migrate import frozen_base


def up(migrator, db):
    Base = frozen_base(db)  # noqa: N806

    class KeptFigures(Base):
        name = CharField()
        digest = CharField()
        params = TextField()
        value = TextField(null=True)
        computed_at = DateTimeField(null=True)
        asked_at = DateTimeField(null=True)
        round = IntegerField(default=0)
        done = IntegerField(default=0)
        steps = IntegerField(default=0)
        failed = TextField(default="")

        class Meta:
            indexes = ((("name", "digest"), True),)

    db.create_tables([KeptFigures])
