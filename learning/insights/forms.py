"""The report's filters (a GET form anyone can bookmark) and the export request."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, PasswordField, RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import Optional, ValidationError

from learning.forms import Form
from learning.inputs import sensible_date
from learning.insights.models import GROUPINGS
from learning.insights.participation import Filters
from learning.insights.services import FORMATS
from learning.once import token_field

EVERY = SelectChoice("", _l("All"))


class ReportForm(Form):
    class Meta:
        csrf = False  # a GET form: reading, not changing

    program = SelectField(_l("Program"), default="")
    cohort = SelectField(_l("Cohort"), default="")
    department = SelectField(_l("Department"), default="")
    location = SelectField(_l("Location"), default="")
    start = DateField(_l("From"), validators=[Optional(), sensible_date])
    end = DateField(_l("To"), validators=[Optional(), sensible_date], description=_l("Included."))
    grouping = SelectField(
        _l("Group by"),
        choices=[SelectChoice(k, v) for k, v in GROUPINGS.items()],
        default="program",
    )

    def offer(self, choices):
        """The filters' options: only what exists, and "All"."""
        self.program.choices = [EVERY, *(SelectChoice(str(i), n) for i, n in choices["programs"])]
        # A company has thousands of cohorts: the chosen program's are offered (and a cohort
        # already chosen), not one list of them all.
        program, cohort = self.program.data or "", self.cohort.data or ""
        self.cohort.choices = [EVERY, *(SelectChoice(str(i), n) for i, n, p in choices["cohorts"]
                                        if str(p) == program or str(i) == cohort)]  # fmt: skip
        if not program:
            self.cohort.description = _l(
                "Choose a program, then show the report, to pick a cohort."
            )
        self.department.choices = [EVERY, *(SelectChoice(d, d) for d in choices["departments"])]
        self.location.choices = [EVERY, *(SelectChoice(p, p) for p in choices["locations"])]
        return self

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end date comes before the start date."))

    def kept(self):
        """The filters as text, for hidden fields that carry them into another form."""
        return {
            name: (value.isoformat() if hasattr(value, "isoformat") else value or "")
            for name, value in self.data.items()
            if name in ("program", "cohort", "department", "location", "start", "end", "grouping")
        }

    def filters(self):
        return Filters(
            program_id=int(self.program.data) if self.program.data else None,
            cohort_id=int(self.cohort.data) if self.cohort.data else None,
            department=self.department.data or "",
            location=self.location.data or "",
            start=self.start.data,
            end=self.end.data,
        )


class ExportForm(ReportForm):
    class Meta:
        csrf = True

    token = token_field()

    format = RadioField(
        _l("Format"), choices=[SelectChoice(k, v) for k, v in FORMATS.items()], default="xlsx"
    )


class IndividualForm(ReportForm):
    """Numbers per person: HR says why, and confirms it is them."""

    class Meta:
        csrf = True

    token = token_field()
    purpose = TextAreaField(
        _l("Why do you need numbers per person?"),
        description=_l("It goes in the audit log with the filters and the number of people."),
    )
    password = PasswordField(_l("Your password"), description=_l("To confirm it is you."))
    output = RadioField(
        _l("Show"),
        choices=[
            SelectChoice("screen", _l("On this page")),
            *(SelectChoice(k, _l("As a file: %(format)s", format=v)) for k, v in FORMATS.items()),
        ],  # fmt: skip
        default="screen",
    )
