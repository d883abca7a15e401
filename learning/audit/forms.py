"""The audit log's filters: who, what and when."""

import datetime as dt

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from learning.audit.models import action_label
from learning.forms import Form
from learning.inputs import sensible_date
from learning.people.forms import stripped


class AuditFilterForm(Form):
    class Meta:
        csrf = False  # a GET form: reading, not changing

    who = StringField(_l("Who"), filters=[stripped], validators=[Length(max=200)],
                      description=_l("Part of a name or an email."))  # fmt: skip
    action = SelectField(_l("What"), default="")
    start = DateField(_l("From"), validators=[Optional(), sensible_date])
    end = DateField(_l("To"), validators=[Optional(), sensible_date], description=_l("Included."))

    def offer(self, actions):
        """Every action the log holds, and "All"."""
        self.action.choices = [
            SelectChoice("", _l("All")),
            *(SelectChoice(a, action_label(a)) for a in actions),
        ]
        return self

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end date comes before the start date."))

    def filters(self):
        """What `services.entries` takes: only valid filters."""
        if self.errors:
            return {}
        end = self.end.data and dt.datetime.combine(self.end.data, dt.time()) + dt.timedelta(1)
        start = self.start.data and dt.datetime.combine(self.start.data, dt.time())
        return {"who": self.who.data or "", "action": self.action.data or "",
                "start": start or None, "end": end or None}  # fmt: skip
