"""What a digest says, in a fixed order, filled by the domains that know each part.

Each domain registers, when the app is built, a function per section it fills (kept on the app):
`fill(readers, until)` returns {person id: [Item]} for a whole batch of readers in a fixed
number of queries, so composing costs the same number of queries for 1 or 500 people."""

import datetime as dt
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l

# The order of a digest: what needs the reader first.
SECTIONS = {
    "needs_you": _l("Needs you"),
    "polls": _l("Polls closing soon you have not answered"),
    "replies": _l("Replies to you"),
    "kudos": _l("Kudos you received"),
    "progress": _l("Your cohorts' challenges"),
    "celebrations": _l("Celebrations"),
    "new_members": _l("New in your cohorts"),
}

FILLS, MEMBERSHIPS = "learning.digest_sections", "learning.digest_cohorts"


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


def register(app, section, fill):
    if section not in SECTIONS:
        raise ValueError(f"Unknown digest section: {section}")
    app.extensions.setdefault(FILLS, {})[section] = fill


def register_memberships(app, cohorts_of):
    """`cohorts_of(person ids)`: {person id: {cohort id: (name, path)}}, one query."""
    app.extensions[MEMBERSHIPS] = cohorts_of


def cohorts_of(person_ids):
    read = current_app.extensions.get(MEMBERSHIPS)
    return read(person_ids) if read and person_ids else {}


def fill(readers, until):
    """{section: {person id: [Item]}} for every registered section."""
    fills = current_app.extensions.get(FILLS, {})
    return {section: fills[section](readers, until) for section in SECTIONS if section in fills}


def cohort_ids(readers):
    return sorted({cohort_id for reader in readers for cohort_id in reader.cohorts})


def earliest(readers):
    return min(reader.since for reader in readers)


def snippet(text, length=140):
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
