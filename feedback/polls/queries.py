"""What the polls' pages read, each in one query: the polls of a cohort (or one) with their
options and the viewer's part, and who chose what in a named poll."""

import datetime
from dataclasses import dataclass, field

from peewee import JOIN, fn

from feedback.polls.models import Poll, PollOption, Vote, Voter
from learning.people.models import Person
from learning.speed import Inline, built_once, inline

LISTED = 50  # the cohort's polls page shows its latest polls


@dataclass
class Shown:
    """A poll with its options (in order) and the viewer's part."""

    poll: Poll
    options: list = field(default_factory=list)
    voted: bool = False
    chosen: set = field(default_factory=set)  # option ids the viewer chose (named polls)


def _options_of(where, viewer_id):
    """Options of the polls matching `where`, newest poll first, each with its poll and the
    viewer's part (`voted`, `mine`)."""
    voted = Voter.select(Voter.id).where(Voter.poll == Poll.id, Voter.person == viewer_id)
    chosen = Vote.select(Vote.id).where(Vote.option == PollOption.id, Vote.person == viewer_id)
    return (
        PollOption.select(
            PollOption, Poll, fn.EXISTS(voted).alias("voted"), fn.EXISTS(chosen).alias("mine")
        )
        .join(Poll)
        .where(where)
        .order_by(Poll.created_at.desc(), Poll.id.desc(), PollOption.position)
    )


@built_once
def _cohort_rows(cohort_id, viewer_id, limit):
    latest = (
        Poll.select(Poll.id)
        .where(Poll.cohort == cohort_id)
        .order_by(Poll.created_at.desc(), Poll.id.desc())
        .limit(inline(limit))
    )
    return _options_of(Poll.id.in_(latest), viewer_id)


@built_once
def _poll_rows(poll_id, viewer_id):
    return _options_of(Poll.id == poll_id, viewer_id)


def _grouped(rows, cohort):
    shown = {}
    for option in rows:
        if option.poll.id not in shown:
            option.poll.cohort = cohort
            shown[option.poll.id] = Shown(option.poll, voted=bool(option.voted))
        entry = shown[option.poll.id]
        entry.options.append(option)
        if option.mine:
            entry.chosen.add(option.id)
    return list(shown.values())


def cohort_polls(cohort, viewer):
    """The cohort's latest polls, newest first, with their options and the viewer's part."""
    return _grouped(_cohort_rows(cohort, viewer, Inline(LISTED)), cohort)


def one_poll(poll, viewer):
    """The poll (its cohort read already) with its options and the viewer's part."""
    return _grouped(_poll_rows(poll, viewer), poll.cohort)[0]


def names_by_option(polls):
    """Named polls' answers: option id -> the names of those who chose it."""
    names = {}
    named = [shown.poll.id for shown in polls if not shown.poll.anonymous]
    for option_id, name in _names_rows(named) if named else ():
        names.setdefault(option_id, []).append(name)
    return names


@built_once
def _names_rows(poll_ids):
    return (
        Vote.select(Vote.option, Person.display_name)
        .join(Person)
        .where(Vote.poll.in_(poll_ids))
        .order_by(Person.display_name)
        .tuples()
    )


def poll_question(poll_id):
    """For the feed: the question of the poll an entry is about (a subquery)."""
    return Poll.select(Poll.question).where(Poll.id == poll_id)


@dataclass
class Closing:
    """An open poll closing soon, and those of the readers who answered it."""

    id: int
    cohort_id: int
    author_id: int
    question: str
    closes_at: datetime.datetime
    answered: set = field(default_factory=set)


def closing_between(cohort_ids, start, end, person_ids):
    """Open polls of the cohorts whose closing time falls between `start` and `end`, with
    those of the people who answered each (`Closing`). One query."""
    rows = (
        Poll.select(
            Poll.id, Poll.cohort, Poll.author, Poll.question, Poll.closes_at, Voter.person
        )  # fmt: skip
        .join(
            Voter, JOIN.LEFT_OUTER, on=(Voter.poll == Poll.id) & Voter.person.in_(person_ids)
        )  # fmt: skip
        .where(
            Poll.cohort.in_(cohort_ids),
            Poll.closed_at.is_null(),
            Poll.closes_at > start,
            Poll.closes_at <= end,
        )
        .order_by(Poll.closes_at, Poll.id)
        .tuples()
    )
    polls = {}
    for *poll, voter in rows:
        found = polls.setdefault(poll[0], Closing(*poll))
        if voter is not None:
            found.answered.add(voter)
    return list(polls.values())


def asked_by(person):
    return list(
        Poll.select(Poll.created_at, Poll.question, Poll.anonymous)
        .where(Poll.author == person)
        .order_by(Poll.created_at)
        .dicts()
    )


def answers_of(person):
    """The person's answers to named polls."""
    return list(
        Vote.select(Poll.question, PollOption.label.alias("answer"))
        .join(PollOption)
        .switch(Vote)
        .join(Poll)
        .where(Vote.person == person)
        .order_by(Poll.created_at, PollOption.position)
        .dicts()
    )


def pulses(cohort):
    """The cohort's weekly pulses, every asking of each with its answers counted per value:
    [PollOption with its poll], by pulse, asking and value."""
    repeated = Poll.select(Poll.series).where(
        Poll.cohort == cohort.id,
        (Poll.repeats == True) | (Poll.round > 0),  # noqa: E712
    )
    return list(
        PollOption.select(PollOption, Poll)
        .join(Poll)
        .where(Poll.cohort == cohort.id, Poll.series.in_(repeated))
        .order_by(Poll.series, Poll.round, PollOption.position)
    )
