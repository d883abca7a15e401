"""The form of a cohort session. The rules (a time in the future, a sensible length) are the
service's; this reads what was typed, in the scheduler's time zone."""

import datetime

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, StringField, TextAreaField
from wtforms.validators import Optional

from learning.forms import Form
from learning.inputs import WholeNumberField
from learning.notify.preferences import utc_from_local, zone
from learning.once import token_field
from learning.people.forms import stripped
from learning.text import one_line


class MeetingForm(Form):
    token = token_field()
    title = StringField(_l("Title"), filters=[one_line])
    starts_at = DateTimeLocalField(
        _l("Starts at"), format="%Y-%m-%dT%H:%M", validators=[Optional()],
        description=_l("In your time zone; each member's calendar shows it in theirs."),
    )  # fmt: skip
    minutes = WholeNumberField(_l("Length in minutes"), default=60)
    place = StringField(
        _l("Where (optional)"), filters=[one_line],
        description=_l("A room, or the link to the call."),
    )  # fmt: skip
    agenda = TextAreaField(_l("Agenda (optional)"), filters=[stripped])

    @classmethod
    def of(cls, meeting, reader):
        """The form filled in with a session, its time in the reader's zone."""
        local = meeting.starts_at.replace(tzinfo=datetime.UTC).astimezone(zone(reader.time_zone))
        return cls(title=meeting.title, starts_at=local.replace(tzinfo=None),
                   minutes=meeting.minutes, place=meeting.place, agenda=meeting.agenda)  # fmt: skip

    def for_service(self, scheduler):
        """What `services.schedule` takes; the time from the scheduler's clock to UTC."""
        starts_at = utc_from_local(self.starts_at.data, scheduler.time_zone)
        return {
            "title": self.title.data or "",
            "starts_at": starts_at,
            "minutes": self.minutes.data,
            "place": self.place.data or "",
            "agenda": self.agenda.data or "",
        }
