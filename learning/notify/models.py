"""In-app notifications: what concerns a person, read or not yet."""

from flask_babel import lazy_gettext as _l
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField

from learning.db import BaseModel, utcnow
from learning.people.models import Person

KINDS = {
    "reply": _l("Replies to your threads"),
    "mention": _l("Mentions"),
    "feedback_request": _l("Requests for feedback"),
    "kudos": _l("Kudos"),
    "poll": _l("New polls in your cohorts"),
    "milestone": _l("Milestones"),
    "digest": _l("Your digest"),
}
CHANNELS = {"in_app": _l("In the app"), "email": _l("By email"), "chat": _l("In Slack or Teams")}
# The digest is an email; it has no other channel.
EMAIL_ONLY = {"digest"}
# Said by the query of a person's muted channels when they have a chat account.
CONNECTED = "connected"


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
    # What an answer from chat replies to, in the terms of the domain that wrote the notice
    # ("thread:12:reply:5"); empty when it cannot be answered there.
    answer = CharField(default="")

    class Meta:
        indexes = ((("person", "read_at"), False), (("person", "created_at"), False))


class MutedChannel(BaseModel):
    """A kind of notice a person does not want on a channel; everything else is on."""

    person = ForeignKeyField(Person, backref="muted_channels", on_delete="CASCADE")
    kind = CharField()
    channel = CharField()

    class Meta:
        indexes = ((("person", "kind", "channel"), True),)
