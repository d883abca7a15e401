"""Every id and whole number a request carries is read here, with bounds: one the database
cannot hold is refused like any other bad value (a field error, or not found in a URL) and
never reaches the database. Also the range of dates a form accepts."""

import datetime as dt

from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter
from wtforms import IntegerField
from wtforms.validators import ValidationError

# Ids are 32-bit on PostgreSQL (serial) and at most 64-bit on SQLite: a bigger number would
# reach the database as an error.
MAX_ID = 2**31 - 1
# Dates people mean: programs, challenges and report periods. Outside, date arithmetic (weeks,
# a period's end) would leave what Python and the databases can hold.
FIRST_DATE = dt.date(2000, 1, 1)
LAST_DATE = dt.date(2099, 12, 31)


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: a number beyond MAX_ID is not found, like any unknown id."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def number(value):
    """A whole number from 0 to MAX_ID, or ValueError: `type=` for query strings and form
    values (out of range is invalid, so the default applies), `coerce=` for choices."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID))):
        raise ValueError(f"{value!r} is not a whole number")
    result = int(text)
    if result > MAX_ID:
        raise ValueError(f"{value!r} is out of range")
    return result


class WholeNumberField(IntegerField):
    """WTForms' IntegerField, reading through `number`: a value it refuses is "not a valid
    integer" like any other (WTForms' own NumberRange fails on a 400-digit number)."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        try:
            self.data = number(valuelist[0])
        except ValueError:
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value.")) from None


def number_or_none(value):
    """`number(value)`, or None for anything else."""
    try:
        return number(value)
    except ValueError:
        return None


def sensible_date(form, field):
    """A WTForms validator: a date from FIRST_DATE to LAST_DATE."""
    if field.data and not FIRST_DATE <= field.data <= LAST_DATE:
        raise ValidationError(
            _(
                "Enter a date between %(first)s and %(last)s.",
                first=FIRST_DATE.year,
                last=LAST_DATE.year,
            )
        )
