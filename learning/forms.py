"""Controls of the busiest pages' forms (a check-in, a reply), drawn faster than by WTForms'
own widgets, through WTForms' own extension points: a widget's `html_params` and a select's
`render_option`. No WTForms global is changed; other forms draw with WTForms' widgets.

WTForms writes every attribute through `Markup.format`, which runs Python's
`string.Formatter` and escapes each part on its own: one text input cost about twice what it
costs here, and the forms of a cohort space or of a reply (a reply's form lists the replies
it can answer) cost more than the rest of their page (bench/README.md). The output is
WTForms' own, character for character: tests/learning/test_forms.py holds each widget to
WTForms' on any input."""

from functools import lru_cache

from babel import support
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import widgets
from wtforms.i18n import messages_path
from wtforms.widgets import core

from learning.i18n import reading


class Form(FlaskForm):
    """Every form of the product. WTForms' own messages ("Not a valid integer value.") speak
    the reader's language, their catalogue read once per language (Flask-WTF reads it again
    in every request that draws a form)."""

    class Meta:
        def get_translations(self, form):
            return wtforms_catalogue(reading()[0])


@lru_cache
def wtforms_catalogue(locale):
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


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


class TextInput(widgets.TextInput):
    html_params = staticmethod(html_params)


class HiddenInput(widgets.HiddenInput):
    html_params = staticmethod(html_params)


class TextArea(widgets.TextArea):
    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for k in dir(flags):
            if k in self.validation_attrs and k not in kwargs:
                kwargs[k] = getattr(flags, k)
        params = html_params(name=field.name, **kwargs)
        return Markup(f"<textarea {params}>\r\n{escape(field._value())}</textarea>")  # noqa: S704 (escaped)


class Select(widgets.Select):
    @classmethod
    def render_option(cls, choice, **kwargs):
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        options = {"value": value, **(choice.render_kw or {}), **kwargs}
        if choice.selected:
            options["selected"] = True
        label = escape(choice.label or choice.value)
        return Markup(f"<option {html_params(**options)}>{label}</option>")  # noqa: S704 (escaped)
