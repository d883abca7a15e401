"""Forms for polls: starting one, answering, and who may start them. The rules (how many
options, a closing time in the future...) are the service's; these read what was typed."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateTimeLocalField, RadioField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import Optional

from feedback.polls.models import CLOSED, VOTED
from learning.forms import Form
from learning.inputs import number
from learning.notify.preferences import utc_from_local
from learning.once import token_field
from learning.people.forms import MultiCheckboxField, stripped
from learning.text import one_line

KINDS = {
    "options": _l("Options to choose from"),
    "scale": _l("A scale from 1 to 5 (a pulse check)"),
}
RESULTS = {VOTED: _l("To each person once they answer"), CLOSED: _l("To everyone when it closes")}


class PollForm(Form):
    token = token_field()
    question = StringField(_l("Question"), filters=[one_line])
    kind = RadioField(
        _l("How people answer"),
        choices=[SelectChoice(value, label) for value, label in KINDS.items()],
        default="options",
    )
    options = TextAreaField(
        _l("Options, one per line"),
        filters=[stripped],
        description=_l("Two to ten. Not needed for a scale."),
    )
    multiple = BooleanField(_l("People may choose more than one option"))
    anonymous = BooleanField(
        _l("Anonymous"),
        description=_l(
            "Nobody can tell who chose what, not even you. The results show once a few people "
            "have answered, and an answer cannot be changed."
        ),
    )
    results = RadioField(
        _l("Show the results"),
        choices=[SelectChoice(value, label) for value, label in RESULTS.items()],
        default=VOTED,
    )
    closes_at = DateTimeLocalField(
        _l("Closes at (optional)"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        description=_l("In your time zone. Without it the poll stays open until you close it."),
    )

    weekly = BooleanField(
        _l("Ask it again every week"),
        description=_l(
            "A scale only. Each week's answers show as a trend on the cohort's health "
            "page; each asking is open for a week."
        ),  # fmt: skip
    )

    def for_service(self, author):
        """What `services.start_poll` takes; the closing time from the author's clock to UTC."""
        closes_at = utc_from_local(self.closes_at.data, author.time_zone)
        return {
            "question": self.question.data or "",
            "options": (self.options.data or "").splitlines(),
            "scale": self.kind.data == "scale",
            "multiple": self.multiple.data,
            "anonymous": self.anonymous.data,
            "results": self.results.data,
            "closes_at": closes_at,
            "weekly": self.weekly.data,
            "token": self.token.data,
        }


class VoteForm(Form):
    """One poll's answer: a radio button or checkboxes, named after the poll, so a page holds
    many of these forms."""

    token = token_field()
    choice = MultiCheckboxField(_l("Your answer"), coerce=number, choices=[], validate_choice=False)

    def offer(self, shown):
        self.choice.choices = [SelectChoice(o.id, o.label) for o in shown.options]
        if not self.choice.data:
            self.choice.data = sorted(shown.chosen)


class WhoStartsForm(Form):
    facilitators_only = BooleanField(_l("Only facilitators start polls in this cohort"))
