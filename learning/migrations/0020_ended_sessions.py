"""Sessions signed out on the server: signing out ends that session for every copy of its
cookie, as signing out everywhere ends them all.

Models here are frozen copies: later changes to the app's models need a new migration."""

from peewee import *

from learning.migrate import frozen_base


def up(migrator, db):
    Base = frozen_base(db)  # noqa: N806

    class EndedSession(Base):
        sid = CharField(unique=True)
        ended_at = DateTimeField(index=True)

    db.create_tables([EndedSession])
