"""Team challenges: checklist steps, check-ins, goals reached, away weeks, hidden numbers and
hidden boards.

Models here are frozen copies: later changes to the app's models need a new migration."""

from peewee import *

from learning.db import utcnow
from learning.migrate import existing, frozen_base


def up(migrator, db):
    Base = frozen_base(db)  # noqa: N806

    Person = existing(Base, "person")  # noqa: N806

    Program = existing(Base, "program")  # noqa: N806

    Cohort = existing(Base, "cohort")  # noqa: N806

    class Challenge(Base):
        program = ForeignKeyField(Program, on_delete="CASCADE")
        cohort = ForeignKeyField(Cohort, null=True, on_delete="CASCADE")
        title = CharField()
        description = TextField(default="")
        starts_on = DateField()
        ends_on = DateField()
        goal = CharField()
        target = FloatField(default=0)
        unit = CharField(default="")
        weekly_board = BooleanField(default=False)
        created_by = ForeignKeyField(Person, null=True, on_delete="SET NULL")
        created_at = DateTimeField(default=utcnow)

        class Meta:
            indexes = ((("program", "ends_on"), False),)

    class Step(Base):
        challenge = ForeignKeyField(Challenge, on_delete="CASCADE")
        position = IntegerField(default=0)
        title = CharField()

    class CheckIn(Base):
        challenge = ForeignKeyField(Challenge, on_delete="CASCADE")
        cohort = ForeignKeyField(Cohort, on_delete="CASCADE")
        person = ForeignKeyField(Person, on_delete="CASCADE")
        status = CharField()
        amount = FloatField(null=True)
        step = ForeignKeyField(Step, null=True, on_delete="CASCADE")
        note = CharField(default="")
        week = DateField()
        token = CharField(unique=True)
        created_at = DateTimeField(default=utcnow)
        edited_at = DateTimeField(null=True)

        class Meta:
            indexes = (
                (("challenge", "cohort", "created_at"), False),
                (("cohort", "week"), False),
                (("person", "week"), False),
            )

    class GoalReached(Base):
        challenge = ForeignKeyField(Challenge, on_delete="CASCADE")
        cohort = ForeignKeyField(Cohort, on_delete="CASCADE")
        by = ForeignKeyField(Person, null=True, on_delete="SET NULL")
        reached_at = DateTimeField(default=utcnow)

        class Meta:
            indexes = ((("challenge", "cohort"), True),)

    class AwayWeek(Base):
        person = ForeignKeyField(Person, on_delete="CASCADE")
        week = DateField()

        class Meta:
            indexes = ((("person", "week"), True),)

    class HiddenNumbers(Base):
        person = ForeignKeyField(Person, on_delete="CASCADE", unique=True)
        created_at = DateTimeField(default=utcnow)

    class HiddenBoard(Base):
        cohort = ForeignKeyField(Cohort, on_delete="CASCADE", unique=True)
        hidden_by = ForeignKeyField(Person, null=True, on_delete="SET NULL")
        created_at = DateTimeField(default=utcnow)

    # A check-in taken back takes its ledger entry with it: find entries by their object.
    migrator.migrate(migrator.add_index("activity", ("object_type", "object_id"), False))
    db.create_tables([Challenge, Step, CheckIn, GoalReached, AwayWeek, HiddenNumbers, HiddenBoard])
