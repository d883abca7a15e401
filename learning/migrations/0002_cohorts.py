"""Programs, participants, cohorts, memberships, requests, visits and people imports.

Models here are frozen copies: later changes to the app's models need a new migration."""

import datetime

from peewee import *


def _now():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Person(Base):
        class Meta:
            table_name = "person"

    class Program(Base):
        name = CharField()
        description = TextField(default="")
        starts_on = DateField()
        ends_on = DateField()
        cohort_size = SmallIntegerField(default=8)
        guidelines = TextField(default="")
        show_other_cohorts = BooleanField(default=True)
        created_by = ForeignKeyField(Person, null=True, on_delete="SET NULL")
        created_at = DateTimeField(default=_now)

    class Participant(Base):
        program = ForeignKeyField(Program, on_delete="CASCADE")
        person = ForeignKeyField(Person, on_delete="CASCADE")
        added_at = DateTimeField(default=_now)

        class Meta:
            indexes = ((("program", "person"), True),)

    class Cohort(Base):
        program = ForeignKeyField(Program, on_delete="CASCADE")
        name = CharField()
        status = CharField(default="draft", index=True)
        locked = BooleanField(default=False)
        position = IntegerField(default=0)
        created_at = DateTimeField(default=_now)
        published_at = DateTimeField(null=True)

    class Membership(Base):
        cohort = ForeignKeyField(Cohort, on_delete="CASCADE")
        person = ForeignKeyField(Person, on_delete="CASCADE")
        role = CharField(default="member")
        joined_at = DateTimeField(default=_now)

        class Meta:
            indexes = ((("cohort", "person"), True),)

    class MembershipRequest(Base):
        cohort = ForeignKeyField(Cohort, on_delete="CASCADE")
        person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
        reason = TextField(default="")
        status = CharField(default="open", index=True)
        created_at = DateTimeField(default=_now)
        resolved_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
        resolved_at = DateTimeField(null=True)

    class CohortVisit(Base):
        cohort = ForeignKeyField(Cohort, on_delete="CASCADE")
        person = ForeignKeyField(Person, on_delete="CASCADE")
        seen_at = DateTimeField(default=_now)

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
        created_at = DateTimeField(default=_now)
        finished_at = DateTimeField(null=True)

    db.create_tables(
        [Program, Participant, Cohort, Membership, MembershipRequest, CohortVisit, PeopleImport]
    )
