"""How far cohorts are towards their goals, what each member contributed, and the program
board. Every read here is a fixed number of grouped queries, whatever the number of
challenges, cohorts or check-ins."""

import hashlib
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from peewee import JOIN, Case, fn

from challenges import queries
from challenges.models import Challenge, CheckIn, GoalReached, HiddenBoard, HiddenNumbers, Step
from challenges.streaks import week_of
from cohorts.models import Cohort, Membership
from learning.db import utcnow
from learning.i18n import day, said, said_n
from learning.people.models import Person
from learning.text import amount_text, quantity, starts_in


@dataclass
class Progress:
    """One cohort's progress towards one challenge's goal."""

    challenge: Challenge
    done: float = 0  # check-ins (count), the total (amount) or steps completed (checklist)
    goal: float = 0
    blocked: int = 0
    reached_at: object = None
    fingerprint: str = ""
    steps: list = field(default_factory=list)  # a checklist's steps, in order

    @property
    def share(self):
        return min(1.0, self.done / self.goal) if self.goal else 0.0

    @property
    def percent(self):
        # Rounded down: 99.6% is not done yet.
        return int(self.share * 100)

    @property
    def left(self):
        return max(0, self.goal - self.done)


def tally(challenges, cohort_ids, week=None):
    """{(challenge id, cohort id): Progress} for every pair; `week` counts only that week's
    check-ins (for weekly boards)."""
    ids = [c.id for c in challenges]
    result = {(c.id, k): Progress(c) for c in challenges for k in cohort_ids}
    if not ids or not cohort_ids:
        return result
    raw, reached = {}, {}
    rows = queries.tally_rows(ids, list(cohort_ids), week)
    for challenge_id, cohort_id, done, amount, blocked, count, newest, edited, at in rows:
        if at is not None:
            reached[challenge_id, cohort_id] = GoalReached.reached_at.python_value(at)
            continue
        raw[challenge_id, cohort_id] = (done or 0, float(amount or 0), blocked or 0)
        result[challenge_id, cohort_id].fingerprint = f"{count}.{newest}.{edited}.{amount}"
    checklists = [c.id for c in challenges if c.goal == "checklist"]
    steps = steps_of(checklists)
    sizes = member_counts(cohort_ids) if checklists else {}
    completed = _steps_completed(checklists, cohort_ids, week) if checklists else {}
    for (challenge_id, cohort_id), item in result.items():
        done, amount, blocked = raw.get((challenge_id, cohort_id), (0, 0.0, 0))
        goal = item.challenge.goal
        item.blocked = blocked
        item.reached_at = reached.get((challenge_id, cohort_id))
        if goal == "checklist":
            item.steps = steps.get(challenge_id, [])
            item.done = completed.get((challenge_id, cohort_id), 0)
            item.goal = len(item.steps) * sizes.get(cohort_id, 0)
        else:
            item.done = done if goal == "count" else amount
            item.goal = item.challenge.target
        item.fingerprint = hashlib.blake2b(
            f"{item.fingerprint}|{float(item.done)}|{float(item.goal)}|{item.reached_at}".encode(),
            digest_size=6,
        ).hexdigest()
    return result


def steps_of(challenge_ids):
    """{challenge id: [steps in order]} for these checklists."""
    found = {i: [] for i in challenge_ids}
    if challenge_ids:
        for step in Step.select().where(Step.challenge.in_(challenge_ids)).order_by(Step.position):
            found[step.challenge_id].append(step)
    return found


def member_counts(cohort_ids):
    return dict(
        Membership.select(Membership.cohort, fn.COUNT(Membership.id))
        .where(Membership.cohort.in_(cohort_ids))
        .group_by(Membership.cohort)
        .tuples()
    )


