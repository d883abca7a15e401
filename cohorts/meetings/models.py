"""A cohort's sessions: the times it meets, on a call or in a room."""

from peewee import CharField, DateTimeField, ForeignKeyField, SmallIntegerField, TextField

from cohorts.models import Cohort
from learning.db import BaseModel, utcnow
from learning.people.models import Person


class Meeting(BaseModel):
    """A session of the cohort at a set time. Members get it as a calendar invite; a change
    updates it there, a cancellation removes it."""

    cohort = ForeignKeyField(Cohort, backref="meetings", on_delete="CASCADE")
    title = CharField()
    starts_at = DateTimeField()  # naive UTC
    minutes = SmallIntegerField(default=60)
    place = CharField(default="")  # a room, or the call's link
    agenda = TextField(default="")
    scheduled_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    cancelled_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("cohort", "starts_at"), False),)
