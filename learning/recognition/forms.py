"""Forms for the admin pages of recognition."""

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from learning.people.forms import stripped
from learning.recognition.milestones import KINDS


class ValueForm(FlaskForm):
    name = StringField(
        "Name", filters=[stripped], validators=[DataRequired("Give the value a name.")]
    )
    description = StringField(
        "What it means",
        filters=[stripped],
        validators=[Length(max=200, message="Keep it under 200 characters.")],
        description="One line, shown to people choosing a value for their kudos.",
    )


class MessagesForm(FlaskForm):
    """One text per kind of milestone (fields named after the kinds, added below)."""

    def messages(self):
        return [(kind, getattr(self, kind)) for kind in KINDS]


for _kind, (_label, _default, _allowed) in KINDS.items():
    setattr(
        MessagesForm,
        _kind,
        TextAreaField(
            _label,
            filters=[stripped],
            description="Placeholders: " + ", ".join("{" + name + "}" for name in _allowed),
        ),
    )