def _steps_completed(challenge_ids, cohort_ids, week=None):
    """Steps done by people who are still members: someone who left no longer counts
    towards "every member", in either direction."""
    query = (
        CheckIn.select(CheckIn.challenge, CheckIn.cohort, fn.COUNT(fn.DISTINCT(CheckIn.step)))
        .join(
            Membership,
            on=(Membership.cohort == CheckIn.cohort) & (Membership.person == CheckIn.person),
        )
        .where(
            CheckIn.challenge.in_(challenge_ids),
            CheckIn.cohort.in_(cohort_ids),
            CheckIn.status == "done",
            CheckIn.step.is_null(False),
        )
        .group_by(CheckIn.challenge, CheckIn.cohort, CheckIn.person)
    )
    if week is not None:
        query = query.where(CheckIn.week == week)
    completed = {}
    for challenge_id, cohort_id, steps in query.tuples():
        completed[challenge_id, cohort_id] = completed.get((challenge_id, cohort_id), 0) + steps
    return completed


def progress_of(challenge, cohort):
    return tally([challenge], [cohort.id])[challenge.id, cohort.id]


@dataclass
class Contribution:
    person: Person
    role: str
    done: int = 0
    amount: float = 0
    steps: int = 0
    blocked: int = 0
    hidden: bool = False  # the person keeps their numbers to themselves


def contributions(challenge, cohort, viewer):
    """Each member's part, by name (never ranked: there is no individual leaderboard). The
    numbers of people who hide them are left out, except for themselves."""
    memberships = list(
        Membership.select(Membership, Person)
        .join(Person)
        .where(Membership.cohort == cohort)
        .order_by(Person.display_name)
    )
    done = CheckIn.status == "done"
    numbers = {
        person_id: rest
        for person_id, *rest in CheckIn.select(
            CheckIn.person,
            fn.SUM(Case(None, [(done, 1)], 0)),
            fn.SUM(Case(None, [(done, CheckIn.amount)], 0)),
            fn.COUNT(fn.DISTINCT(Case(None, [(done, CheckIn.step)], None))),
            fn.SUM(Case(None, [(CheckIn.status == "blocked", 1)], 0)),
        )
        .where(CheckIn.challenge == challenge, CheckIn.cohort == cohort)
        .group_by(CheckIn.person)
        .tuples()
    }
    hiding = hidden_people([m.person_id for m in memberships])
    result = []
    for membership in memberships:
        count, amount, steps, blocked = numbers.get(membership.person_id, (0, 0, 0, 0))
        result.append(
            Contribution(
                membership.person,
                membership.role,
                count or 0,
                float(amount or 0),
                steps or 0,
                blocked or 0,
                membership.person_id in hiding and membership.person_id != viewer.id,
            )
        )
    return result


def hidden_people(person_ids):
    return {
        person_id
        for (person_id,) in HiddenNumbers.select(HiddenNumbers.person)
        .where(HiddenNumbers.person.in_(person_ids))
        .tuples()
    }


def recent_check_ins(challenge, cohort, limit=20):
    """The latest check-ins with their people; `hidden` marks people who hide their numbers."""
    rows = list(
        CheckIn.select(CheckIn, Person, Step)
        .join(Person)
        .switch(CheckIn)
        .join(Step, JOIN.LEFT_OUTER)
        .where(CheckIn.challenge == challenge, CheckIn.cohort == cohort)
        .order_by(CheckIn.created_at.desc(), CheckIn.id.desc())
        .limit(limit)
    )
    hiding = hidden_people({row.person_id for row in rows})
    for row in rows:
        row.hidden = row.person_id in hiding
    return rows


@dataclass
class Place:
    cohort: Cohort
    progress: Progress
    name: str
    mine: bool = False
    rank: int | None = None  # equal shares share a place; none before any progress


def _rank(places):
    """Places 1, 2, 2, 4 by share of the goal, in the order given; no place at 0%."""
    previous = None
    for n, place in enumerate(places, start=1):
        if place.progress.share != previous:
            rank, previous = n, place.progress.share
        place.rank = rank if place.progress.share > 0 else None


