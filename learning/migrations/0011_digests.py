"""Digests: one row per person and period.

Models here are frozen copies: later changes to the app's models need a new migration."""

from peewee import *

from learning.db import utcnow
from learning.migrate import existing, frozen_base


def up(migrator, db):
    Base = frozen_base(db)  # noqa: N806

    Person = existing(Base, "person")  # noqa: N806
    Delivery = existing(Base, "delivery")  # noqa: N806

    class Digest(Base):
        person = ForeignKeyField(Person, on_delete="CASCADE")
        period = CharField()
        status = CharField()
        items = IntegerField(default=0)
        since = DateTimeField()
        until = DateTimeField()
        delivery = ForeignKeyField(Delivery, null=True, on_delete="SET NULL")
        created_at = DateTimeField(default=utcnow)

        class Meta:
            indexes = (
                (("period", "person"), True),
                (("person", "until"), False),
                (("created_at",), False),
            )

    db.create_tables([Digest])
