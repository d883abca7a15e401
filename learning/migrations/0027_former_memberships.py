"""Someone who leaves the company keeps, for the reports, where they took part: the places in
cohorts they lost.

Models here are frozen copies: later changes to the app's models need a new migration."""

from peewee import *

from learning.db import utcnow
from learning.migrate import existing, frozen_base


def up(migrator, db):
    Base = frozen_base(db)  # noqa: N806
    Person = existing(Base, "person")  # noqa: N806
    Cohort = existing(Base, "cohort")  # noqa: N806

    class FormerMembership(Base):
        cohort = ForeignKeyField(Cohort, on_delete="CASCADE")
        person = ForeignKeyField(Person, on_delete="CASCADE")
        role = CharField(default="member")
        joined_at = DateTimeField()
        left_at = DateTimeField(default=utcnow)

        class Meta:
            indexes = ((("cohort", "person"), True),)

    db.create_tables([FormerMembership])
