"""The emails that update or cancel an event in the calendars it was sent to."""

from flask_babel import lazy_gettext as _l

from learning.calendar import ics
from learning.calendar.models import CalendarEntry, CalendarInvite
from learning.db import atomic
from learning.jobs.services import task
from learning.mail.services import absolute_path, send_mail
from learning.mail.tasks import hand_batch
from learning.people.models import Person

BATCH = 200


@task
def send_updates(entry_id, sequence, person_id=None):
    """Send revision `sequence` of an entry to everyone who has an older one (or, with
    `person_id`, cancel it for that person only: they left). Each person gets it once: the
    delivery's key names the revision, and their invite records it in the same transaction.
    A later revision's job supersedes this one."""
    entry = CalendarEntry.get_or_none(CalendarEntry.id == entry_id)
    if entry is None or entry.sequence != sequence:
        return "superseded"
    event = ics.Event.from_json(entry.event)
    holders = (
        CalendarInvite.select(CalendarInvite, Person)
        .join(Person)
        .where(CalendarInvite.entry == entry, Person.is_active == True)  # noqa: E712
    )
    if person_id is None:
        holders = holders.where(CalendarInvite.sequence < sequence)
    else:
        holders = holders.where(CalendarInvite.person == person_id)
    invites = list(holders.order_by(CalendarInvite.id))
    cancelled = entry.cancelled or person_id is not None
    for start in range(0, len(invites), BATCH):
        with atomic():  # the emails, their job and the revisions people now have, together
            batch = []
            for invite in invites[start : start + BATCH]:
                _send(entry, event, invite, cancelled, batch)
            hand_batch(batch)
    return len(invites)


def _send(entry, event, invite, cancelled, batch):
    person = invite.person
    method = "CANCEL" if cancelled else "REQUEST"
    calendar = ics.write([event], person.time_zone, method=method,
                         sequences={event.uid: entry.sequence}, attendee=person)  # fmt: skip
    if cancelled:
        subject = _l("Cancelled: %(event)s", event=event.summary)
    else:
        subject = _l("Updated: %(event)s", event=event.summary)
    key = f"calendar-{entry.id}-{entry.sequence}-{person.id}"
    send_mail(
        f"{key}-withdrawn-{invite.id}" if cancelled and not entry.cancelled else key,
        person.email,
        subject,
        "learning/calendar/mail/update",
        batch=batch,
        reader=person,
        calendar=calendar,
        person=person,
        event=event,
        cancelled=cancelled,
        link=absolute_path(event.link) if event.link else "",
    )
    if cancelled:
        invite.delete_instance()
    else:
        CalendarInvite.update(sequence=entry.sequence).where(
            CalendarInvite.id == invite.id
        ).execute()
