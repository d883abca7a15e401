"""Each person reads the product in their own language and time (Flask-Babel).

Which language: the person's own choice, else the browser's (`Accept-Language`), else the
company's `DEFAULT_LOCALE`. Which time: the person's time zone. A job that writes to someone
(an email, a digest) renders inside `as_reader(person)`, so it speaks the recipient's
language and time, whoever caused it. Stored times stay UTC; they are turned into the
reader's time only where they are shown (`when`, `day`)."""

import datetime as dt
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError, dates, numbers
from flask import current_app, g, has_app_context, has_request_context, request
from flask_babel import (
    Babel,
    LazyString,
    force_locale,
    get_locale,
    get_timezone,
    get_translations,
    gettext,
    ngettext,
    refresh,
)
from flask_login import current_user
from markupsafe import Markup, escape
from peewee import fn

# The product's catalogues; a language is spoken once its compiled catalogue is here.
TRANSLATIONS = Path(__file__).with_name("translations")
# The language the texts are written in, read outside the app.
SOURCE = ("en", "UTC", Locale("en"))
# Up to this long ago a time reads "5 minutes ago"; older ones read as a date and time.
RECENT = dt.timedelta(days=7)


def spoken(directories):
    """{code: the language's name in itself}: English, the source's, and each language with
    a compiled catalogue in `directories` (Flask-Babel's, separated by ";")."""
    codes = {"en"}
    for folder in directories.split(";"):
        codes |= {path.parents[1].name for path in Path(folder).glob("*/LC_MESSAGES/messages.mo")}
    return {code: _own_name(code) for code in sorted(codes)}


def _own_name(code):
    name = Locale.parse(code).get_display_name(code)
    return name[:1].upper() + name[1:]


def languages():
    """The languages the product speaks: {code: name in itself}, for the chooser."""
    return current_app.config["LANGUAGES"]


def supported(code, among=None):
    """`code` ("pl", "pl-PL", "pl_PL") as a language the product speaks, or None."""
    try:
        language = Locale.parse(str(code or "").replace("-", "_")).language
    except (ValueError, UnknownLocaleError):
        return None
    return language if language in (among or languages()) else None


def default_locale():
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def other_languages():
    """The languages the product speaks besides the company's own: those company content (a
    value's name, a program's guidelines, a celebration's words) may have a version in."""
    return [code for code in languages() if code != default_locale()]


def _signed_in():
    return has_request_context() and current_user and current_user.is_authenticated


def select_locale():
    reader = g.get("reader")
    if reader is not None:
        return supported(reader.locale) or default_locale()
    chosen = supported(current_user.locale) if _signed_in() else None
    return chosen or browser_locale()


def browser_locale():
    """The language the browser asks for, of those the product speaks, or the default."""
    if has_request_context():
        best = request.accept_languages.best_match(list(languages()))
        if best:
            return best
    return default_locale()


def select_timezone():
    reader = g.get("reader") or (current_user if _signed_in() else None)
    return valid_zone(reader.time_zone) if reader is not None else "UTC"


def valid_zone(name):
    """`name` if Python knows the zone, else UTC."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return "UTC"
    return name


@contextmanager
def as_reader(person):
    """Render for `person` (an email, a digest): their language and their time zone."""
    before = g.get("reader")
    g.reader = person
    _forget_reading()
    try:
        yield
    finally:
        g.reader = before
        _forget_reading()


def _forget_reading():
    refresh()
    _forget_cached()


def _forget_cached():
    g.pop("reading", None)
    g.pop("translations", None)


def reading():
    """The reader's language and time zone ("pl", "Europe/Warsaw", and babel's `Locale`),
    asked of Flask-Babel once per request or reader: a page shows twenty-odd times. Outside
    the app (a pure computation, a script), the source's: English in UTC."""
    if not has_app_context():
        return SOURCE
    found = g.get("reading")
    if found is None:
        locale = get_locale()
        found = g.reading = (str(locale), str(get_timezone()), locale)
    return found


