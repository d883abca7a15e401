"""Team challenges, their checklist steps, check-ins, goals reached, away weeks and choices
about what others see."""

from flask_babel import lazy_gettext as _l
from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from cohorts.models import Cohort, Program
from learning.db import BaseModel, utcnow
from learning.people.models import Person

GOALS = {
    "count": _l("Check-ins together"),
    "amount": _l("A total amount, in a unit"),
    "checklist": _l("The same steps for everyone"),
}
STATUSES = {"done": _l("Did it"), "blocked": _l("Blocked"), "skipped": _l("Skipped")}


class Challenge(BaseModel):
    """A shared goal. A program challenge (no cohort) gives every cohort of the program its
    own copy of the goal; a cohort challenge is for one cohort."""

    program = ForeignKeyField(Program, backref="challenges", on_delete="CASCADE")
    cohort = ForeignKeyField(Cohort, null=True, backref="challenges", on_delete="CASCADE")
    title = CharField()
    description = TextField(default="")
    starts_on = DateField()
    ends_on = DateField()
    goal = CharField()  # count, amount, checklist
    # Check-ins (count) or the total (amount) a cohort reaches together; unused by checklists,
    # whose goal is every step for every member.
    target = FloatField(default=0)
    unit = CharField(default="")
    # The program board ranks this week's progress rather than the whole challenge's.
    weekly_board = BooleanField(default=False)
    created_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("program", "ends_on"), False),)

    @property
    def goal_label(self):
        return GOALS[self.goal]


class Step(BaseModel):
    """One step of a checklist challenge."""

    challenge = ForeignKeyField(Challenge, backref="steps", on_delete="CASCADE")
    position = IntegerField(default=0)
    title = CharField()


class CheckIn(BaseModel):
    challenge = ForeignKeyField(Challenge, backref="check_ins", on_delete="CASCADE")
    cohort = ForeignKeyField(Cohort, backref="+", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="check_ins", on_delete="CASCADE")
    status = CharField()  # done, blocked, skipped
    amount = FloatField(null=True)  # for amount goals, when done
    step = ForeignKeyField(Step, null=True, backref="+", on_delete="CASCADE")  # checklists
    note = CharField(default="")
    # The Monday of the week the check-in belongs to, in the person's own time zone.
    week = DateField()
    # Sent with the form: submitting the same form twice records one check-in.
    token = CharField(unique=True)
    created_at = DateTimeField(default=utcnow)
    edited_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            # Recent check-ins in order; progress counted from it alone (migration 0019).
            (("challenge", "cohort", "created_at", "status", "amount", "edited_at", "id"), False),
            # The streaks read these alone (migration 0018).
            (("cohort", "week", "person"), False),
            (("person", "week", "challenge", "cohort", "step", "status"), False),
            (("cohort", "created_at"), False),
            (("person", "created_at"), False),
        )

    @property
    def status_label(self):
        return STATUSES[self.status]


class GoalReached(BaseModel):
    """A cohort reached a challenge's goal: recorded once, and it stays reached."""

    challenge = ForeignKeyField(Challenge, backref="+", on_delete="CASCADE")
    cohort = ForeignKeyField(Cohort, backref="+", on_delete="CASCADE")
    by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    reached_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("challenge", "cohort"), True),)


class AwayWeek(BaseModel):
    """A week a person is away (leave, holidays): it pauses their streaks instead of
    breaking them."""

    person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    week = DateField()  # a Monday

    class Meta:
        indexes = ((("person", "week"), True),)


class HiddenNumbers(BaseModel):
    """A person who keeps their own numbers to themselves; their check-ins still count."""

    person = ForeignKeyField(Person, backref="+", on_delete="CASCADE", unique=True)
    created_at = DateTimeField(default=utcnow)


class HiddenBoard(BaseModel):
    """A cohort whose facilitator turned the program board off: the cohort does not see it,
    and other cohorts do not see the cohort on it."""

    cohort = ForeignKeyField(Cohort, backref="+", on_delete="CASCADE", unique=True)
    hidden_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
