"""The directory's bearer tokens: made by an admin (or `flask scim-token NAME`), shown once,
kept as a SHA-256 digest, revoked in one click; every use noted. And what the directory's
groups are, as the admin chose: departments (their members are the people in them) or
program enrolments (cohorts says who those are, registered with `register_programs`)."""

import secrets

from flask_babel import gettext as _

from learning.audit.services import log
from learning.db import atomic, utcnow
from learning.errors import Refused, found
from learning.people.access import require_admin
from learning.scim.models import Provisioning, ScimToken
from learning.security import token_digest

PREFIX = "scim_"
PROGRAMS = "learning.scim_programs"
GROUP_KINDS = ("departments", "programs")


def make_token(actor, name):
    """A new token named `name`: (its row, the token itself, shown this once)."""
    name = " ".join((name or "").split())[:60]
    if not name:
        raise Refused(_("Name the token after the directory that will use it."), "name")
    if ScimToken.select().where(ScimToken.name == name).exists():
        raise Refused(_("There is already a token called “%(name)s”.", name=name), "name")
    token = PREFIX + secrets.token_urlsafe(32)
    with atomic():
        row = ScimToken.create(name=name, digest=token_digest(token), created_by=actor)
        log(actor, "scim_token_made", name)
    return row, token


def revoke_token(actor, token_id):
    require_admin(actor)
    row = found(ScimToken.get_or_none(ScimToken.id == token_id, ScimToken.revoked_at.is_null()))
    with atomic():
        row.revoked_at = utcnow()
        row.save()
        log(actor, "scim_token_revoked", row.name)
    return row


def tokens(viewer):
    require_admin(viewer)
    return list(ScimToken.select().order_by(ScimToken.revoked_at.is_null(False), ScimToken.name))


def token_in_use(token):
    """The live token a request brings, noted as used; None for a wrong or revoked one."""
    if not token or not token.startswith(PREFIX):
        return None
    row = ScimToken.get_or_none(
        ScimToken.digest == token_digest(token), ScimToken.revoked_at.is_null()
    )
    if row is not None:
        ScimToken.update(last_used_at=utcnow()).where(ScimToken.id == row.id).execute()
    return row


def register_programs(app, programs):
    """`programs`: named(name) → id or None; names(ids) → {id: name}; participants(ids) →
    {id: [person ids]}; enrol_exactly(id, person ids)."""
    app.extensions[PROGRAMS] = programs


def chosen_groups():
    row = Provisioning.get_or_none()
    return row.groups if row else "departments"


def choose_groups(actor, kind):
    """What the directory's groups are from now on: "departments" or "programs"."""
    require_admin(actor)
    if kind not in GROUP_KINDS:
        raise Refused(_("Choose departments or programs."), "groups")
    with atomic():
        row = Provisioning.get_or_none() or Provisioning()
        row.groups = kind
        row.save()
        log(actor, "directory_groups_chosen", kind)
