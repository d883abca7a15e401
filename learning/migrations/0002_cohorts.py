"""Programs, participants, cohorts, memberships, requests, visits and people imports.

Models here are frozen copies: later changes to the app's models need a new migration."""

from peewee import *

from learning.db import utcnow
from learning.migrate import existing, frozen_base


def up(migrator, db):
    Base = frozen_base(db)  # noqa: N806

    Person = existing(Base, "person")  # noqa: N806

    class Program(Base):
        name = CharField()
        description = TextField(default="")
        starts_on = DateField()
        ends_on = DateField()
        cohort_size = SmallIntegerField(default=8)
        guidelines = TextField(default="")
        show_other_cohorts = BooleanField(default=True)
        created_by = ForeignKeyField(Person, null=True, on_delete="SET NULL")
        created_at = DateTimeField(default=utcnow)

    class Participant(Base):
        program = ForeignKeyField(Program, on_delete="CASCADE")
        person = ForeignKeyField(Person, on_delete="CASCADE")
        added_at = DateTimeField(default=utcnow)

        class Meta:
            indexes = ((("program", "person"), True),)

    class Cohort(Base):
        program = ForeignKeyField(Program, on_delete="CASCADE")
        name = CharField()
        status = CharField(default="draft", index=True)
        locked = BooleanField(default=False)
        position = IntegerField(default=0)
        created_at = DateTimeField(default=utcnow)
        published_at = DateTimeField(null=True)

    class Membership(Base):
        cohort = ForeignKeyField(Cohort, on_delete="CASCADE")
        person = ForeignKeyField(Person, on_delete="CASCADE")
        role = CharField(default="member")
        joined_at = DateTimeField(default=utcnow)

        class Meta:
            indexes = ((("cohort", "person"), True),)

    class MembershipRequest(Base):
        cohort = ForeignKeyField(Cohort, on_delete="CASCADE")
        person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
        reason = TextField(default="")
        status = CharField(default="open", index=True)
        created_at = DateTimeField(default=utcnow)
        resolved_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
        resolved_at = DateTimeField(null=True)

    class CohortVisit(Base):
        cohort = ForeignKeyField(Cohort, on_delete="CASCADE")
        person = ForeignKeyField(Person, on_delete="CASCADE")
        seen_at = DateTimeField(default=utcnow)

        class Meta:
            indexes = ((("cohort", "person"), True),)

    class PeopleImport(Base):
        program = ForeignKeyField(Program, on_delete="CASCADE")
        uploaded_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
        filename = CharField(default="")
        rows = TextField(default="[]")
        status = CharField(default="previewed")
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

    db.create_tables(
        [Program, Participant, Cohort, Membership, MembershipRequest, CohortVisit, PeopleImport]
    )
