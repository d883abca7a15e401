"""Challenges and check-ins: every write, with the rules the forms share.

A check-in is a ledger entry written in the same transaction; once it commits, the cohort's
progress is read and a cohort reaching its goal is recorded once, with a ledger entry of its
own."""

import datetime
import uuid

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from challenges import access, progress, streaks
from challenges.models import (
    GOALS,
    STATUSES,
    Challenge,
    CheckIn,
    GoalReached,
    HiddenBoard,
    HiddenNumbers,
    Step,
)
from cohorts.models import Cohort
from cohorts.queries import members
from learning import ledger, once
from learning.audit.services import log
from learning.db import atomic, insert, utcnow
from learning.errors import NotFound, Refused
from learning.i18n import day, number
from learning.live import events as live
from learning.notify.services import path_for
from learning.recognition import milestones

MAX_AMOUNT = 1000  # in one check-in: more is a typo
MAX_TARGET = {"count": 10_000, "amount": 1_000_000}
MAX_STEPS, MAX_DAYS = 20, 366

TEMPLATES = {
    "practice": {
        "title": _l("30 practice sessions"),
        "description": _l(
            "Practise what we learn, together: a 1:1, a meeting you run, a "
            "conversation you prepare. Check in after each one."
        ),
        "goal": "count",
        "target": 30,
        "weeks": 4,
    },
    "hours": {
        "title": _l("40 hours of learning"),
        "description": _l(
            "Reading, courses, talks, practice: log the time you spend learning "
            "and watch the team total grow."
        ),
        "goal": "amount",
        "target": 40,
        "unit": _l("hours"),
        "weeks": 6,
    },
    "kickoff": {
        "title": _l("Getting started"),
        "description": _l("Three small steps that make the first weeks count."),
        "goal": "checklist",
        "steps": [
            _l("Introduce yourself in a thread"),
            _l("Write down one goal for the program"),
            _l("Give feedback on a colleague's work"),
        ],
        "weeks": 2,
    },
    "feedback": {
        "title": _l("Feedback fortnight"),
        "description": _l(
            "Give useful feedback on each other's work: every piece of feedback "
            "you give is a check-in."
        ),
        "goal": "count",
        "target": 20,
        "weeks": 2,
    },
}


# Rules shared by forms and services


def amount_problem(value, limit=MAX_AMOUNT):
    if value is None:
        return _("Enter an amount.")
    if not 0 < value <= limit:
        return _("Enter a number above 0 and at most %(most)s.", most=number(limit))
    return None


def dates_problem(starts_on, ends_on):
    if ends_on <= starts_on:
        return _("The end date must be after the start date.")
    if (ends_on - starts_on).days > MAX_DAYS:
        return _("Keep a challenge to a year at most; start another one after it.")
    return None


def template_values(key, today):
    """A template's fields for the form, with dates from today."""
    values = dict(TEMPLATES.get(key) or {})
    if not values:
        return {}
    weeks = values.pop("weeks")
    values = {key: str(value) if isinstance(value, LazyString) else value
              for key, value in values.items()}  # fmt: skip
    values["steps"] = "\n".join(map(str, values.get("steps", ())))
    values["target"] = str(values.get("target", ""))
    return {**values, "starts_on": today, "ends_on": today + datetime.timedelta(weeks=weeks)}


# Challenges


def _goal(goal, target, unit, steps):
    """The checked (target, unit, steps) of a goal, or Refused with what to fix."""
    if goal not in GOALS:
        raise Refused(_("Choose a kind of goal."), "goal")
    steps = [s.strip() for s in steps if s.strip()]
    if goal == "checklist":
        if not 0 < len(steps) <= MAX_STEPS:
            raise Refused(_("List from 1 to %(num)d steps, one a line.", num=MAX_STEPS), "steps")
        return 0, "", steps
    problem = amount_problem(target, MAX_TARGET[goal])
    if problem:
        raise Refused(problem, "target")
    if goal == "count":
        return int(target), "", []
    if not unit:
        raise Refused(_("Name the unit, for example hours."), "unit")
    return target, unit, []


def outside_program(challenge, program):
    """A word for whoever set `challenge` when its dates reach outside its program's, or ""."""
    if challenge.starts_on < program.starts_on:
        return _(
            "It starts before the program does (%(day)s).", day=day(program.starts_on, "d MMM y")
        )
    if challenge.ends_on > program.ends_on:
        return _("It ends after the program does (%(day)s).", day=day(program.ends_on, "d MMM y"))
    return ""


def _dates(starts_on, ends_on):
    problem = dates_problem(starts_on, ends_on)
    if problem:
        raise Refused(problem, "ends_on")


