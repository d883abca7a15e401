"""What the pages of challenges read: the cohort's challenges as cards with progress and the
viewer's part (the cohort space's section), a program's challenges, one's own check-ins, the
blocked ones of the week."""

import datetime
from dataclasses import dataclass, field, replace

from peewee import JOIN

from challenges import progress, queries, streaks
from challenges.models import Challenge, CheckIn, Step
from cohorts.models import Cohort
from learning.db import utcnow

RECENTLY_ENDED = datetime.timedelta(days=14)  # finished challenges stay in the space so long
BLOCKED_SHOWN = datetime.timedelta(days=7)


def cohort_challenges(cohort, today):
    """The cohort's running and upcoming challenges, then those that ended lately, each
    knowing whether the cohort hid the program board (`board_hidden`)."""
    rows = queries.challenges_of(cohort, cohort.program_id, today - RECENTLY_ENDED)
    return sorted(rows, key=lambda c: c.ends_on < today)


def program_challenges(program):
    """Every challenge of the program, newest first, with the cohort of cohort challenges."""
    return list(
        Challenge.select(Challenge, Cohort)
        .join(Cohort, JOIN.LEFT_OUTER)
        .where(Challenge.program == program)
        .order_by(Challenge.starts_on.desc(), Challenge.id.desc())
    )


def phase(challenge, today):
    """upcoming, running or ended, on the viewer's calendar."""
    if today < challenge.starts_on:
        return "upcoming"
    return "ended" if today > challenge.ends_on else "running"


def my_check_ins(person, limit=30):
    """The person's latest check-ins, with their challenges and cohorts."""
    return list(
        CheckIn.select(CheckIn, Challenge, Cohort, Step)
        .join(Challenge)
        .switch(CheckIn)
        .join(Cohort)
        .switch(CheckIn)
        .join(Step, JOIN.LEFT_OUTER)
        .where(CheckIn.person == person)
        .order_by(CheckIn.created_at.desc(), CheckIn.id.desc())
        .limit(limit)
    )


def blocked_lately(cohort, now=None):
    """Blocked check-ins of the last week: invitations to help."""
    return list(queries.blocked_since(cohort, (now or utcnow()) - BLOCKED_SHOWN))


@dataclass
class Card:
    """One challenge as the cohort space shows it, with the viewer's own part."""

    challenge: Challenge
    progress: progress.Progress
    phase: str
    steps: list = field(default_factory=list)
    done_steps: set = field(default_factory=set)  # the viewer's
    this_week: int = 0  # the viewer's check-ins this week
    today: object = None  # on the viewer's calendar


def cards(cohort, person, now=None, challenges=None, own=None, tallies=None):
    """The cohort's challenges (or `challenges`) with progress and the viewer's part, in a
    fixed number of queries whatever the number of challenges. `own` brings the viewer's
    check-ins in the cohort, counted as (challenge, step, status, week, count), and `tallies`
    the progress, if they were read already."""
    today = streaks.local_date(person, now)
    challenges = cohort_challenges(cohort, today) if challenges is None else challenges
    if not challenges:
        return []
    if tallies is None:
        tallies = progress.tally(challenges, [cohort.id])
    week = streaks.week_of(today)
    if own is None:
        own = queries.own_check_ins_counted(person, cohort, challenges)
    mine = list(own)
    result = []
    for challenge in challenges:
        own = [row for row in mine if row[0] == challenge.id]
        result.append(
            Card(
                challenge,
                tallies[challenge.id, cohort.id],
                phase(challenge, today),
                tallies[challenge.id, cohort.id].steps,
                {step for _, step, status, *_ in own if step and status == "done"},
                sum(count for *_, w, count in own if w == week),
                today,
            )
        )
    return result


def card_after(card, entry):
    """`card` once its viewer checked in `entry`: with the progress read as it was recorded
    and the viewer's part counting it, without reading again."""
    done = entry.status == "done" and entry.step_id
    return replace(
        card,
        progress=entry.progress,
        done_steps=card.done_steps | {entry.step_id} if done else card.done_steps,
        this_week=card.this_week + (entry.week == streaks.week_of(card.today)),
    )


def card(cohort, challenge, person, now=None):
    [only] = cards(cohort, person, now, [challenge])
    return only


def card_to_check_in(cohort, challenge, person):
    """What a check-in's form needs (the viewer's part, a checklist's steps), without the
    cohort's progress: the check-in reads that once it is recorded (`card_after`)."""
    steps = progress.steps_of([challenge.id]) if challenge.goal == "checklist" else {}
    blank = progress.Progress(challenge, steps=steps.get(challenge.id, []))
    [only] = cards(cohort, person, None, [challenge], tallies={(challenge.id, cohort.id): blank})
    return only
