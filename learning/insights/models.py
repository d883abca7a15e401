"""An export: what was asked, by whom, how far the job got, and where the file is."""

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from learning.db import BaseModel, utcnow
from learning.people.models import Person


class Export(BaseModel):
    requested_by = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    report = CharField()  # participation
    format = CharField()  # csv, xlsx
    grouping = CharField(default="")
    filters = TextField(default="{}")  # JSON, as Filters.describe() gives them
    purpose = TextField(default="")
    status = CharField(default="queued")  # queued, running, done, failed
    progress = IntegerField(default=0)  # rows written
    rows = IntegerField(default=0)  # rows to write, once known
    path = CharField(default="")  # the file, under EXPORTS_DIR
    error = TextField(default="")
    created_at = DateTimeField(default=utcnow, index=True)
    finished_at = DateTimeField(null=True)
    expires_at = DateTimeField()
