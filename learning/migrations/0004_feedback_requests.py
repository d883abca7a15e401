"""Feedback requests and mentions.

Models here are frozen copies: later changes to the app's models need a new migration."""

from peewee import *

from learning.db import utcnow
from learning.migrate import existing, frozen_base


def up(migrator, db):
    Base = frozen_base(db)  # noqa: N806

    Person = existing(Base, "person")  # noqa: N806

    Thread = existing(Base, "thread")  # noqa: N806

    Reply = existing(Base, "reply")  # noqa: N806

    class FeedbackRequest(Base):
        thread = ForeignKeyField(Thread, on_delete="CASCADE")
        person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
        created_at = DateTimeField(default=utcnow)
        answered_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("thread", "person"), True), (("person", "answered_at"), False))

    class Mention(Base):
        thread = ForeignKeyField(Thread, on_delete="CASCADE")
        reply = ForeignKeyField(Reply, null=True, on_delete="CASCADE")
        person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
        by = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
        created_at = DateTimeField(default=utcnow)
        answered_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("person", "answered_at"), False),)

    db.create_tables([FeedbackRequest, Mention])
