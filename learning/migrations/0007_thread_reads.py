"""When each person last read each thread, for unread markers.

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

    class ThreadRead(Base):
        thread = ForeignKeyField(Thread, on_delete="CASCADE")
        person = ForeignKeyField(Person, on_delete="CASCADE")
        seen_at = DateTimeField(default=_now)

        class Meta:
            indexes = ((("thread", "person"), True),)

    db.create_tables([ThreadRead])
