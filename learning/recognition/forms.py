"""Forms for the admin pages of recognition."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from learning.forms import Form
from learning.once import token_field
from learning.people.forms import stripped
from learning.recognition.milestones import KINDS, template_problem


class ValueForm(Form):
    token = token_field()
    name = StringField(
        _l("Name"), filters=[stripped], validators=[DataRequired(_l("Give the value a name."))]
    )
    description = StringField(
        _l("What it means"),
        filters=[stripped],
        validators=[Length(max=200, message=_l("Keep it under 200 characters."))],
        description=_l("One line, shown to people choosing a value for their kudos."),
    )


class MessagesForm(Form):
    """One text per kind of milestone (fields named after the kinds, added below)."""

    def messages(self):
        return [(kind, getattr(self, kind)) for kind in KINDS]


def _wording_of(kind):
    """A validator: the words may use only the placeholders of this kind of milestone."""

    def check(form, field):
        problem = field.data and template_problem(kind, field.data)
        if problem:
            raise ValidationError(problem)

    return check


for _kind, (_label, _default, _allowed) in KINDS.items():
    setattr(
        MessagesForm,
        _kind,
        TextAreaField(
            _label,
            filters=[stripped],
            validators=[_wording_of(_kind)],
            description=_l(
                "Placeholders: %(names)s", names=", ".join("{" + name + "}" for name in _allowed)
            ),
        ),
    )
