"""Once-only tokens of create forms: the same form sent twice (a double click, two requests
at the same moment) makes one thread, one reply, one program...

Models here are frozen copies: later changes to the app's models need a new migration."""

from peewee import *

from learning.migrate import existing, frozen_base


def up(migrator, db):
    Base = frozen_base(db)  # noqa: N806
    Person = existing(Base, "person")  # noqa: N806

    class Submission(Base):
        token = CharField(unique=True)
        person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
        kind = CharField()
        object_id = IntegerField(null=True)
        created_at = DateTimeField(index=True)

    db.create_tables([Submission])
