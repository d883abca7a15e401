"""Forms for programs, imports, the builder and membership changes."""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from cohorts.models import DEFAULT_GUIDELINES, MAX_SIZE, MIN_SIZE
from learning.forms import Form
from learning.inputs import WholeNumberField, number, sensible_date
from learning.once import token_field
from learning.people.forms import stripped
from learning.recognition.services import MESSAGE_MAX

SIZE_MESSAGE = _l(
    "Choose a size from %(low)d to %(high)d: small groups talk more.", low=MIN_SIZE, high=MAX_SIZE
)


class ProgramForm(Form):
    token = token_field()
    name = StringField(
        _l("Name"),
        filters=[stripped],
        validators=[DataRequired(_l("Give the program a name.")), Length(max=120)],
    )
    description = TextAreaField(
        _l("Description"), filters=[stripped], validators=[Length(max=4000)]
    )
    starts_on = DateField(
        _l("Starts on"), validators=[DataRequired(_l("Enter a start date.")), sensible_date]
    )
    ends_on = DateField(
        _l("Ends on"), validators=[DataRequired(_l("Enter an end date.")), sensible_date]
    )
    cohort_size = WholeNumberField(
        _l("Target cohort size"),
        default=8,
        validators=[
            DataRequired(SIZE_MESSAGE),
            NumberRange(MIN_SIZE, MAX_SIZE, SIZE_MESSAGE),
        ],
    )
    guidelines = TextAreaField(
        _l("Community guidelines"),
        default=lambda: gettext(DEFAULT_GUIDELINES),
        filters=[stripped],
        validators=[DataRequired(_l("Cohorts need guidelines; start from the suggested ones."))],
        description=_l("Shown in every cohort space of this program. One guideline a line."),
    )
    show_other_cohorts = BooleanField(_l("Members may see the names of other cohorts on boards"))

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date must be on or after the start date."))

    def program_fields(self):
        return {name: getattr(self, name).data for name in (
            "name", "description", "starts_on", "ends_on", "cohort_size", "guidelines",
            "show_other_cohorts",
        )} | {"versions": self.versions()}  # fmt: skip


class UploadForm(Form):
    token = token_field()
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(_l("Choose a CSV file to upload."))],
        description=_l(
            "Columns, in any order: email, name, department, location, time zone, manager email. "
            "UTF-8, separated by commas or semicolons."
        ),
    )


class BuilderForm(Form):
    target = WholeNumberField(
        _l("Target cohort size"),
        validators=[DataRequired(SIZE_MESSAGE), NumberRange(MIN_SIZE, MAX_SIZE, SIZE_MESSAGE)],
    )
    department = SelectField(_l("Department"), choices=[], validate_choice=True)
    location = SelectField(_l("Location"), choices=[], validate_choice=True)

    def offer(self, departments, locations):
        """Filter by any of the program's departments and locations."""
        self.department.choices = [
            SelectChoice("", _l("Every department")),
            *(SelectChoice(d, d) for d in departments),
        ]
        self.location.choices = [
            SelectChoice("", _l("Every location")),
            *(SelectChoice(loc, loc) for loc in locations),
        ]

    seed = WholeNumberField(
        _l("Variation"),
        default=0,
        validators=[Optional(), NumberRange(0, 9999, "Use a number from 0 to 9999.")],
        description=_l("Another number gives another, equally balanced, proposal."),
    )


class NameForm(Form):
    name = StringField(_l("Cohort name"), filters=[stripped], validators=[Length(max=80)])


class EmailForm(Form):
    email = EmailField(
        _l("Email of the person to add"), validators=[DataRequired(_l("Enter an email address."))]
    )


class MoveRequestForm(Form):
    token = token_field()
    reason = TextAreaField(
        _l("Why would you like to move?"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Tell the facilitator why, so they can find a better cohort for you.")),
            Length(max=500, message=_l("Keep it under 500 characters.")),
        ],
        description=_l("Only your facilitator and the learning team see this."),
    )


class KudosForm(Form):
    """Its choices are the cohort's peers and the company's values (`offer`)."""

    receiver = SelectField(
        _l("Who do you want to thank?"),
        coerce=number,
        validate_choice=False,  # the service says why a choice is refused
        validators=[DataRequired(_l("Choose who you want to thank."))],
    )
    value = RadioField(
        _l("For which of our values?"),
        coerce=number,
        validate_choice=False,
        validators=[DataRequired(_l("Choose one of the company's values."))],
    )
    message = TextAreaField(
        _l("Message (optional)"),
        filters=[stripped],
        validators=[
            Length(
                max=MESSAGE_MAX, message=_l("Keep it under %(num)s characters.", num=MESSAGE_MAX)
            )
        ],
        description=_l("A sentence about what they did: it is what people remember."),
    )
    about = HiddenField(validators=[Optional(), Regexp(r"^[a-z]+:[0-9]+$")])
    token = HiddenField(validators=[Optional(), Regexp(r"^[0-9a-f]{32}$")])

    def offer(self, peers, values):
        """`peers`: the memberships of those who may be thanked; `values`: the company's."""
        self.receiver.choices = [
            SelectChoice(0, _l("Choose a colleague")),
            *(SelectChoice(m.person_id, m.person.display_name) for m in peers),
        ]
        self.value.choices = [SelectChoice(v.id, v.name) for v in values]


class ChannelsForm(Form):
    """Where the cohort's news is posted: a Slack channel, a Teams channel's workflow."""

    slack_channel = SelectField(_l("Slack channel"), choices=[], validate_choice=False)
    teams_address = StringField(
        _l("Teams channel: the workflow's address (optional)"),
        filters=[stripped],
        description=_l("In the Teams channel: Workflows → “Post to a channel when a webhook "
                       "request is received” → copy the address."),
    )  # fmt: skip
    teams_off = BooleanField(_l("Stop posting to Teams"))

    def offer(self, channels):
        self.slack_channel.choices = [
            SelectChoice("", _l("None")),
            *(SelectChoice(channel_id, f"#{name}") for channel_id, name in channels),
        ]
        return self
