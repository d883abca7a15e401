"""The hot reads of people and their sign-ins, tuned: each returns what its name says, and
the rest never sees how it is built."""

from typing import NamedTuple

from peewee import JOIN, fn

from learning.notify import services as notify_services
from learning.people.models import EndedSession, Person, PersonRole
from learning.speed import built_once


class Someone(NamedTuple):
    """A person as a hot read shows them: a thread's author, a feed entry's actor."""

    id: int
    display_name: str


@built_once
def signed_in(person_id, version, sid):
    """The person, their roles and their unread notices (for the page's bell) in one query:
    one row per role; none once the session was signed out."""
    return (
        Person.select(
            Person,
            PersonRole.role.alias("role_name"),
            notify_services.unread(person_id).alias("unread_notices"),
        )
        .join(PersonRole, JOIN.LEFT_OUTER)
        .where(
            Person.id == person_id,
            Person.session_version == version,
            Person.is_active == True,  # noqa: E712
            ~fn.EXISTS(EndedSession.select().where(EndedSession.sid == sid)),
        )
        .objects()
    )