def boards(program, challenges, viewer_cohort=None):
    """{challenge id: places}: the program's cohorts ranked by share of each goal reached
    (this week's share on a weekly board), in a fixed number of queries. Seen from a cohort:
    cohorts that hid the board are left out, and other cohorts are unnamed when the program
    says so; the result is None when the viewer's cohort hid it."""
    hidden = {cohort_id for (cohort_id,) in HiddenBoard.select(HiddenBoard.cohort).tuples()}
    if viewer_cohort is not None and viewer_cohort.id in hidden:
        return None
    cohorts = list(
        Cohort.select()
        .where(Cohort.program == program, Cohort.status == "published")
        .order_by(Cohort.position, Cohort.id)
    )
    if viewer_cohort is not None:
        cohorts = [c for c in cohorts if c.id not in hidden]
    ids = [c.id for c in cohorts]
    weekly = [c for c in challenges if c.weekly_board]
    progress = tally([c for c in challenges if not c.weekly_board], ids)
    progress.update(tally(weekly, ids, week_of(utcnow().date())) if weekly else {})
    result = {}
    for challenge in challenges:
        places = []
        for cohort in cohorts:
            mine = viewer_cohort is not None and cohort.id == viewer_cohort.id
            named = viewer_cohort is None or mine or program.show_other_cohorts
            current = progress[challenge.id, cohort.id]
            places.append(Place(cohort, current, cohort.name if named else "", mine))
        places.sort(key=lambda p: (-p.progress.share, p.cohort.position, p.cohort.id))
        _rank(places)
        result[challenge.id] = places
    return result


# Words for progress


def progress_text(challenge, current):
    """How far a cohort is, to be worded for whoever reads it (`|worded`): the digest
    composes it for many readers at once."""
    if current.done > current.goal > 0 and challenge.goal != "checklist":
        goal = amount_text(current.goal)
        if challenge.goal == "count":
            return said_n(
                "%(num)d check-in together: past the goal of %(goal)s",
                "%(num)d check-ins together: past the goal of %(goal)s",
                int(current.done), goal=goal,
            )  # fmt: skip
        done = quantity(current.done, challenge.unit)
        return said("%(done)s together: past the goal of %(goal)s", done=done, goal=goal)
    share = current.percent
    if challenge.goal == "count":
        return said_n(
            "%(done)s of %(num)d check-in together (%(share)s%%)",
            "%(done)s of %(num)d check-ins together (%(share)s%%)",
            int(current.goal), done=int(current.done), share=share,
        )  # fmt: skip
    if challenge.goal == "amount":
        goal = quantity(current.goal, challenge.unit)
        done = amount_text(current.done)
        return said(
            "%(done)s of %(goal)s together (%(share)s%%)", done=done, goal=goal, share=share
        )
    return said_n(
        "%(done)s of %(num)d step done (%(share)s%%)",
        "%(done)s of %(num)d steps done (%(share)s%%)",
        int(current.goal), done=int(current.done), share=share,
    )  # fmt: skip


def left_text(challenge, current):
    if challenge.goal == "count":
        return ngettext("%(num)d more to go.", "%(num)d more to go.", int(current.left))
    if challenge.goal == "amount":
        return _("%(left)s to go.", left=quantity(current.left, challenge.unit))
    return ngettext(
        "%(num)d step to go, for everyone.", "%(num)d steps to go, for everyone.", int(current.left)
    )


def days_text(card):
    c, today = card.challenge, card.today
    if card.phase == "upcoming":
        return starts_in((c.starts_on - today).days)
    if card.phase == "ended":
        return _("Ended on %(day)s", day=day(c.ends_on, "d MMMM"))
    days = (c.ends_on - today).days
    if days == 0:
        return _("Last day today")
    return ngettext("%(num)d day left", "%(num)d days left", days)


def contribution_text(challenge, part):
    if challenge.goal == "count":
        parts = [ngettext("%(num)d check-in", "%(num)d check-ins", part.done)]
    elif challenge.goal == "amount":
        parts = [quantity(part.amount, challenge.unit)]
    else:
        parts = [ngettext("%(num)d step done", "%(num)d steps done", part.steps)]
    if part.blocked:
        parts.append(ngettext("%(num)d blocked", "%(num)d blocked", part.blocked))
    return ", ".join(parts)
