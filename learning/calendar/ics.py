"""Events and the iCalendar text (RFC 5545, and RFC 5546's REQUEST and CANCEL for invites)
written from them."""

import dataclasses
import datetime as dt
import hashlib
import json
from urllib.parse import urlsplit

from flask import current_app

from learning.mail.services import absolute_path
from learning.notify.preferences import zone

PRODID = "-//Cohort learning platform//Calendar//EN"


@dataclasses.dataclass(frozen=True)
class Event:
    """One event in people's calendars. `start` and `end` are dates for an all-day event (the
    end is the day after the last, as iCalendar counts) or naive UTC datetimes."""

    uid: str  # unique in the app: "cohort-12"
    summary: str
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime
    description: str = ""
    location: str = ""
    link: str = ""  # a path in the app

    @property
    def timed(self):
        return isinstance(self.start, dt.datetime)

    @property
    def last_day(self):
        """The last day of an all-day event."""
        return self.end - dt.timedelta(days=1)

    def fingerprint(self):
        """Of what people must be sent an update for: its name, time and place."""
        what = f"{self.summary}\n{self.start.isoformat()}\n{self.end.isoformat()}\n{self.location}"
        return hashlib.sha256(what.encode()).hexdigest()[:32]

    def to_json(self):
        fields = dataclasses.asdict(self)
        return json.dumps(
            {
                **fields,
                "start": self.start.isoformat(),
                "end": self.end.isoformat(),
                "timed": self.timed,
            }  # fmt: skip
        )

    @classmethod
    def from_json(cls, text):
        fields = json.loads(text)
        parse = dt.datetime.fromisoformat if fields.pop("timed") else dt.date.fromisoformat
        return cls(**{**fields, "start": parse(fields["start"]), "end": parse(fields["end"])})


def full_uid(uid):
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"{uid}@{host}"


def write(events, time_zone, method="PUBLISH", name=None, sequences=None, attendee=None):
    """The iCalendar text of `events`, times shown in `time_zone` with its VTIMEZONE (always
    there: Outlook shifts times it cannot place). For an invite (`method` REQUEST or CANCEL)
    the organiser is the platform's sender and `attendee` the person it is for, who is not
    asked to reply."""
    # icalendar (3 MB) loads with the first calendar written, not in every process.
    from icalendar import Calendar, Timezone
    from icalendar import Event as VEvent

    sequences = sequences or {}
    tz = zone(time_zone)
    tzid = getattr(tz, "key", "UTC")
    days = [e.start if not e.timed else e.start.date() for e in events] or [dt.date.today()]
    calendar = Calendar.new(prodid=PRODID, method=method, name=name)
    calendar.add("X-WR-TIMEZONE", tzid)
    calendar.add_component(
        Timezone.from_tzid(
            tzid, first_date=min(days) - dt.timedelta(days=366),
            last_date=max(days) + dt.timedelta(days=366),
        )
    )  # fmt: skip
    for event in events:
        if event.timed:
            start = event.start.replace(tzinfo=dt.UTC).astimezone(tz)
            end = event.end.replace(tzinfo=dt.UTC).astimezone(tz)
        else:
            start, end = event.start, event.end
        entry = VEvent.new(
            uid=full_uid(event.uid),
            summary=event.summary,
            start=start,
            end=end,
            sequence=sequences.get(event.uid, 0),
            description=_description(event) or None,
            location=event.location or None,
            url=absolute_path(event.link) if event.link else None,
            status="CANCELLED" if method == "CANCEL" else "CONFIRMED",
            transparency="TRANSPARENT" if not event.timed else "OPAQUE",
        )
        if attendee is not None:
            entry.add("organizer", _organizer())
            entry.add("attendee", _attendee(attendee))
        calendar.add_component(entry)
    return calendar.to_ical().decode()


def _description(event):
    link = absolute_path(event.link) if event.link else ""
    return "\n\n".join(part for part in (event.description, link) if part)


def _organizer():
    from icalendar import vCalAddress

    sender = current_app.config["MAIL_FROM"]
    name, _, address = sender.rpartition("<")
    organizer = vCalAddress(f"mailto:{address.rstrip('>').strip() or sender}")
    organizer.params["CN"] = name.strip().strip('"') or "Learning"
    return organizer


def _attendee(person):
    from icalendar import vCalAddress

    attendee = vCalAddress(f"mailto:{person.email}")
    attendee.params.update(
        {
            "CN": person.display_name,
            "ROLE": "REQ-PARTICIPANT",
            "PARTSTAT": "NEEDS-ACTION",
            "RSVP": "FALSE",
        }  # fmt: skip
    )
    return attendee
