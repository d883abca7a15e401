"""WTForms' controls, drawn faster.

WTForms writes every attribute of every control through `Markup.format`, which runs
Python's `string.Formatter` and escapes each part on its own: drawing one text input took
about 50 µs, and the forms of a cohort space or of a reply cost more than the rest of the
page's rendering. `install()` puts in an `html_params` whose output is the same, character
for character (tests/learning/test_forms.py holds it to WTForms' own on any input)."""

from markupsafe import Markup, escape
from wtforms import widgets
from wtforms.widgets import core

ORIGINAL = core.html_params


def html_params(**kwargs):
    """As `wtforms.widgets.html_params`: the attributes sorted by name, `True` as a bare
    attribute, `False` left out, every name and value escaped."""
    params = []
    for key, value in sorted(kwargs.items()):
        if value is False:
            continue
        key = escape(core.clean_key(key))
        if value is True:
            params.append(key)
        else:
            value = escape(value).replace(Markup('"'), Markup("&quot;"))
            params.append(f'{key}="{value}"')
    return Markup(" ".join(params))  # noqa: S704 (every name and value escaped above)


def install():
    """Where WTForms looks up `html_params`: the module's function, the package's name for
    it, and the two widget classes that keep it as a static method."""
    core.html_params = widgets.html_params = html_params
    core.Input.html_params = core.Button.html_params = staticmethod(html_params)
