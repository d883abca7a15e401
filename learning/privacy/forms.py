from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired

from learning.forms import Form


class EraseForm(Form):
    """Erasing cannot be undone: the admin types the person's email to confirm."""

    confirm = StringField(
        _l("Type their email address to confirm"),
        validators=[DataRequired(_l("Type their email address to confirm."))],
    )