def create_challenge(
    actor,
    program,
    *,
    cohort=None,
    title,
    description="",
    starts_on,
    ends_on,
    goal,
    target=0,
    unit="",
    steps=(),
    weekly_board=False,
    token=None,
):
    """A challenge for every cohort of `program`, or for `cohort` only; audited. The same
    form sent twice (`token`) sets one."""
    if not access.can_create(actor, cohort):
        raise NotFound
    _dates(starts_on, ends_on)
    target, unit, steps = _goal(goal, target, unit, steps)
    with atomic():
        first = once.sent_before(actor, token, "challenge")
        if first is not None:
            return once.again(first, Challenge)
        challenge = Challenge.create(
            program=program,
            cohort=cohort,
            title=title,
            description=description,
            starts_on=starts_on,
            ends_on=ends_on,
            goal=goal,
            target=target,
            unit=unit,
            weekly_board=weekly_board and cohort is None,
            created_by=actor,
        )
        once.made(token, challenge)
        if steps:
            Step.insert_many(
                [{"challenge": challenge, "position": n, "title": s} for n, s in enumerate(steps)]
            ).execute()
        log(actor, "challenge_created", title, program=program.name, cohort=cohort and cohort.name)
    return challenge


def change_challenge(actor, challenge, *, title, description, starts_on, ends_on, target=0,
                     unit="", weekly_board=False):  # fmt: skip
    """Change what a challenge says, its dates and its target; its kind of goal and its steps
    stay, so check-ins keep their meaning. A goal already reached stays reached."""
    if not access.can_create(actor, challenge.cohort):
        raise NotFound
    _dates(starts_on, ends_on)
    target, unit, _ = _goal(challenge.goal, target, unit, ["kept"])
    with atomic():
        challenge.title, challenge.description = title, description
        challenge.starts_on, challenge.ends_on = starts_on, ends_on
        challenge.target, challenge.unit = target, unit
        challenge.weekly_board = weekly_board and challenge.cohort_id is None
        challenge.save()
        log(actor, "challenge_changed", title)
        # A lowered target may mean a cohort is there already.
        cohorts = Cohort.select(Cohort.id).where(
            Cohort.program == challenge.program_id, Cohort.status == "published"
        )
        if challenge.cohort_id:
            cohorts = cohorts.where(Cohort.id == challenge.cohort_id)
        tallies = progress.tally([challenge], [c.id for c in cohorts])
        for (_, cohort_id), current in tallies.items():
            _record_reached(challenge, cohort_id, current, actor, utcnow())
    return challenge


# Check-ins


def _checked(person, challenge, cohort, status, amount, step_id, note, today, entry=None,
             token=None):  # fmt: skip
    """The amount and step a check-in may record, or Refused with what to fix. A step done
    by the check-in's own form (`token`, sent again) is not done "already"."""
    if not access.can_check_in(person, cohort):
        raise NotFound
    if status not in STATUSES:
        raise Refused(_("Choose did it, blocked or skipped."), "status")
    if entry is None:
        if today > challenge.ends_on:
            raise Refused(
                _(
                    "This challenge ended on %(day)s; check-ins are "
                    "closed. Thank you for taking part!",
                    day=day(challenge.ends_on),
                )
            )
        if today < challenge.starts_on:
            raise Refused(_("This challenge starts on %(day)s.", day=day(challenge.starts_on)))
    if len(note) > 140:
        raise Refused(_("Keep the note to one line of 140 characters."), "note")
    step = None
    if challenge.goal == "checklist" and (step_id or status == "done"):
        step = Step.get_or_none(Step.id == step_id, Step.challenge == challenge)
        if step is None:
            raise Refused(_("Choose the step you did."), "step")
        if status == "done":
            again = CheckIn.select().where(
                CheckIn.challenge == challenge,
                CheckIn.person == person,
                CheckIn.step == step,
                CheckIn.status == "done",
            )
            if entry is not None:
                again = again.where(CheckIn.id != entry.id)
            if token:
                again = again.where(CheckIn.token != token)
            if again.exists():
                raise Refused(_("You have already done “%(step)s”.", step=step.title), "step")
    if challenge.goal == "amount" and status == "done":
        problem = amount_problem(amount)
        if problem:
            raise Refused(problem, "amount")
    else:
        amount = None
    return amount, step


