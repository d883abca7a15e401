"""A cohort's sessions: scheduled by its facilitator (or L&D), sent to every member as a
calendar invite, updated or cancelled there when they change; and the cohorts' dates in
people's calendars."""

import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from cohorts import queries
from cohorts.meetings import access
from cohorts.meetings.models import Meeting
from cohorts.models import Cohort, Membership, Program
from learning import once
from learning.audit.services import log
from learning.calendar import services as calendar
from learning.calendar.ics import Event
from learning.db import atomic, utcnow
from learning.errors import NotFound, Refused
from learning.mail.services import absolute_url, send_mail
from learning.notify.services import path_for

LONGEST = 8 * 60  # minutes


def meetings(cohort):
    """The cohort's sessions, soonest first (cancelled ones too: they say so)."""
    return list(Meeting.select().where(Meeting.cohort == cohort).order_by(Meeting.starts_at))


def _checked(title, starts_at, minutes, place, now):
    if not title:
        raise Refused(_("Give the session a title."), "title")
    if len(title) > 200:
        raise Refused(_("Keep the title under 200 characters."), "title")
    if starts_at is None:
        raise Refused(_("Choose when the session starts."), "starts_at")
    if starts_at <= now:
        raise Refused(_("Choose a time in the future."), "starts_at")
    if minutes is None or not 5 <= minutes <= LONGEST:
        raise Refused(_("A session lasts from 5 minutes to 8 hours."), "minutes")
    if len(place) > 250:
        raise Refused(_("Keep the place under 250 characters."), "place")


def schedule(actor, cohort, title, starts_at, minutes, place="", agenda="", token=None):
    """A new session; every member gets an invite. The same form sent twice makes one."""
    if not access.can_schedule(actor, cohort):
        raise NotFound
    _checked(title, starts_at, minutes, place, utcnow())
    with atomic():
        first = once.sent_before(actor, token, "meeting")
        if first is not None:
            return once.again(first, Meeting)
        meeting = once.made(token, Meeting.create(
            cohort=cohort, title=title, starts_at=starts_at, minutes=minutes, place=place,
            agenda=agenda, scheduled_by=actor,
        ))  # fmt: skip
        for member in queries.members(cohort):
            _invite(member.person, meeting, cohort)
        log(actor, "meeting_scheduled", title, cohort=cohort.name)
    return meeting


def change(actor, cohort, meeting, title, starts_at, minutes, place="", agenda=""):
    """Change a session; those who have it get one update if its name, time or place
    changed."""
    if not access.can_schedule(actor, cohort) or meeting.cancelled_at is not None:
        raise NotFound
    _checked(title, starts_at, minutes, place, utcnow())
    with atomic():
        meeting.title, meeting.starts_at, meeting.minutes = title, starts_at, minutes
        meeting.place, meeting.agenda = place, agenda
        meeting.save()
        calendar.changed([meeting_event(meeting, cohort)])
        log(actor, "meeting_changed", title, cohort=cohort.name)
    return meeting


def cancel(actor, cohort, meeting):
    """Cancel a session: it leaves the calendars it was sent to."""
    if not access.can_schedule(actor, cohort):
        raise NotFound
    if meeting.cancelled_at is not None:
        return meeting
    with atomic():
        meeting.cancelled_at = utcnow()
        meeting.save()
        calendar.cancel(meeting_uid(meeting.id))
        log(actor, "meeting_cancelled", meeting.title, cohort=cohort.name)
    return meeting


def _invite(person, meeting, cohort):
    event = meeting_event(meeting, cohort)
    send_mail(
        f"meeting-{meeting.id}-invite-{person.id}",
        person.email,
        _l("Invitation: %(event)s", event=event.summary),
        "cohorts/meetings/mail/invite",
        reader=person,
        calendar=calendar.invitation(person, event),
        person=person,
        meeting=meeting,
        cohort=cohort,
        link=absolute_url("meetings.index", cohort_id=cohort.id),
    )


def joined(person, cohort):
    """Someone new in the cohort gets its upcoming sessions; call inside the write's
    transaction."""
    upcoming = Meeting.select().where(
        Meeting.cohort == cohort, Meeting.starts_at > utcnow(), Meeting.cancelled_at.is_null()
    )
    for meeting in upcoming:
        _invite(person, meeting, cohort)


def left(person, cohort):
    """Someone who left the cohort (or moved to another): its dates leave their calendar."""
    ids = Meeting.select(Meeting.id).where(Meeting.cohort == cohort).tuples()
    calendar.withdraw(person, [cohort_uid(cohort.id)] + [meeting_uid(i) for (i,) in ids])


# Events


def cohort_uid(cohort_id):
    return f"cohort-{cohort_id}"


def meeting_uid(meeting_id):
    return f"meeting-{meeting_id}"


def cohort_event(cohort, program=None):
    """The program's dates, as the cohort's members have them: all day, first to last."""
    program = program or cohort.program
    return Event(
        uid=cohort_uid(cohort.id),
        summary=f"{program.name} · {cohort.name}",
        start=program.starts_on,
        end=program.ends_on + datetime.timedelta(days=1),
        description=program.description,
        link=path_for("cohorts.show", cohort_id=cohort.id),
    )


def meeting_event(meeting, cohort):
    return Event(
        uid=meeting_uid(meeting.id),
        summary=f"{meeting.title} · {cohort.name}",
        start=meeting.starts_at,
        end=meeting.starts_at + datetime.timedelta(minutes=meeting.minutes),
        description=meeting.agenda,
        location=meeting.place,
        link=path_for("meetings.index", cohort_id=cohort.id),
    )


def program_changed(program):
    """The program's name or dates may have changed: its cohorts' entries follow."""
    cohorts = Cohort.select().where(Cohort.program == program, Cohort.status == "published")
    calendar.changed([cohort_event(cohort, program) for cohort in cohorts])


def events_of(person):
    """The dates of the person's cohorts and their sessions, for their calendar feed (two
    queries)."""
    cohorts = list(
        Cohort.select(Cohort, Program)
        .join(Program)
        .switch(Cohort)
        .join(Membership)
        .where(Membership.person == person, Cohort.status == "published")
    )
    by_id = {cohort.id: cohort for cohort in cohorts}
    sessions = Meeting.select().where(
        Meeting.cohort.in_(list(by_id)), Meeting.cancelled_at.is_null()
    )
    return [cohort_event(c) for c in cohorts] + [
        meeting_event(m, by_id[m.cohort_id]) for m in sessions
    ]
