"""Forms for the admin pages of recognition."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from learning.forms import Form
from learning.i18n import default_locale
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
    """One text per kind of milestone (fields named after the kinds, added below), and per
    other language when made `in_languages`."""

    def boxes(self, current):
        """(field, the built-in words it stands for) of each kind, in each language."""
        for kind in KINDS:
            for code, (_words, built_in) in current[kind].items():
                name = kind if code == default_locale() else f"{kind}_{code}"
                if name in self:
                    yield self[name], built_in

    def words(self):
        """What was typed: {kind: {language: text}}."""
        typed = {kind: {default_locale(): self[kind].data} for kind in KINDS}
        for kind, code in self.versioned:
            typed[kind][code] = self[f"{kind}_{code}"].data
        return typed

    @staticmethod
    def shown(current):
        """The form's data for the words used now (`milestones.templates()`)."""
        return {
            (kind if code == default_locale() else f"{kind}_{code}"): words
            for kind, by_language in current.items()
            for code, (words, _built_in) in by_language.items()
        }


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
