"""Forms for sign-in, invitations, onboarding and account settings."""

from zoneinfo import available_timezones

from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from learning.forms import Form
from learning.i18n import day_name, languages
from learning.inputs import number
from learning.notify import preferences
from learning.notify.models import CHANNELS, KINDS
from learning.once import token_field
from learning.people.models import ROLE_LABELS
from learning.people.services import password_problem

TIME_ZONES = sorted(available_timezones() - {"localtime", "Factory"})


def time_zone_field():
    """A person's time zone; the page suggests the browser's own (static/js/time-zone.js)."""
    return SelectField(
        _l("Time zone"),
        choices=TIME_ZONES,
        validators=[DataRequired(_l("Choose your time zone."))],
        description=_l("Times on the site, quiet hours and your digest follow it."),
        render_kw={"data-detect-time-zone": ""},
    )


def language_choices():
    """None chosen (pages follow the browser), then each language the product speaks."""
    return [
        SelectChoice("", _l("The one my browser asks for")),
        *(SelectChoice(code, name) for code, name in languages().items()),
    ]


def language_field():
    """A person's language; none chosen, pages follow the browser's."""
    return SelectField(
        _l("Language"),
        default="",
        choices=language_choices,
        description=_l("Pages and emails are in this language."),
    )


class LanguageAndTimeForm(Form):
    language = language_field()
    time_zone = time_zone_field()


def stripped(value):
    return (value or "").strip()


def new_password(form, field):
    """The password policy; the person's own words (email, name) count as easy to guess."""
    personal = [*form.personal, getattr(getattr(form, "display_name", None), "data", None)]
    problem = password_problem(field.data or "", *personal)
    if problem:
        raise ValidationError(problem)


class SignInForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    remember = BooleanField(_l("Keep me signed in when I close the browser"))


class EmailForm(Form):
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Enter your email address.")),
            Email(_l("Enter an email address like name@company.com.")),
        ],
    )


class NewPasswordForm(Form):
    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.personal = (person.email, person.display_name) if person else ()

    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Choose a password.")), new_password],
        description=_l(
            "At least 12 characters, not a common password. A few unrelated words work."
        ),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(_l("Repeat the password.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )


class InviteForm(Form):
    token = token_field()
    people = TextAreaField(
        _l("People to invite"),
        validators=[DataRequired(_l("Enter at least one email address."))],
        description=_l("One person a line: an email, “Name <email>” or “email, Name”."),
    )


class AboutYouForm(Form):
    """The profile others will see, in onboarding's first step. Someone who signs in at the
    company's provider fills only this; what the provider manages is shown, not sent."""

    display_name = StringField(
        _l("Your name"),
        filters=[stripped],
        validators=[DataRequired(_l("Enter the name colleagues know you by.")), Length(max=100)],
    )
    department = StringField(_l("Department"), filters=[stripped], validators=[Length(max=100)])
    language = language_field()
    time_zone = time_zone_field()

    def about(self):
        return {name: self[name].data for name in ("display_name", "department", "language",
                                                   "time_zone")}  # fmt: skip


class ProfileForm(NewPasswordForm, AboutYouForm):
    """Onboarding step one from an invitation: a password and the profile."""

    def profile(self):
        """What `services.accept_invitation` takes from the form."""
        return {"password": self.password.data, **self.about()}


class GuidelinesForm(Form):
    accept = BooleanField(
        _l("I have read the community guidelines and will follow them"),
        validators=[DataRequired(_l("Tick the box to accept the guidelines."))],
    )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


HOURS = [SelectChoice(h, f"{h:02d}:00") for h in range(24)]


class DigestForm(Form):
    """When the digest comes, and whether it comes by email at all."""

    digest_frequency = RadioField(
        _l("Digest"),
        choices=[
            SelectChoice("weekly", _l("Weekly: one short email")),
            SelectChoice("daily", _l("Daily, on working days")),
        ],
        validators=[DataRequired(_l("Choose how often the digest comes."))],
    )
    digest_weekday = SelectField(
        _l("Day for the weekly digest"),
        choices=[SelectChoice(i, day_name(i)) for i in range(5)],
        coerce=number,
        description=_l("On a day off, it comes on your next working day."),
    )
    digest_hour = SelectField(_l("Hour"), choices=HOURS, coerce=number)
    digest_email = BooleanField(_l("Send me the digest by email"))


class PreferencesForm(DigestForm):
    """How a person hears from the platform: one switch per kind of notice and channel
    (fields named like `kudos_email`, added below), quiet hours, working days, digest."""

    quiet_from = SelectField(_l("No emails from"), choices=HOURS, coerce=number)
    quiet_until = SelectField(_l("until"), choices=HOURS, coerce=number)
    working_days = MultiCheckboxField(
        _l("Working days"),
        choices=[SelectChoice(i, day_name(i)) for i in range(7)],
        coerce=number,
        validators=[DataRequired(_l("Choose at least one working day."))],
        description=_l("Emails due on other days wait for the next working day."),
    )
    celebrate_me = BooleanField(
        _l("Celebrate my milestones in my cohorts' feeds"),
        description=_l("Off: you are still told about them, privately."),
    )

    def channel(self, kind, channel):
        return getattr(self, f"{kind}_{channel}", None)


def _switch_label(kind, channel):
    words = str(CHANNELS[channel])  # "In Slack or Teams" reads "in Slack or Teams" here
    return gettext("%(kind)s: %(channel)s", kind=KINDS[kind], channel=words[:1].lower() + words[1:])


for _kind, _channel in preferences.choices():
    setattr(
        PreferencesForm,
        f"{_kind}_{_channel}",
        BooleanField(LazyString(_switch_label, _kind, _channel)),
    )


class RolesForm(Form):
    roles = MultiCheckboxField(
        _l("Roles"), choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()]
    )
