"""A create form sent twice makes one thing: the form carries a once-only token, and the first
request to use it records what it made. The same form again, even at the same moment (a
double click, a retried request), gets what the first made and makes nothing."""

import uuid

from flask_babel import lazy_gettext as _l
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField
from wtforms import HiddenField
from wtforms.validators import Optional, Regexp

from learning.db import BaseModel, insert, utcnow
from learning.errors import NotFound, found
from learning.people.models import Person


class Submission(BaseModel):
    token = CharField(unique=True)
    person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    kind = CharField()  # what the form makes: "thread", "reply", ...
    object_id = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow, index=True)


def token_field():
    """The hidden field of a create form: a fresh token each time the form is drawn empty,
    the same one when it comes back with errors."""
    return HiddenField(
        default=lambda: uuid.uuid4().hex,
        validators=[
            Optional(),
            Regexp(r"^[0-9a-f]{32}$", message=_l("Reload the page and try again.")),
        ],
    )


def sent_before(person, token, kind):
    """Call first in the write's transaction. The form's first sending (its `object_id` is
    what that made) if it was sent before, or None: then go on and call `made` with what
    this one makes. Of two requests at once, the second waits for the first's transaction
    (the token is unique) and gets its result; a first request that failed left nothing, so
    the form can be sent again. Without a token (an old page, a script) nothing is checked.
    Tokens are forgotten after two days (the nightly purge)."""
    if not token:
        return None
    if insert(Submission(token=token, person=person, kind=kind), new_only=True):
        return None
    first = Submission.get(Submission.token == token)
    if first.person_id != person.id or first.kind != kind:
        raise NotFound
    return first


def again(first, model):
    """What the form's first sending made (a `model` row), marked `repeated`, so a view
    answers as it did the first time without drawing it twice; 404 if it is gone since."""
    thing = found(model.get_or_none(model.id == first.object_id))
    thing.repeated = True
    return thing


def made(token, thing):
    """Record what the form with `token` made (its id), in the same transaction."""
    if token:
        Submission.update(object_id=thing.id).where(Submission.token == token).execute()
    return thing
