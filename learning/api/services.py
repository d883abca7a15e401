"""API tokens: made by their person (personal) or an admin (service), shown once, kept as a
SHA-256 digest, revoked in one click; each use noted. Every write through the API is audited
with the token's name."""

import secrets

from flask import g
from flask_babel import gettext as _
from peewee import JOIN

from learning.api import access
from learning.api.models import ApiToken
from learning.audit.services import log
from learning.db import atomic, utcnow
from learning.errors import NotFound, Refused, found
from learning.people.models import Person, Role
from learning.security import token_digest

PREFIXES = {"personal": "lcp_", "service": "lcs_"}
# A token's last use is written at most this often (seconds): not once per request.
USE_NOTED_EVERY = 60


def _name(name):
    name = " ".join((name or "").split())[:60]
    if not name:
        raise Refused(_("Name the token after what will use it."), "name")
    return name


def _checked_scopes(scopes, allowed):
    scopes = sorted(set(scopes or ()))
    if not scopes:
        raise Refused(_("Choose at least one scope."), "scopes")
    if set(scopes) - set(allowed):
        raise Refused(_("Choose only scopes offered here."), "scopes")
    return scopes


def make_personal(person, name, scopes):
    """A token acting as `person`: (its row, the token itself, shown this once)."""
    name = _name(name)
    scopes = _checked_scopes(scopes, access.grantable(person))
    live = ApiToken.select().where(
        ApiToken.person == person, ApiToken.name == name, ApiToken.revoked_at.is_null()
    )
    if live.exists():
        raise Refused(_("You already have a token called “%(name)s”.", name=name), "name")
    return _make(person, name, scopes, kind="personal", person=person)


def make_service(actor, name, roles, scopes):
    """A token for an integration, acting with `roles`: (its row, the token, shown once)."""
    access.require_token_admin(actor)
    name = _name(name)
    roles = sorted(set(roles or ()))
    if not roles or set(roles) - set(access.SERVICE_ROLES):
        raise Refused(_("Choose what the integration acts as."), "roles")
    scopes = _checked_scopes(scopes, access.service_scopes(roles))
    live = ApiToken.select().where(
        ApiToken.kind == "service", ApiToken.name == name, ApiToken.revoked_at.is_null()
    )
    if live.exists():
        raise Refused(_("There is already a service token called “%(name)s”.", name=name), "name")
    return _make(actor, name, scopes, kind="service", roles=" ".join(roles))


def _make(actor, name, scopes, **fields):
    token = PREFIXES[fields["kind"]] + secrets.token_urlsafe(32)
    with atomic():
        row = ApiToken.create(
            name=name,
            scopes=" ".join(scopes),
            digest=token_digest(token),
            ending=token[-4:],
            created_by=actor,
            **fields,
        )
        log(actor, "api_token_made", name, kind=row.kind, scopes=row.scopes)
    return row, token


def personal_tokens(person):
    return list(
        ApiToken.select()
        .where(ApiToken.person == person)
        .order_by(ApiToken.revoked_at.is_null(False), ApiToken.name, ApiToken.id)
    )


def service_tokens(viewer):
    access.require_token_admin(viewer)
    return list(
        ApiToken.select()
        .where(ApiToken.kind == "service")
        .order_by(ApiToken.revoked_at.is_null(False), ApiToken.name, ApiToken.id)
    )


def revoke(actor, token_id):
    """Revoke a token: one's own, or (admins) a service token."""
    row = found(ApiToken.get_or_none(ApiToken.id == token_id, ApiToken.revoked_at.is_null()))
    if row.kind == "service":
        access.require_token_admin(actor)
    elif row.person_id != actor.id:
        raise NotFound
    with atomic():
        row.revoked_at = utcnow()
        row.save()
        log(actor, "api_token_revoked", row.name, kind=row.kind)
    return row


# Requests


def token_in_use(token):
    """(the live token a request brings, who it acts as), or None for a wrong, revoked or
    orphaned one. Its use is noted, at most once a minute."""
    prefix = next((p for p in PREFIXES.values() if (token or "").startswith(p)), None)
    if prefix is None:
        return None
    row = (
        ApiToken.select(ApiToken, Person)
        .join(Person, on=ApiToken.person, join_type=JOIN.LEFT_OUTER)
        .where(ApiToken.digest == token_digest(token), ApiToken.revoked_at.is_null())
        .first()
    )
    if row is None:
        return None
    actor = _actor(row)
    if actor is None:
        return None
    now = utcnow()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > USE_NOTED_EVERY:
        ApiToken.update(last_used_at=now).where(ApiToken.id == row.id).execute()
    return row, actor


def _actor(row):
    if row.kind == "service":
        # Nobody: a stand-in, never saved, with the token's roles and no cohorts.
        actor = Person(display_name=row.name, email="", time_zone="UTC", locale="")
        actor._roles = {Role(r) for r in row.roles.split()}
        return actor
    person = row.person
    if person is None or not person.is_active or person.left_at or person.erased_at:
        return None
    return person


def audited(action, subject="", **detail):
    """Note a write made through the API, with the token's name; inside its transaction."""
    token, actor = g.api_token, g.api_actor
    log(actor if actor.id else None, action, subject, token=token.name, **detail)
