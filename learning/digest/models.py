"""One row per person and period: the unique key that makes a digest go out once."""

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from learning.db import BaseModel, utcnow
from learning.mail.models import Delivery
from learning.people.models import Person


class Digest(BaseModel):
    person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    # "d2026-11-24" for a daily digest (the person's local date), "w2026-W48" for a weekly one.
    period = CharField()
    status = CharField()  # sent (handed to mail), skipped (nothing new)
    items = IntegerField(default=0)
    # What it covered: from the previous digest's `until` to this one's.
    since = DateTimeField()
    until = DateTimeField()
    delivery = ForeignKeyField(Delivery, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            # One digest per person and period; also how the dispatcher finds who had theirs.
            (("period", "person"), True),
            (("person", "until"), False),
            (("created_at",), False),
        )