def check_in(person, challenge, cohort, status, *, amount=None, step_id=None, note="",
             token=None, now=None):  # fmt: skip
    """Record a check-in. The same form submitted twice (same `token`) records one."""
    now = now or utcnow()
    today = streaks.local_date(person, now)
    amount, step = _checked(person, challenge, cohort, status, amount, step_id, note, today,
                            token=token)  # fmt: skip
    token = token or uuid.uuid4().hex
    fields = {"challenge": challenge, "cohort": cohort, "person": person, "status": status,
              "amount": amount, "step": step, "note": note, "week": streaks.week_of(today),
              "token": token, "created_at": now}  # fmt: skip
    with atomic():
        entry = CheckIn(**fields)
        if insert(entry, new_only=True) is None:  # the same form again: nothing new
            entry = CheckIn.get(CheckIn.token == token)
            if entry.person_id != person.id:
                raise NotFound
            entry.progress = None
            return entry
        ledger.record(person, "checked_in", cohort_id=cohort.id, obj=entry, at=now)
    entry.progress = _reach(challenge, cohort, person, now)
    # Once, after the goal is recorded too: a page that heard of the check-in before then
    # would read the progress without it, and its next request could be lost to the swap.
    live.publish(live.PROGRESS_CHANGED, cohort_id=cohort.id, challenge=challenge.id)
    _celebrate_streak(person, cohort, now)
    return entry


STREAK_CELEBRATED = 4


def _celebrate_streak(person, cohort, now):
    key = f"streak_4:{person.id}"
    if milestones.reached(key) or streaks.person_streak(person, now) < STREAK_CELEBRATED:
        return
    milestones.award("streak_4", key, cohort_id=cohort.id, place=cohort.name, person=person,
                     link=path_for("cohorts.show", cohort_id=cohort.id))  # fmt: skip


def _reach(challenge, cohort, person, now):
    """The cohort's progress towards the challenge, once the goal is recorded if reached.

    Read after the check-in commits, not in its transaction: on SQLite that would keep every
    other writer waiting for the read. Of check-ins committed together, the one that reads
    last sees them all, and the goal is recorded once (`GoalReached` is unique)."""
    current = progress.progress_of(challenge, cohort)
    _record_reached(challenge, cohort.id, current, person, now)
    return current


def _record_reached(challenge, cohort_id, current, person, now):
    """Record, once, that the cohort reached the goal; it stays reached."""
    if current.reached_at or not current.goal or current.done < current.goal:
        return
    reached = GoalReached(challenge=challenge, cohort=cohort_id, by=person, reached_at=now)
    with atomic():
        if not insert(reached, new_only=True):
            return
        current.reached_at = now
        ledger.record(person, "goal_reached", cohort_id=cohort_id, obj=challenge, at=now)
        cohort = Cohort.get_by_id(cohort_id)
        milestones.award(
            "goal_reached",
            f"goal_reached:{challenge.id}:{cohort_id}",
            cohort_id=cohort_id,
            place=cohort.name,
            people=[m.person_id for m in members(cohort)],
            link=path_for("challenges.show", cohort_id=cohort_id, challenge_id=challenge.id),
            challenge=challenge.title,
        )


def edit_check_in(person, entry, status, *, amount=None, step_id=None, note="", now=None):
    """Change one's own check-in within 24 hours of making it."""
    now = now or utcnow()
    if entry.person_id != person.id:
        raise NotFound
    access.require_editable(entry, now)
    challenge, cohort = entry.challenge, entry.cohort
    today = streaks.local_date(person, now)
    amount, step = _checked(person, challenge, cohort, status, amount, step_id, note, today, entry)
    with atomic():
        entry.status, entry.amount, entry.step, entry.note = status, amount, step, note
        entry.edited_at = now
        entry.save()
    _reach(challenge, cohort, person, now)
    return entry


def delete_check_in(person, entry, now=None):
    """Take back one's own check-in within 24 hours; its ledger entry goes with it. A goal
    already reached stays reached."""
    if entry.person_id != person.id:
        raise NotFound
    access.require_editable(entry, now)
    with atomic():
        ledger.withdraw(entry)
        entry.delete_instance()


# Choices


def hides_numbers(person):
    return HiddenNumbers.select().where(HiddenNumbers.person == person).exists()


def hide_numbers(person, hidden=True):
    """Keep one's numbers from others (they still count for the team), or show them again."""
    if hidden:
        HiddenNumbers.insert(person=person).on_conflict_ignore().execute()
    else:
        HiddenNumbers.delete().where(HiddenNumbers.person == person).execute()


def hide_board(actor, cohort, hidden=True):
    """The facilitator (or L&D) turns the program board off or on for the cohort; audited."""
    if not access.can_hide_board(actor, cohort):
        raise NotFound
    with atomic():
        if hidden:
            insert(HiddenBoard(cohort=cohort, hidden_by=actor), new_only=True)
        else:
            HiddenBoard.delete().where(HiddenBoard.cohort == cohort).execute()
        log(actor, "board_hidden" if hidden else "board_shown", cohort.name)
