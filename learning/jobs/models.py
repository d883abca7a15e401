"""The outbox: every job a write triggers, recorded in the write's own transaction."""

from peewee import CharField, DateTimeField, TextField

from learning.db import BaseModel, utcnow


class PendingJob(BaseModel):
    # Deterministic, so deferring the same work twice records it once; also the RQ job id.
    key = CharField(unique=True)
    func = CharField()
    args = TextField(default="[]")
    queue = CharField()
    created_at = DateTimeField(default=utcnow, index=True)
    handed_at = DateTimeField(null=True)
    done_at = DateTimeField(null=True)
