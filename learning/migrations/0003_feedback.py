"""Threads, replies and reactions.

Models here are frozen copies: later changes to the app's models need a new migration."""

from peewee import *

from learning.db import utcnow
from learning.migrate import existing, frozen_base


def up(migrator, db):
    Base = frozen_base(db)  # noqa: N806

    Person = existing(Base, "person")  # noqa: N806

    Cohort = existing(Base, "cohort")  # noqa: N806

    class Thread(Base):
        cohort = ForeignKeyField(Cohort, on_delete="CASCADE")
        author = ForeignKeyField(Person, on_delete="CASCADE")
        kind = CharField()
        title = CharField()
        body = TextField()
        link = CharField(default="")
        answer_id = IntegerField(null=True)
        pinned = BooleanField(default=False)
        reply_count = IntegerField(default=0)
        created_at = DateTimeField(default=utcnow)
        last_activity_at = DateTimeField(default=utcnow)
        edited_at = DateTimeField(null=True)
        removed_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("cohort", "last_activity_at"), False),)

    class Reply(Base):
        thread = ForeignKeyField(Thread, on_delete="CASCADE")
        author = ForeignKeyField(Person, on_delete="CASCADE")
        parent = ForeignKeyField("self", null=True, on_delete="CASCADE")
        body = TextField(default="")
        worked = TextField(default="")
        try_next = TextField(default="")
        question = TextField(default="")
        is_feedback = BooleanField(default=False)
        helpful_at = DateTimeField(null=True)
        created_at = DateTimeField(default=utcnow)
        edited_at = DateTimeField(null=True)
        removed_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("thread", "created_at"), False),)

    class Reaction(Base):
        target = CharField()
        thread = ForeignKeyField(Thread, on_delete="CASCADE")
        person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
        kind = CharField()
        created_at = DateTimeField(default=utcnow)

        class Meta:
            indexes = ((("target", "person", "kind"), True),)

    db.create_tables([Thread, Reply, Reaction])
