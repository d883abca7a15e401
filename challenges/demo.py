"""Demo challenges: in every program a finished checklist and a running count, a cohort's own
amount challenge, and weeks of check-ins, so progress, streaks and the board show something."""

import datetime
import random

from challenges import services
from challenges.models import Challenge
from cohorts.models import Cohort, Membership, Program
from learning.db import utcnow
from learning.people.models import Person

DAY = datetime.timedelta(days=1)
NOTES = ["", "", "", "Ran my first skip-level", "Tried the listening drill", "Short one today",
         "Paired with a colleague", "Used the feedback template"]  # fmt: skip
BLOCKED = ["Could not find a slot this week", "Not sure how to start", "Need a second pair of eyes"]


def load(now=None):
    """Create the demo challenges if there are none; the demo programs must exist already."""
    if Challenge.select().exists():
        return False
    now = now or utcnow()
    today = now.date()
    rng = random.Random(11)
    manager = Person.get(Person.email == "manager@demo.test")
    for program in Program.select().order_by(Program.id):
        running = services.create_challenge(
            manager,
            program,
            **_from_template(
                "practice", max(program.starts_on, today - 10 * DAY), today + 18 * DAY
            ),
        )
        finished = None
        if program.starts_on <= today - 10 * DAY:
            finished = services.create_challenge(
                manager, program, **_from_template("kickoff", program.starts_on, today - 3 * DAY)
            )
        cohorts = list(
            Cohort.select()
            .where(Cohort.program == program, Cohort.status == "published")
            .order_by(Cohort.position, Cohort.id)
        )
        for number, cohort in enumerate(cohorts):
            members = [m.person for m in Membership.select(Membership, Person).join(Person)
                       .where(Membership.cohort == cohort)]  # fmt: skip
            if finished:
                _checklist(rng, finished, cohort, members, everyone=number == 0)
            if running.starts_on < today:
                _practice(rng, running, cohort, members, today)
    _facilitators_own(rng, now)
    return True


def _from_template(key, starts_on, ends_on):
    values = services.template_values(key, starts_on)
    return {
        **values,
        "target": float(values["target"] or 0),
        "steps": values["steps"].splitlines(),
        "ends_on": ends_on,
    }


def _moment(rng, start, end):
    """A working-hours time between two dates, a day clear of either, so the date is the same
    in every time zone."""
    span = max(1, (end - start).days - 2)
    day = start + DAY * (1 + rng.randrange(span))
    return datetime.datetime.combine(day, datetime.time(rng.randrange(8, 17), rng.randrange(60)))


def _checklist(rng, challenge, cohort, members, everyone):
    for person in members:
        for step in challenge.steps.order_by("position"):
            if everyone or rng.random() < 0.8:
                moment = _moment(rng, challenge.starts_on, challenge.ends_on)
                services.check_in(person, challenge, cohort, "done", step_id=step.id, now=moment)


def _practice(rng, challenge, cohort, members, today):
    for person in members:
        for _ in range(rng.choice([0, 1, 2, 3, 3, 4])):
            moment = _moment(rng, challenge.starts_on, today)
            status = rng.choices(["done", "blocked", "skipped"], [10, 1, 1])[0]
            note = rng.choice(BLOCKED if status == "blocked" else NOTES)
            services.check_in(person, challenge, cohort, status, note=note, now=moment)


def _facilitators_own(rng, now):
    """The demo facilitator set their cohort a challenge of its own: hours of learning."""
    facilitator = Person.get(Person.email == "facilitator@demo.test")
    membership = (
        Membership.select(Membership, Cohort)
        .join(Cohort)
        .where(Membership.person == facilitator, Membership.role == "facilitator")
        .first()
    )
    if membership is None:
        return
    cohort, today = membership.cohort, now.date()
    challenge = services.create_challenge(
        facilitator,
        cohort.program,
        cohort=cohort,
        **_from_template("hours", today - 8 * DAY, today + 34 * DAY),
    )
    for item in (
        Membership.select(Membership, Person).join(Person).where(Membership.cohort == cohort)
    ):
        for _ in range(rng.randrange(1, 4)):
            moment = _moment(rng, challenge.starts_on, today)
            hours = rng.choice([0.5, 1, 1, 1.5, 2])
            services.check_in(item.person, challenge, cohort, "done", amount=hours, now=moment)
