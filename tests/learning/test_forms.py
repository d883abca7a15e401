"""The busiest forms' controls (learning.forms): the same HTML as WTForms' own widgets, on
any input, and WTForms itself left as it is."""

from flask import Flask
from flask_wtf import FlaskForm
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup
from wtforms import HiddenField, SelectField, StringField, TextAreaField, widgets
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length

from learning import forms

KEYS = st.from_regex(r"\A(data_|aria_)?[a-z][a-z_]{0,8}\Z")
VALUES = st.one_of(
    st.booleans(),
    st.integers(),
    st.text(),
    st.text().map(Markup),
    st.sampled_from(['say "hi" & <go>', Markup('<b title="x">'), "", 0, 1.5]),
)
ATTRIBUTES = st.dictionaries(KEYS.filter(lambda k: k not in ("name", "id")), VALUES, max_size=5)
TEXT = st.text(max_size=30) | st.sampled_from(['a "b" <c> & d', "", "x\ny"])


@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_html_params_writes_what_wtforms_writes(attributes):
    ours, theirs = forms.html_params(**attributes), widgets.html_params(**attributes)
    assert ours == theirs
    assert type(ours) is type(theirs) is Markup


APP = Flask(__name__)  # forms need a request, not the whole platform
APP.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False)


def _pair(make, data):
    """The same field drawn by WTForms' widget and by ours."""
    with APP.test_request_context(method="POST", data=data):
        return make(None)().field, make(True)().field


def _form(field_class, widget, **options):
    def make(ours):
        class Form(FlaskForm):
            field = field_class(
                "A label", widget=widget() if ours else field_class.widget, **options
            )

        return Form

    return make


@given(value=TEXT, attributes=ATTRIBUTES, required=st.booleans())
def test_inputs_and_textareas_are_drawn_as_wtforms_draws_them(value, attributes, required):
    validators = [DataRequired(), Length(max=20)] if required else []
    for field_class, widget in (
        (StringField, forms.TextInput),
        (HiddenField, forms.HiddenInput),
        (TextAreaField, forms.TextArea),
    ):
        make = _form(field_class, widget, validators=validators)
        theirs, ours = _pair(make, {"field": value})
        assert ours(**attributes) == theirs(**attributes)


@given(
    choices=st.lists(st.tuples(st.integers(0, 50), TEXT), max_size=6, unique_by=lambda c: c[0]),
    chosen=st.integers(0, 50),
    attributes=ATTRIBUTES,
)
def test_selects_are_drawn_as_wtforms_draws_them(choices, chosen, attributes):
    offered = [SelectChoice(value, label) for value, label in choices]
    make = _form(SelectField, forms.Select, choices=offered, coerce=int)
    theirs, ours = _pair(make, {"field": str(chosen)})
    assert ours(**attributes) == theirs(**attributes)


def test_wtforms_itself_is_left_as_it_is():
    assert widgets.html_params is not forms.html_params
    assert widgets.core.Input.html_params is not forms.html_params
