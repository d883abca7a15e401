"""Calendars: each event people hold in their calendar, with its revision, who was sent it by
email, and each person's subscription address."""

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from learning.db import BaseModel, utcnow
from learning.people.models import Person


class CalendarEntry(BaseModel):
    """An event sent as an invite: what it says now and its revision (SEQUENCE), so a change
    updates the entry people have instead of adding a second one."""

    uid = CharField(unique=True)  # "cohort-12", "session-3": the UID adds "@" and the host
    sequence = IntegerField(default=0)
    fingerprint = CharField(default="")  # of what a change must be sent for
    event = TextField()  # JSON: the event as last sent, for the update job
    cancelled = BooleanField(default=False)
    changed_at = DateTimeField(default=utcnow)


class CalendarInvite(BaseModel):
    """Someone was sent the entry by email; `sequence` is the revision they have."""

    entry = ForeignKeyField(CalendarEntry, backref="invites", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    sequence = IntegerField(default=0)

    class Meta:
        indexes = ((("entry", "person"), True),)


class CalendarFeed(BaseModel):
    """A person's secret subscription address; a new one makes the old one stop working."""

    person = ForeignKeyField(Person, unique=True, backref="+", on_delete="CASCADE")
    token = CharField(unique=True)
    created_at = DateTimeField(default=utcnow)
