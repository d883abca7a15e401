"""Exports (what was asked, by whom, how far the job got, where the file is) and the figures
kept for reports."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from learning.db import BaseModel, utcnow
from learning.people.models import Person

# What a report's rows can be groups of.
GROUPINGS = {
    "program": _l("Program"),
    "cohort": _l("Cohort"),
    "department": _l("Department"),
    "location": _l("Location"),
}
STATUSES = {
    "queued": _l("waiting"),
    "running": _l("in progress"),
    "done": _l("ready"),
    "failed": _l("failed"),
}


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

    @property
    def label(self):
        """What the file holds: "XLSX, grouped by department"."""
        if self.report == "individual":
            return _("%(format)s, one row per person", format=self.format.upper())
        group = str(GROUPINGS.get(self.grouping, self.grouping)).lower()
        return _("%(format)s, grouped by %(group)s", format=self.format.upper(), group=group)

    @property
    def status_label(self):
        return STATUSES.get(self.status, self.status)


class KeptFigures(BaseModel):
    """Figures a job computed (the HR report, its filter options, a program's analytics),
    kept for every reader; one row per computation and its parameters."""

    name = CharField()
    digest = CharField()  # of the parameters, for the unique key
    params = TextField()  # JSON, what the computation is given
    value = TextField(null=True)  # JSON; None until first computed
    computed_at = DateTimeField(null=True)  # when the computation that gave `value` began
    asked_at = DateTimeField(null=True)  # a computation asked for and not yet finished
    round = IntegerField(default=0)  # computations asked for so far (the job's unique key)
    done = IntegerField(default=0)  # the running computation's steps done, of `steps`
    steps = IntegerField(default=0)
    failed = TextField(default="")  # why the last attempt failed, until one succeeds

    class Meta:
        indexes = ((("name", "digest"), True),)
