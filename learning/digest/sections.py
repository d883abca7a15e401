"""What a digest says, in a fixed order, filled by the domains that know each part.

Each domain registers, when the app starts, a function per section it fills:
`fill(readers, until)` returns {person id: [Item]} for a whole batch of readers in a fixed
number of queries, so composing costs the same number of queries for 1 or 500 people."""

import datetime as dt
from dataclasses import dataclass, field

# The order of a digest: what needs the reader first.
SECTIONS = {
    "needs_you": "Needs you",
    "replies": "Replies to you",
    "kudos": "Kudos you received",
    "progress": "Your cohorts' challenges",
    "celebrations": "Celebrations",
    "new_members": "New in your cohorts",
}

_fills = {}
_memberships = []


@dataclass
class Reader:
    """Someone a digest is composed for: what is new is what happened after `since`."""

    person_id: int
    since: dt.datetime
    # {cohort id: (name, path of its space)}: the published cohorts they are in.
    cohorts: dict = field(default_factory=dict)


@dataclass
class Item:
    text: str
    path: str  # where it is in the app, exactly
    at: dt.datetime
    new: bool = True  # happened since the last digest (an old unanswered question is not)
    detail: str = ""  # a quoted message, a number
    place: str = ""  # the cohort's name, shown when the reader is in more than one


def register(section, fill):
    if section not in SECTIONS:
        raise ValueError(f"Unknown digest section: {section}")
    _fills[section] = fill


def register_memberships(cohorts_of):
    """`cohorts_of(person ids)`: {person id: {cohort id: (name, path)}}, one query."""
    _memberships[:] = [cohorts_of]


def cohorts_of(person_ids):
    return _memberships[0](person_ids) if _memberships and person_ids else {}


def fill(readers, until):
    """{section: {person id: [Item]}} for every registered section."""
    return {section: _fills[section](readers, until) for section in SECTIONS if section in _fills}


def cohort_ids(readers):
    return sorted({cohort_id for reader in readers for cohort_id in reader.cohorts})


def earliest(readers):
    return min(reader.since for reader in readers)


def snippet(text, length=140):
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
