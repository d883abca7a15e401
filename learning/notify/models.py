"""In-app notifications: what concerns a person, read or not yet."""

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from learning.db import BaseModel, utcnow
from learning.people.models import Person

KINDS = {
    "reply": "Replies to your threads",
    "mention": "Mentions",
    "feedback_request": "Requests for feedback",
    "kudos": "Kudos",
    "milestone": "Milestones",
}


class Notification(BaseModel):
    person = ForeignKeyField(Person, backref="notifications", on_delete="CASCADE")
    kind = CharField()
    # What it is about, e.g. "reply:12:person:3": the same notice asked for twice is one.
    key = CharField(unique=True)
    # learning knows no domain: the cohort's id and name, as the notice was written.
    cohort_id = IntegerField(null=True)
    place = CharField(default="")
    text = CharField()
    link = CharField()  # a path in the app
    created_at = DateTimeField(default=utcnow)
    read_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("person", "read_at"), False), (("person", "created_at"), False))
