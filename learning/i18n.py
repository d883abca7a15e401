"""Each person reads the product in their own language and time (Flask-Babel).

Which language: the person's own choice, else the browser's (`Accept-Language`), else the
company's `DEFAULT_LOCALE`. Which time: the person's time zone. A job that writes to someone
(an email, a digest) renders inside `as_reader(person)`, so it speaks the recipient's
language and time, whoever caused it. Stored times stay UTC; they are turned into the
reader's time only where they are shown (`when`, `day`)."""

import datetime as dt
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from flask import current_app, g, has_request_context, request
from flask_babel import (
    Babel,
    format_date,
    format_datetime,
    format_timedelta,
    get_locale,
    get_timezone,
    refresh,
)
from flask_login import current_user
from markupsafe import Markup

# The languages the product speaks: code -> its name in itself, for the chooser.
LANGUAGES = {"en": "English", "pl": "Polski"}
TRANSLATIONS = Path(__file__).with_name("translations")
# Up to this long ago a time reads "5 minutes ago"; older ones read as a date and time.
RECENT = dt.timedelta(days=7)


def supported(code):
    """`code` ("pl", "pl-PL", "pl_PL") as a language the product speaks, or None."""
    try:
        language = Locale.parse(str(code or "").replace("-", "_")).language
    except (ValueError, UnknownLocaleError):
        return None
    return language if language in LANGUAGES else None


def default_locale():
    return current_app.config["BABEL_DEFAULT_LOCALE"]


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
        best = request.accept_languages.best_match(list(LANGUAGES))
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
    refresh()
    try:
        yield
    finally:
        g.reader = before
        refresh()


def lang():
    """The page's language, for `<html lang>`."""
    return str(get_locale())


def when(moment, css="", now=None):
    """A stored (naive UTC) moment as the reader reads it: "5 minutes ago" within a week,
    else a date and time in their zone; the exact time and the zone on hover, and the
    machine-readable moment in `<time datetime>`."""
    if moment is None:
        return ""
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    moment = moment.replace(tzinfo=None)
    if dt.timedelta(0) <= now - moment < RECENT:
        shown = format_timedelta(moment - now, add_direction=True)
    else:
        shown = at(moment)
    return Markup('<time{} datetime="{}Z" title="{} ({})">{}</time>').format(
        Markup(' class="{}"').format(css) if css else "",
        moment.isoformat(timespec="seconds"),
        format_datetime(moment, "medium"),
        zone_name(),
        shown,
    )


def at(moment, pattern="d MMM, HH:mm"):
    """A stored moment as plain text in the reader's zone and language ("4 Dec, 17:02")."""
    return format_datetime(moment, pattern) if moment else ""


def day(value, pattern="d MMMM y"):
    """A date, or a stored moment's date in the reader's zone, in the reader's language."""
    if isinstance(value, dt.datetime):
        return format_datetime(value, pattern)
    return format_date(value, pattern) if value else ""


def zone_name():
    """The reader's time zone as they would name it: "Europe/Warsaw"."""
    return str(get_timezone())


def init_app(app):
    app.config["BABEL_DEFAULT_LOCALE"] = supported(app.config.get("DEFAULT_LOCALE")) or "en"
    Babel(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(TRANSLATIONS),
    )
    app.jinja_env.globals.update(page_lang=lang, languages=LANGUAGES)
    app.jinja_env.filters.update(when=when, at=at, day=day)
