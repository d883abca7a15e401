"""Forms for challenges and check-ins."""

import re
import uuid

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from challenges.models import GOALS
from challenges.services import (
    MAX_AMOUNT,
    MAX_STEPS,
    MAX_TARGET,
    amount_problem,
    dates_problem,
)
from learning import forms as fast
from learning.forms import Form
from learning.inputs import number, sensible_date
from learning.once import token_field
from learning.people.forms import stripped

NUMBER = re.compile(r"^\d{1,9}([.,]\d{1,2})?$")


def typed_number(text):
    """A positive number as people type it ("1.5", "1,5", " 2 "), or None."""
    text = (text or "").strip()
    return float(text.replace(",", ".")) if NUMBER.match(text) else None


def _number_problem(text, limit):
    if not (text or "").strip():
        return _("Enter an amount.")
    value = typed_number(text)
    if value is None:
        return _("Enter a number, like 2 or 1.5.")
    return amount_problem(value, limit)


class ChallengeForm(Form):
    token = token_field()
    title = StringField(
        _l("Title"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Give the challenge a title.")),
            Length(max=120, message=_l("Keep the title under 120 characters.")),
        ],
    )
    description = TextAreaField(
        _l("What is it about?"),
        filters=[stripped],
        validators=[Length(max=2000, message=_l("Keep it under 2,000 characters."))],
    )
    starts_on = DateField(
        _l("Starts on"),
        validators=[DataRequired(_l("Enter a start date, like 2027-01-04.")), sensible_date],
    )
    ends_on = DateField(
        _l("Ends on"),
        validators=[DataRequired(_l("Enter an end date, like 2027-02-01.")), sensible_date],
    )
    goal = RadioField(
        _l("The goal"),
        choices=[SelectChoice(value, label) for value, label in GOALS.items()],
        default="count",
        validators=[DataRequired(_l("Choose a kind of goal."))],
    )
    target = StringField(
        _l("How many check-ins, or what total, together"),
        filters=[stripped],
        description=_l(
            "For check-ins or a total amount. Checklists are done when everyone "
            "has done every step."
        ),
    )
    unit = StringField(
        _l("Unit"),
        filters=[stripped],
        validators=[Length(max=30, message=_l("Keep the unit short, like hours."))],
        description=_l("For a total amount: hours, pages, kilometres…"),
    )
    steps = TextAreaField(
        _l("Steps"),
        filters=[stripped],
        description=_l("For a checklist: up to %(num)d steps, one a line.", num=MAX_STEPS),
    )
    weekly_board = BooleanField(_l("Start the program board afresh every week"))

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data:
            problem = dates_problem(self.starts_on.data, field.data)
            if problem:
                raise ValidationError(problem)

    def goal_kind(self):
        return self.goal.data

    def validate_target(self, field):
        if self.goal_kind() in MAX_TARGET:
            problem = _number_problem(field.data, MAX_TARGET[self.goal_kind()])
            if problem:
                raise ValidationError(problem)

    def validate_unit(self, field):
        if self.goal_kind() == "amount" and not field.data:
            raise ValidationError(_l("Name the unit, for example hours."))

    def validate_steps(self, field):
        if self.goal_kind() != "checklist":
            return
        lines = self.step_list()
        if not lines:
            raise ValidationError(_l("List the steps, one a line."))
        if len(lines) > MAX_STEPS:
            raise ValidationError(_("Keep it to %(num)d steps at most.", num=MAX_STEPS))
        if any(len(line) > 120 for line in lines):
            raise ValidationError(_l("Keep each step under 120 characters."))

    def step_list(self):
        return [line.strip() for line in (self.steps.data or "").splitlines() if line.strip()]

    def challenge_fields(self):
        return {
            "title": self.title.data,
            "description": self.description.data,
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "goal": self.goal_kind(),
            "target": typed_number(self.target.data) or 0,
            "unit": self.unit.data,
            "steps": self.step_list(),
            "weekly_board": self.weekly_board.data,
        }


class ChangeChallengeForm(ChallengeForm):
    """What can change once a challenge is set: not its kind of goal, nor its steps."""

    goal = None
    steps = None

    def __init__(self, challenge, *args, **kwargs):
        self.challenge = challenge
        data = {
            name: getattr(challenge, name)
            for name in ("title", "description", "starts_on", "ends_on", "unit", "weekly_board")
        }
        data["target"] = f"{challenge.target:g}" if challenge.goal in MAX_TARGET else ""
        super().__init__(*args, data=data, **kwargs)

    def goal_kind(self):
        return self.challenge.goal

    def changed_fields(self):
        fields = self.challenge_fields()
        return {k: v for k, v in fields.items() if k not in ("goal", "steps")}

    def step_list(self):
        return []


class CheckInForm(Form):
    """Did it, blocked or skipped: the status comes from the button pressed."""

    status = HiddenField(
        validators=[DataRequired(_l("Choose did it, blocked or skipped."))],
        widget=fast.HiddenInput(),
    )
    amount = StringField(_l("Amount"), filters=[stripped], widget=fast.TextInput())
    step = SelectField(
        _l("Step"), coerce=number, choices=[], validate_choice=False, widget=fast.Select()
    )
    note = StringField(
        _l("Note (optional)"),
        widget=fast.TextInput(),
        filters=[stripped],
        validators=[Length(max=140, message=_l("Keep the note to one line of 140 characters."))],
    )
    # Sent back with the form: the same form submitted twice records one check-in.
    token = HiddenField(
        validators=[Optional(), Regexp(r"^[0-9a-f]{32}$")], widget=fast.HiddenInput()
    )

    def __init__(self, challenge, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.challenge = challenge
        if challenge.goal == "amount":
            self.amount.label.text = _("How many %(unit)s", unit=challenge.unit)

    def validate_amount(self, field):
        if self.challenge.goal == "amount" and self.status.data == "done":
            problem = _number_problem(field.data, MAX_AMOUNT)
            if problem:
                raise ValidationError(problem)

    def check_in_fields(self):
        return {
            "status": self.status.data,
            "amount": typed_number(self.amount.data),
            "step_id": self.step.data or None,
            "note": self.note.data,
        }


def check_in_form(card, formdata=None, entry=None):
    """The check-in form of one card; ids are unique when a page shows several. Not sent
    yet, it shows `entry` (a check-in being changed) if given."""
    form = CheckInForm(card.challenge, formdata=formdata, prefix=f"c{card.challenge.id}")
    form.step.choices = [
        SelectChoice(step.id, step.title + (" (done)" if step.id in card.done_steps else ""))
        for step in card.steps
    ]
    if formdata is None and entry is not None:
        form.status.data, form.note.data, form.step.data = entry.status, entry.note, entry.step_id
        form.amount.data = f"{entry.amount:g}" if entry.amount is not None else ""
    elif formdata is None:
        form.token.data = uuid.uuid4().hex
        form.step.data = next((s.id for s in card.steps if s.id not in card.done_steps), None)
    return form
