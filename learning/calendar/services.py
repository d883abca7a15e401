"""People's calendars: the events of their cohorts as a subscription feed, and invites by
email that later changes update (same UID, higher SEQUENCE) or cancel.

`learning` knows no domain: each registers a source of a person's events
(`register_source`) and tells this module when an event it sent changes (`changed`,
`cancel`)."""

import secrets

from flask import current_app
from flask_babel import gettext as _

from learning.calendar import ics
from learning.calendar.models import CalendarEntry, CalendarFeed, CalendarInvite
from learning.calendar.tasks import send_updates
from learning.db import atomic, insert, utcnow
from learning.i18n import as_reader
from learning.jobs.services import defer
from learning.people.models import Person

SOURCES = "calendar_sources"


def register_source(app, source):
    """`source(person)`: the person's events in one domain (a fixed number of queries)."""
    app.extensions.setdefault(SOURCES, []).append(source)


def events_of(person):
    events = [e for source in current_app.extensions.get(SOURCES, []) for e in source(person)]
    return sorted(events, key=lambda e: (str(e.start), e.uid))


# The subscription feed


def feed_of(person):
    """The person's feed, or None until they ask for an address."""
    return CalendarFeed.get_or_none(CalendarFeed.person == person)


def new_address(person):
    """A secret address for the person's feed; a previous one stops working at once."""
    token = secrets.token_urlsafe(24)
    with atomic():
        CalendarFeed.insert(person=person, token=token, created_at=utcnow()).on_conflict(
            conflict_target=[CalendarFeed.person],
            update={CalendarFeed.token: token, CalendarFeed.created_at: utcnow()},
        ).execute()
    return feed_of(person)


def feed(token):
    """The iCalendar text of the feed at a secret address; None if no such address (or its
    person can no longer sign in)."""
    found = (
        CalendarFeed.select(CalendarFeed, Person)
        .join(Person)
        .where(CalendarFeed.token == token, Person.is_active == True)  # noqa: E712
        .first()
    )
    if found is None or not token:
        return None
    person = found.person
    with as_reader(person):
        events = events_of(person)
        return ics.write(events, person.time_zone, name=_("Learning Community"),
                         sequences=_sequences(e.uid for e in events))  # fmt: skip


def one(event, person):
    """One event to add to a calendar by hand, at its current revision."""
    return ics.write([event], person.time_zone, sequences=_sequences([event.uid]))


def _sequences(uids):
    uids = list(uids)
    if not uids:
        return {}
    return dict(
        CalendarEntry.select(CalendarEntry.uid, CalendarEntry.sequence)
        .where(CalendarEntry.uid.in_(uids))
        .tuples()
    )


# Invites by email


def invitation(person, event):
    """The invite to attach to an email for `person` (METHOD:REQUEST), recorded so that later
    changes reach them; call inside the write's transaction."""
    entry = _entry(event)
    CalendarInvite.insert(entry=entry, person=person, sequence=entry.sequence).on_conflict(
        conflict_target=[CalendarInvite.entry, CalendarInvite.person],
        update={CalendarInvite.sequence: entry.sequence},
    ).execute()
    return ics.write([event], person.time_zone, method="REQUEST",
                     sequences={event.uid: entry.sequence}, attendee=person)  # fmt: skip


def _entry(event):
    entry = CalendarEntry.get_or_none(CalendarEntry.uid == event.uid)
    if entry is None:
        insert(CalendarEntry(uid=event.uid, fingerprint=event.fingerprint(),
                             event=event.to_json()), new_only=True)  # fmt: skip
        entry = CalendarEntry.get(CalendarEntry.uid == event.uid)
    return entry


def changed(events):
    """Events that may have changed: those sent before whose name, time or place did change get
    a new revision, and everyone who has them an update (by a job, once). Call inside the
    write's transaction."""
    events = {e.uid: e for e in events}
    if not events:
        return
    entries = CalendarEntry.select().where(
        CalendarEntry.uid.in_(list(events)),
        CalendarEntry.cancelled == False,  # noqa: E712
    )
    for entry in entries:
        event = events[entry.uid]
        if entry.fingerprint != event.fingerprint():
            _revise(entry, event)


def cancel(uid):
    """Take an event out of the calendars it was sent to (METHOD:CANCEL); call inside the
    write's transaction."""
    entry = CalendarEntry.get_or_none(CalendarEntry.uid == uid, CalendarEntry.cancelled == False)  # noqa: E712
    if entry is not None:
        _revise(entry, ics.Event.from_json(entry.event), cancelled=True)


def withdraw(person, uids):
    """Someone no longer concerned (they left the cohort): the events they were sent are
    cancelled in their calendar only."""
    invites = list(
        CalendarInvite.select(CalendarInvite, CalendarEntry)
        .join(CalendarEntry)
        .where(
            CalendarInvite.person == person,
            CalendarEntry.uid.in_(list(uids)),
            CalendarEntry.cancelled == False,  # noqa: E712
        )
    )
    for invite in invites:
        defer(send_updates, invite.entry_id, invite.entry.sequence, person.id,
              key=f"calendar-withdraw-{invite.id}", queue="notices")  # fmt: skip


def _revise(entry, event, cancelled=False):
    sequence = entry.sequence + 1
    CalendarEntry.update(
        sequence=sequence, fingerprint=event.fingerprint(), event=event.to_json(),
        cancelled=cancelled, changed_at=utcnow(),
    ).where(CalendarEntry.id == entry.id).execute()  # fmt: skip
    defer(send_updates, entry.id, sequence, key=f"calendar-{entry.id}-{sequence}", queue="notices")