def translations():
    """The reader's catalogue, asked of Flask-Babel once per request or reader: a page shows
    sixty-odd texts, and Flask-Babel finds the catalogue anew for each."""
    found = g.get("translations")
    if found is None:
        found = g.translations = get_translations()
    return found


def lang():
    """The page's language, for `<html lang>`."""
    return reading()[0]


def when(moment, css="", now=None):
    """A stored (naive UTC) moment as the reader reads it: "5 minutes ago" within a week,
    else a date and time in their zone; the exact time and the zone on hover, and the
    machine-readable moment in `<time datetime>`."""
    if moment is None:
        return ""
    locale, zone, babel_locale = reading()
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    moment = moment.replace(tzinfo=None)
    if dt.timedelta(0) <= now - moment < RECENT:
        shown = dates.format_timedelta(moment - now, add_direction=True, locale=babel_locale)
    else:
        shown = _formatted(moment, "d MMM, HH:mm", locale, zone)
    exact = _formatted(moment, "medium", locale, zone)
    css = f' class="{escape(css)}"' if css else ""
    return Markup(  # noqa: S704 (every part escaped)
        f'<time{css} datetime="{moment.isoformat(timespec="seconds")}Z"'
        f' title="{escape(exact)} ({escape(zone)})">{escape(shown)}</time>'
    )


def at(moment, pattern="d MMM, HH:mm"):
    """A stored moment as plain text in the reader's zone and language ("4 Dec, 17:02")."""
    if not moment:
        return ""
    locale, zone, _ = reading()
    return _formatted(moment.replace(tzinfo=None), pattern, locale, zone)


def day(value, pattern="d MMMM y"):
    """A date, or a stored moment's date in the reader's zone, in the reader's language."""
    if isinstance(value, dt.datetime):
        return at(value, pattern)
    return _formatted(value, pattern, reading()[0], None) if value else ""


def marked(text):
    """`text` as it is, marked for the catalogue: translated where it is shown (a default
    that is stored, then offered in a form in the reader's language)."""
    return text


def said(text, **params):
    """A text worded when it is read, in the reader's language, for what is computed or kept
    for everyone (a job's figures, a reason): kept as [text, None, None, params], which JSON
    keeps too. `make messages` finds it like `_`; `worded` says it."""
    return [text, None, None, params]


def said_n(singular, plural, num, **params):
    """As `said`, with a plural chosen by `num` when read."""
    return [singular, plural, num, params]


def worded(message):
    """What `said`, `said_n` or `in_languages` kept, in the reader's language; any other text
    as it is."""
    if isinstance(message, dict):
        return message.get(reading()[0]) or message[""]
    if not isinstance(message, list | tuple) or len(message) != 4:
        return message
    singular, plural, num, params = message
    params = {key: worded(value) for key, value in params.items()}
    if plural is None:
        return gettext(singular, **params)
    return ngettext(singular, plural, num, **params)


def number(value):
    """A number as the reader writes it: 10,000 in English, 10 000 in Polish."""
    return numbers.format_decimal(value, locale=reading()[0])


def day_name(index):
    """Monday (0) to Sunday (6), in the reader's language when shown."""
    return LazyString(_day_name, index)


def _day_name(index):
    name = dates.get_day_names("wide", locale=reading()[0])[index]
    return name[:1].upper() + name[1:]


@lru_cache(maxsize=8192)
def _formatted(value, pattern, locale, zone):
    """A stored moment (naive UTC) in `zone`, or a date, written after `pattern` in `locale`.
    Kept: the same moments (a cohort's feed, its threads) are shown to everyone who visits."""
    if zone is None:
        return dates.format_date(value, pattern, locale=locale)
    moment = value.replace(tzinfo=dt.UTC)
    return dates.format_datetime(moment, pattern, tzinfo=ZoneInfo(zone), locale=locale)


