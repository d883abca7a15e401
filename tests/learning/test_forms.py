"""WTForms' controls drawn by learning.forms: the same HTML as WTForms' own, faster."""

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from learning import forms

KEYS = st.from_regex(r"\A(data_|aria_)?[a-z][a-z_]{0,8}\Z")
VALUES = st.one_of(
    st.booleans(),
    st.integers(),
    st.text(),
    st.text().map(Markup),
    st.sampled_from(['say "hi" & <go>', Markup('<b title="x">'), "", 0, 1.5]),
)


@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_html_params_writes_what_wtforms_writes(attributes):
    ours, theirs = forms.html_params(**attributes), forms.ORIGINAL(**attributes)
    assert ours == theirs
    assert type(ours) is type(theirs) is Markup


def test_the_app_draws_controls_with_it(app):
    from wtforms.widgets import core

    assert core.html_params is forms.html_params
    assert core.Input.html_params is forms.html_params
    field = '<input id="note" name="note" required type="text" value="a &#34;b&#34;">'
    assert str(core.TextInput()(_Field('a "b"'), required=True)) == field


class _Field:
    id = name = "note"
    flags = {}

    def __init__(self, value):
        self.value = value

    def _value(self):
        return self.value
