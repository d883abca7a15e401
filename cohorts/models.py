"""Programs, their participants, cohorts, memberships, requests, visits and people imports."""

from flask_babel import lazy_gettext as _l
from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    SmallIntegerField,
    TextField,
)

from learning.db import BaseModel, utcnow
from learning.i18n import marked
from learning.people.models import Person

MIN_SIZE, MAX_SIZE = 5, 12


# The suggested guidelines of a new program, in the words of whoever creates it (marked with
# `marked` so that `make messages` finds them; the form translates them).
DEFAULT_GUIDELINES = marked("""Be generous: share work in progress; it is how everyone learns.
Be kind and specific: say what worked, and one thing to try next.
Answer people: a reply within a day or two keeps a conversation alive.
Keep it here: what colleagues share in the cohort stays in the cohort.
Speak up: if something is wrong, tell your facilitator.""")


class Program(BaseModel):
    name = CharField()
    description = TextField(default="")
    starts_on = DateField()
    ends_on = DateField()
    cohort_size = SmallIntegerField(default=8)
    guidelines = TextField(default=DEFAULT_GUIDELINES)
    # Whether members may see the names of the program's other cohorts on boards.
    show_other_cohorts = BooleanField(default=True)
    created_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    # When it was last saved: the API's `updated_since` reads it.
    changed_at = DateTimeField(default=utcnow, null=True)

    def save(self, *args, **kwargs):
        self.changed_at = utcnow()
        return super().save(*args, **kwargs)


class ProgramVersion(BaseModel):
    """A program's guidelines in another language than the company's."""

    program = ForeignKeyField(Program, backref="versions", on_delete="CASCADE")
    locale = CharField()
    guidelines = TextField(null=True)

    class Meta:
        indexes = ((("program", "locale"), True),)


class Participant(BaseModel):
    """Someone taking part in a program: imported or added for it, in a cohort or not yet."""

    program = ForeignKeyField(Program, backref="participants", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="participations", on_delete="CASCADE")
    added_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("program", "person"), True),)


class Cohort(BaseModel):
    program = ForeignKeyField(Program, backref="cohorts", on_delete="CASCADE")
    name = CharField()
    # draft: part of the builder's proposal, seen only by L&D; published: live.
    status = CharField(default="draft", index=True)
    # A locked draft keeps its members when the builder runs again.
    locked = BooleanField(default=False)
    # L&D moved someone into or out of this draft: the rules it breaks are theirs to weigh.
    moved_by_hand = BooleanField(default=False)
    position = IntegerField(default=0)
    created_at = DateTimeField(default=utcnow)
    published_at = DateTimeField(null=True)
    # Its facilitator chose that only facilitators start polls here (feedback.polls).
    polls_by_facilitators = BooleanField(default=False)
    # When it was last saved (named, locked, published): the API's `updated_since` reads it.
    changed_at = DateTimeField(default=utcnow, null=True)

    def save(self, *args, **kwargs):
        self.changed_at = utcnow()
        return super().save(*args, **kwargs)


class Membership(BaseModel):
    cohort = ForeignKeyField(Cohort, backref="memberships", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="memberships", on_delete="CASCADE")
    role = CharField(default="member")  # member or facilitator
    joined_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("cohort", "person"), True),)


class FormerMembership(BaseModel):
    """A place in a cohort its member lost by leaving the company (the directory deactivated
    them): reports still count what they did there, as someone who left."""

    cohort = ForeignKeyField(Cohort, backref="+", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    role = CharField(default="member")
    joined_at = DateTimeField()
    left_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("cohort", "person"), True),)


class MembershipRequest(BaseModel):
    """A member asking to move to another cohort; the facilitator or L&D decides."""

    cohort = ForeignKeyField(Cohort, backref="requests", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    reason = TextField(default="")
    status = CharField(default="open", index=True)  # open, moved, declined, withdrawn
    created_at = DateTimeField(default=utcnow)
    resolved_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    resolved_at = DateTimeField(null=True)


class CohortVisit(BaseModel):
    """When a person last opened a cohort's space, for "new since your last visit"."""

    cohort = ForeignKeyField(Cohort, backref="+", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    seen_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("cohort", "person"), True),)


# What an import's status reads as.
IMPORT_STATUSES = {
    "previewed": _l("checked, not imported"),
    "queued": _l("waiting"),
    "running": _l("importing"),
    "done": _l("imported"),
    "failed": _l("failed"),
}


class PeopleImport(BaseModel):
    """An uploaded CSV: its checked rows for the preview, then the job's progress and result."""

    program = ForeignKeyField(Program, backref="imports", on_delete="CASCADE")
    uploaded_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    filename = CharField(default="")
    rows = TextField(default="[]")  # JSON: each row's values and problems
    status = CharField(default="previewed")  # previewed, queued, running, done, failed
    valid_only = BooleanField(default=False)
    total_rows = IntegerField(default=0)
    valid_rows = IntegerField(default=0)
    processed = IntegerField(default=0)
    created = IntegerField(default=0)
    updated = IntegerField(default=0)
    skipped = IntegerField(default=0)
    error = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    finished_at = DateTimeField(null=True)

    @property
    def status_label(self):
        return IMPORT_STATUSES.get(self.status, self.status)
