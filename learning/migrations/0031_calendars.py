"""Calendars: invites and their revisions, each person's feed address, the invite an email
carries, and the cohorts' scheduled sessions.

Models here are frozen copies: later changes to the app's models need a new migration."""

from peewee import *

from learning.db import utcnow
from learning.migrate import existing, frozen_base


def up(migrator, db):
    Base = frozen_base(db)  # noqa: N806
    Person = existing(Base, "person")  # noqa: N806
    Cohort = existing(Base, "cohort")  # noqa: N806

    class CalendarEntry(Base):
        uid = CharField(unique=True)
        sequence = IntegerField(default=0)
        fingerprint = CharField(default="")
        event = TextField()
        cancelled = BooleanField(default=False)
        changed_at = DateTimeField(default=utcnow)

    class CalendarInvite(Base):
        entry = ForeignKeyField(CalendarEntry, on_delete="CASCADE")
        person = ForeignKeyField(Person, on_delete="CASCADE")
        sequence = IntegerField(default=0)

        class Meta:
            indexes = ((("entry", "person"), True),)

    class CalendarFeed(Base):
        person = ForeignKeyField(Person, unique=True, on_delete="CASCADE")
        token = CharField(unique=True)
        created_at = DateTimeField(default=utcnow)

    class Meeting(Base):
        cohort = ForeignKeyField(Cohort, on_delete="CASCADE")
        title = CharField()
        starts_at = DateTimeField()
        minutes = SmallIntegerField(default=60)
        place = CharField(default="")
        agenda = TextField(default="")
        scheduled_by = ForeignKeyField(Person, null=True, on_delete="SET NULL")
        created_at = DateTimeField(default=utcnow)
        cancelled_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("cohort", "starts_at"), False),)

    db.create_tables([CalendarEntry, CalendarInvite, CalendarFeed, Meeting])
    migrator.migrate(migrator.add_column("delivery", "calendar", TextField(default="")))
