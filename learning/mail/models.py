"""The delivery ledger: one row per message, its unique key guarantees one send."""

from peewee import CharField, DateTimeField, IntegerField, TextField

from learning.db import BaseModel, utcnow


class Delivery(BaseModel):
    # For example "invitation-12": whatever asks for the same key again gets no second email.
    key = CharField(unique=True)
    to_address = CharField()
    subject = CharField()
    text_body = TextField()
    html_body = TextField()
    # waiting (until due_at), pending (handed to a job), sending (claimed at due_at), sent,
    # failed (for good)
    status = CharField(default="pending", index=True)
    attempts = IntegerField(default=0)
    error = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    due_at = DateTimeField(default=utcnow)
    sent_at = DateTimeField(null=True)
    # For List-Unsubscribe: the signed one-click link of the message's kind, if it has one.
    unsubscribe_url = CharField(default="")
    # An iCalendar invite, sent as the message's text/calendar part and as invite.ics.
    calendar = TextField(default="")

    class Meta:
        indexes = ((("status", "due_at"), False), (("status", "created_at"), False))
