"""The admins' form of a new directory token."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from learning.forms import Form
from learning.people.forms import stripped


class TokenForm(Form):
    name = StringField(
        _l("Name"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Name the token after the directory that will use it.")),
            Length(max=60),
        ],  # fmt: skip
        description=_l("Like “Entra ID” or “Okta”: the audit log names it with each change."),
    )
