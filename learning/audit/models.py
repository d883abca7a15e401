"""One audit entry. Nothing in the app updates or deletes these rows."""

import json

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

    def details(self):
        """The detail as lines a person reads: "filters: start 2026-11-01, end 2026-11-30"."""
        values = json.loads(self.detail).items()
        return [f"{_words(key)}: {_text(value)}" for key, value in values if value is not None]


def _words(key):
    return key.replace("_", " ")


def _text(value):
    if isinstance(value, dict):
        return ", ".join(f"{_words(k)} {_text(v)}" for k, v in value.items()) or "none"
    if isinstance(value, list):
        return ", ".join(map(_text, value)) or "none"
    return "yes" if value is True else "no" if value is False else str(value)
