"""Polls in the cohort space: questions, their options, who answered and (named polls only)
who chose what; pulses asked again every week; and whether only a cohort's facilitators
start polls.

Models here are frozen copies: later changes to the app's models need a new migration."""

from peewee import *

from learning.db import utcnow
from learning.migrate import existing, frozen_base


def up(migrator, db):
    Base = frozen_base(db)  # noqa: N806
    Person = existing(Base, "person")  # noqa: N806
    Cohort = existing(Base, "cohort")  # noqa: N806

    class Poll(Base):
        cohort = ForeignKeyField(Cohort, on_delete="CASCADE")
        author = ForeignKeyField(Person, on_delete="CASCADE")
        question = CharField()
        scale = BooleanField(default=False)
        multiple = BooleanField(default=False)
        anonymous = BooleanField(default=False)
        results = CharField(default="voted")
        closes_at = DateTimeField(null=True)
        closed_at = DateTimeField(null=True)
        voters = IntegerField(default=0)
        created_at = DateTimeField(default=utcnow)
        series = ForeignKeyField("self", null=True, on_delete="CASCADE")
        round = IntegerField(default=0)
        repeats = BooleanField(default=False)

        class Meta:
            indexes = (
                (("cohort", "created_at"), False),
                (("series", "round"), True),
            )

    class PollOption(Base):
        poll = ForeignKeyField(Poll, on_delete="CASCADE")
        position = IntegerField()
        label = CharField()
        votes = IntegerField(default=0)

        class Meta:
            indexes = ((("poll", "position"), True),)

    class Voter(Base):
        poll = ForeignKeyField(Poll, on_delete="CASCADE")
        person = ForeignKeyField(Person, on_delete="CASCADE")

        class Meta:
            indexes = ((("poll", "person"), True),)

    class Vote(Base):
        poll = ForeignKeyField(Poll, on_delete="CASCADE")
        option = ForeignKeyField(PollOption, on_delete="CASCADE")
        person = ForeignKeyField(Person, on_delete="CASCADE")

        class Meta:
            indexes = ((("poll", "person", "option"), True),)

    db.create_tables([Poll, PollOption, Voter, Vote])
    migrator.migrate(
        migrator.add_column("cohort", "polls_by_facilitators", BooleanField(default=False))
    )
