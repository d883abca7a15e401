"""Demo programs: two programs with live cohorts; the demo member and facilitator share one."""

import datetime

from flask_babel import gettext

from cohorts import forming
from cohorts import services as cohorts
from cohorts.meetings.models import Meeting
from cohorts.models import DEFAULT_GUIDELINES, Cohort, Membership
from learning.i18n import default_locale, in_each_language
from learning.people.models import Person

HISTORY_DAYS = 42
PROGRAMS = [
    ("Leading with curiosity", "Six weeks of coaching practice for new people leaders.", 8, 0, 48),
    ("Data literacy for everyone", "Read, question and tell stories with data.", 6, 48, 84),
]


def load(today=None):
    """Create the demo programs if there are none; the demo company must exist already."""
    if Cohort.select().exists():
        return False
    today = today or datetime.date.today()
    manager = Person.get(Person.email == "manager@demo.test")
    member = Person.get(Person.email == "member@demo.test")
    facilitator = Person.get(Person.email == "facilitator@demo.test")
    staff = list(
        Person.select()
        .where(Person.email.not_in([manager.email, "admin@demo.test", "hr@demo.test"]))
        .order_by(Person.id)
    )
    others = [p for p in staff if p.id not in (member.id, facilitator.id)]
    # The suggested guidelines in the company's language, and in each other one.
    guidelines = in_each_language(lambda code: gettext(DEFAULT_GUIDELINES))
    own = guidelines.pop(default_locale())
    for number, (name, description, size, start, stop) in enumerate(PROGRAMS):
        program = cohorts.save_program(
            manager,
            name=name,
            description=description,
            guidelines=own,
            versions={code: {"guidelines": text} for code, text in guidelines.items()},
            # The first program is six weeks in, so analytics have a history to show.
            starts_on=today - datetime.timedelta(days=HISTORY_DAYS if number == 0 else 0),
            ends_on=today + datetime.timedelta(days=42 + 14 * number),
            cohort_size=size,
        )
        people = others[start:stop] + ([member, facilitator] if number == 0 else [])
        cohorts.add_participants(manager, program, people)
        forming.propose(manager, program, size, seed=number)
        if number == 0:
            _together(manager, program, member, facilitator)
        forming.publish(manager, program, notify=False)
        if number == 0:
            _sessions(member, facilitator, today)
        published = datetime.datetime.combine(program.starts_on, datetime.time(8))
        Cohort.update(published_at=published).where(
            Cohort.program == program, Cohort.published_at > published
        ).execute()
    return True


def _sessions(member, facilitator, today):
    """The demo cohort's weekly call: one held last week, the next in two days."""
    cohort = Membership.select(Membership.cohort).where(Membership.person == member).get().cohort
    for days in (-5, 2):
        Meeting.create(
            cohort=cohort, title="Weekly circle", minutes=45, scheduled_by=facilitator,
            starts_at=datetime.datetime.combine(today + datetime.timedelta(days=days),
                                                datetime.time(14)),
            place="https://meet.example.com/weekly-circle",
            agenda="What did you try this week?\nWhat will you try next?",
        )  # fmt: skip


def _together(manager, program, member, facilitator):
    """Put the demo member in the demo facilitator's cohort, and make them facilitate it."""
    home = (
        Membership.select()
        .join(Cohort)
        .where(Cohort.program == program, Membership.person == facilitator)
        .get()
    )
    forming.move(manager, program, member.id, home.cohort_id)
    forming.choose_facilitator(manager, program, home.cohort_id, facilitator.id)
