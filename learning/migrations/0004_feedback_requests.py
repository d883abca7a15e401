"""Feedback requests and mentions.

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

    class Reply(Base):
        class Meta:
            table_name = "reply"

    class FeedbackRequest(Base):
        thread = ForeignKeyField(Thread, on_delete="CASCADE")
        person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
        created_at = DateTimeField(default=_now)
        answered_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("thread", "person"), True), (("person", "answered_at"), False))

    class Mention(Base):
        thread = ForeignKeyField(Thread, on_delete="CASCADE")
        reply = ForeignKeyField(Reply, null=True, on_delete="CASCADE")
        person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
        by = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
        created_at = DateTimeField(default=_now)
        answered_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("person", "answered_at"), False),)

    db.create_tables([FeedbackRequest, Mention])
