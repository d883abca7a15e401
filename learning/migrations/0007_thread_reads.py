"""When each person last read each thread, for unread markers.

Models here are frozen copies: later changes to the app's models need a new migration."""

from peewee import *

from learning.db import utcnow
from learning.migrate import existing, frozen_base


def up(migrator, db):
    Base = frozen_base(db)  # noqa: N806

    Person = existing(Base, "person")  # noqa: N806

    Thread = existing(Base, "thread")  # noqa: N806

    class ThreadRead(Base):
        thread = ForeignKeyField(Thread, on_delete="CASCADE")
        person = ForeignKeyField(Person, on_delete="CASCADE")
        seen_at = DateTimeField(default=utcnow)

        class Meta:
            indexes = ((("thread", "person"), True),)

    db.create_tables([ThreadRead])