# Company content in other languages. A company text (a value's name, a program's guidelines,
# a celebration's words) is written in the company's own language, in its table's column; a
# table of versions beside it holds the same text in other languages, one row per language.


class InLanguages(dict):
    """A company text in each language it has ({"": the company's own, "pl": ...}), said in
    the reader's: as `said`'s parameter or item (JSON keeps it as a dict, which `worded`
    reads alike), or as a lazy text's parameter (a notice, written as its reader reads it)."""

    def __str__(self):
        return worded(self)


def in_languages(own, versions):
    """`InLanguages` of the company's text and {language: its version} (empty ones left out)."""
    return InLanguages({"": own, **{code: text for code, text in versions.items() if text}})


def other_language():
    """The reader's language when it is not the company's own, else None: the language whose
    versions of company texts a read brings along."""
    code = reading()[0]
    return code if has_app_context() and code != default_locale() else None


def in_language(column, version, link, locale):
    """`column`, a company text, as a reader of `locale` reads it: its `version` in their
    language (a column of the table of versions, joined by `link`) where there is one, else
    the company's own: a subquery of the same query. For the company's language the same
    expression without one, so that peewee puts the value on the same row for every reader
    (the query's model, or the one named with `bind_to`; a bare column goes to its own)."""
    versions = version.model
    found = versions.select(version).where(link, versions.locale == locale) if locale else None
    return fn.COALESCE(found, column)


def versions_of(owner_field, owner, fields):
    """What `owner` says in other languages: {locale: {field: text}}, for its form."""
    model = owner_field.model
    rows = model.select().where(owner_field == owner)
    return {row.locale: {name: getattr(row, name) or "" for name in fields} for row in rows}


def versions_by_owner(owner_field, owners, field):
    """{owner's id: {locale: text}}: one field's versions for many owners, in one query; what
    `in_languages` takes for a text written for readers of every language."""
    owners, found = list(owners), {}
    if owners:
        model = owner_field.model
        rows = model.select(owner_field, model.locale, getattr(model, field)).where(
            owner_field.in_(owners)
        )
        for owner_id, locale, text in rows.tuples():
            if text:
                found.setdefault(owner_id, {})[locale] = text
    return found


def keep_versions(owner_field, owner, versions):
    """Make {locale: {field: text}} what `owner` says in other languages: an empty text is no
    version (its readers read the company's own), a language with none has no row."""
    model, others = owner_field.model, other_languages()
    model.delete().where(owner_field == owner).execute()
    rows = [
        {owner_field.name: owner, "locale": code, **{k: v or None for k, v in texts.items()}}
        for code, texts in versions.items()
        if code in others and any(texts.values())
    ]
    if rows:
        model.insert_many(rows).execute()


def in_each_language(make):
    """{code: make()} with `make` run in each language the product speaks: a text written once
    for readers of every language (a celebration)."""
    found = {}
    for code in languages():
        with force_locale(code):
            _forget_cached()
            found[code] = make(code)
    _forget_cached()
    return found


def init_app(app):
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    app.config["LANGUAGES"] = spoken(app.config["BABEL_TRANSLATION_DIRECTORIES"])
    default = supported(app.config.get("DEFAULT_LOCALE"), app.config["LANGUAGES"])
    app.config["BABEL_DEFAULT_LOCALE"] = default or "en"
    Babel(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.install_gettext_callables(
        gettext=lambda text: translations().ugettext(text),
        ngettext=lambda singular, plural, n: translations().ungettext(singular, plural, n),
        pgettext=lambda context, text: translations().upgettext(context, text),
        npgettext=lambda context, singular, plural, n: translations().unpgettext(
            context, singular, plural, n
        ),
        newstyle=True,
    )
    app.jinja_env.globals.update(page_lang=lang)
    app.jinja_env.filters.update(when=when, at=at, day=day, number=number, worded=worded)
