"""The forms of API tokens and webhook subscriptions."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, StringField
from wtforms.validators import DataRequired, Length

from learning.api import access
from learning.forms import Form
from learning.people.forms import MultiCheckboxField, stripped
from learning.people.models import ROLE_LABELS


def _scope_choices(scopes):
    return [SelectChoice(s, access.SCOPES[s][0]) for s in scopes]


class TokenForm(Form):
    name = StringField(
        _l("Name"),
        filters=[stripped],
        validators=[DataRequired(_l("Name the token after what will use it.")), Length(max=60)],
        description=_l("Like “Workday sync” or “BI dashboard”: the audit log names it."),
    )
    scopes = MultiCheckboxField(_l("What it may do"), choices=[])

    def offer(self, scopes):
        self.scopes.choices = _scope_choices(scopes)
        return self


class ServiceTokenForm(TokenForm):
    roles = MultiCheckboxField(
        _l("It acts as"),
        choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in access.SERVICE_ROLES],
        description=_l("A service token belongs to no cohort and speaks for nobody."),
    )


class WebhookForm(Form):
    url = StringField(
        _l("Address"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Give the address that receives the events.")),
            Length(max=2000),
        ],  # fmt: skip
        description=_l("The https:// address of the receiving service."),
    )
    description = StringField(
        _l("Description"), filters=[stripped], validators=[Length(max=200)],
        description=_l("What receives them, for the admins who come after you."),
    )  # fmt: skip
    events = MultiCheckboxField(_l("Events"), choices=[])

    def offer(self, events):
        self.events.choices = [SelectChoice(e, f"{words}") for e, words in events.items()]
        return self
