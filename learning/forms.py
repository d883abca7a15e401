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
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import widgets
from wtforms.i18n import messages_path
from wtforms.validators import DataRequired
from wtforms.widgets import core

from learning.i18n import default_locale, languages, other_languages, reading


class Form(FlaskForm):
    """Every form of the product. WTForms' own messages ("Not a valid integer value.") speak
    the reader's language, their catalogue read once per language (Flask-WTF reads it again
    in every request that draws a form)."""

    # (field, language) of each version in another language (`in_languages`).
    versioned = ()

    class Meta:
        def get_translations(self, form):
            return wtforms_catalogue(reading()[0])

    def versions_of(self, name):
        """The fields of `name`'s versions in other languages, for the template."""
        return [self[f"{field}_{code}"] for field, code in self.versioned if field == name]

    def versions(self):
        """What was typed in other languages: {language: {field: text}}."""
        found = {}
        for field, code in self.versioned:
            found.setdefault(code, {})[field] = self[f"{field}_{code}"].data
        return found


def in_languages(form_class, *names):
    """`form_class` with, for each field in `names`, one more field per language the product
    speaks besides the company's own ("guidelines_pl", "Community guidelines (Polski)"): the
    text for readers of that language, optional. The field itself is labelled with the
    company's language, and a default computed in a language is computed in the field's."""
    return _in_languages(form_class, names, default_locale(), tuple(other_languages()))


@lru_cache
def _in_languages(form_class, names, own, others):
    if not others:
        return form_class
    fields = {}
    for name in names:
        unbound = getattr(form_class, name)
        args = unbound.args if "label" in unbound.kwargs else unbound.args[1:]
        label = unbound.kwargs.get("label") or unbound.args[0]
        for code in (own, *others):
            kwargs = {**unbound.kwargs, "label": _l("%(label)s (%(language)s)", label=label,
                                                    language=languages()[code])}  # fmt: skip
            if callable(kwargs.get("default")):
                kwargs["default"] = _in_language(kwargs["default"], code)
            if code != own:
                kwargs["validators"] = [
                    v for v in kwargs.get("validators", ()) if not isinstance(v, DataRequired)
                ]
            fields[name if code == own else f"{name}_{code}"] = unbound.field_class(*args, **kwargs)
    fields["versioned"] = tuple((name, code) for name in names for code in others)
    return type(form_class.__name__, (form_class,), fields)


def _in_language(make, code):
    def made():
        with force_locale(code):
            return make()

    return made


def typed_versions(versions):
    """{language: {field: text}} as a form's data ({"guidelines_pl": text})."""
    return {f"{f}_{code}": text for code, texts in versions.items() for f, text in texts.items()}


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
