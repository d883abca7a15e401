"""One audit entry. Nothing in the app updates or deletes these rows."""

from peewee import CharField, DateTimeField, ForeignKeyField, TextField

from learning.db import BaseModel, utcnow
from learning.people.models import Person


class AuditEntry(BaseModel):
    actor = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    action = CharField(index=True)  # signed_in, role_granted, invited…
    subject = CharField(default="")  # whom or what it was about, in words
    detail = TextField(default="{}")  # JSON
    ip = CharField(default="")
    created_at = DateTimeField(default=utcnow, index=True)
