"""A person's accounts at the company's identity provider, and how its claims become a
profile."""

import json

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, TextField

from learning.db import BaseModel, utcnow
from learning.people.models import Person


class ExternalIdentity(BaseModel):
    """A person's account at an identity provider, linked on the provider's own immutable
    subject (`sub`), never on an email address once linked. A first link by an address the
    provider has not verified waits for an admin's confirmation (`confirmed`)."""

    person = ForeignKeyField(Person, backref="identities", on_delete="CASCADE")
    issuer = CharField()
    subject = CharField()
    email = CharField(default="")  # as the provider last gave it
    confirmed = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    last_sign_in_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("issuer", "subject"), True), (("person", "issuer"), True))


class SignInSettings(BaseModel):
    """The admin's choices, one row: which claim carries each part of a profile, and the
    email domains whose people may arrive without an invitation ("" : nobody)."""

    claims = TextField(default="{}")  # {profile attribute: claim name}
    arrival_domains = CharField(default="")
    changed_at = DateTimeField(default=utcnow)

    def claim_names(self, defaults):
        return {**defaults, **json.loads(self.claims or "{}")}

    @property
    def domains(self):
        return {d.strip().lower().lstrip("@") for d in self.arrival_domains.split() if d.strip()}


class SamlRequest(BaseModel):
    """A SAML sign-in this service asked the identity provider for, until its answer comes:
    the answer must name one (InResponseTo), once; a replayed answer names none. Kept here,
    not in the session, because the provider posts the answer from its own site, and
    browsers send no SameSite=Lax cookie with it."""

    request_id = CharField(unique=True)
    next_page = CharField(default="")
    # An admin's "Try sign-in": show what came, sign nobody in.
    trying_by = ForeignKeyField(Person, null=True, backref="+", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow, index=True)
