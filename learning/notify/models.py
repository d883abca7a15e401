"""In-app notifications: what concerns a person, read or not yet."""

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField

from learning.db import BaseModel, utcnow
from learning.people.models import Person

KINDS = {
    "reply": "Replies to your threads",
    "mention": "Mentions",
    "feedback_request": "Requests for feedback",
    "kudos": "Kudos",
    "milestone": "Milestones",
    "digest": "Your digest",
}
CHANNELS = {"in_app": "In the app", "email": "By email"}
# The digest is an email; it has no in-app channel.
EMAIL_ONLY = {"digest"}


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
    # False when the person turned this kind off in the app (the email may still go).
    shown = BooleanField(default=True)

    class Meta:
        indexes = ((("person", "read_at"), False), (("person", "created_at"), False))


class MutedChannel(BaseModel):
    """A kind of notice a person does not want on a channel; everything else is on."""

    person = ForeignKeyField(Person, backref="muted_channels", on_delete="CASCADE")
    kind = CharField()
    channel = CharField()

    class Meta:
        indexes = ((("person", "kind", "channel"), True),)
