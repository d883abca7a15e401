"""Polls, their options and who has answered.

An anonymous poll keeps who has answered (`Voter`: so nobody answers twice) apart from what
they chose (the options' `votes` counters), with nothing that ties the two: no row per
answer, no time, no id in order. A named poll also keeps who chose what (`Vote`)."""

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField

from cohorts.models import Cohort
from learning.db import BaseModel, utcnow
from learning.people.models import Person

VOTED, CLOSED = "voted", "closed"  # when the results show: once one answered, once it closed
SCALE = range(1, 6)  # a pulse check's answers


class Poll(BaseModel):
    cohort = ForeignKeyField(Cohort, backref="polls", on_delete="CASCADE")
    author = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    question = CharField()
    scale = BooleanField(default=False)  # a pulse check: 1 to 5 rather than options
    multiple = BooleanField(default=False)  # several options may be chosen
    anonymous = BooleanField(default=False)
    results = CharField(default=VOTED)
    closes_at = DateTimeField(null=True)
    closed_at = DateTimeField(null=True)  # closed early by its author
    voters = IntegerField(default=0)
    created_at = DateTimeField(default=utcnow)
    # A pulse asked again every week: the first asking (`series`, itself included), which
    # asking this is (`round`), and whether it is to be asked again a week after it opened.
    series = ForeignKeyField("self", null=True, backref="+", on_delete="CASCADE")
    round = IntegerField(default=0)
    repeats = BooleanField(default=False)

    class Meta:
        indexes = (
            (("cohort", "created_at"), False),
            (("series", "round"), True),  # each week's asking once
        )

    def is_closed(self, now):
        return self.closed_at is not None or (self.closes_at is not None and self.closes_at <= now)


class PollOption(BaseModel):
    poll = ForeignKeyField(Poll, backref="options", on_delete="CASCADE")
    position = IntegerField()
    label = CharField()
    votes = IntegerField(default=0)  # how many chose it: the only record of anonymous choices

    class Meta:
        indexes = ((("poll", "position"), True),)


class Voter(BaseModel):
    """Who has answered a poll, never what or when."""

    poll = ForeignKeyField(Poll, backref="+", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")

    class Meta:
        indexes = ((("poll", "person"), True),)


class Vote(BaseModel):
    """In a named poll: who chose which option."""

    poll = ForeignKeyField(Poll, backref="+", on_delete="CASCADE")
    option = ForeignKeyField(PollOption, backref="+", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")

    class Meta:
        indexes = ((("poll", "person", "option"), True),)
