"""In-app notifications.

Models here are frozen copies: later changes to the app's models need a new migration."""

from peewee import *

from learning.db import utcnow
from learning.migrate import existing, frozen_base


def up(migrator, db):
    Base = frozen_base(db)  # noqa: N806

    Person = existing(Base, "person")  # noqa: N806

    class Notification(Base):
        person = ForeignKeyField(Person, on_delete="CASCADE")
        kind = CharField()
        key = CharField(unique=True)
        cohort_id = IntegerField(null=True)
        place = CharField(default="")
        text = CharField()
        link = CharField()
        created_at = DateTimeField(default=utcnow)
        read_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("person", "read_at"), False), (("person", "created_at"), False))

    db.create_tables([Notification])
