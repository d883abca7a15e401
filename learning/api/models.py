"""API tokens."""

from peewee import CharField, DateTimeField, ForeignKeyField

from learning.db import BaseModel, utcnow
from learning.people.models import Person


class ApiToken(BaseModel):
    """A bearer token: shown once when made, only its SHA-256 digest kept.

    Personal: it acts as its person, within its scopes. Service: made by an admin for an
    integration, it acts with the roles the admin gave it and belongs to no cohort."""

    name = CharField()
    kind = CharField(default="personal")  # personal or service
    person = ForeignKeyField(Person, null=True, backref="+", on_delete="CASCADE")
    roles = CharField(default="")  # a service token's roles, space-separated
    scopes = CharField()  # space-separated
    digest = CharField(unique=True)
    ending = CharField(default="")  # its last characters, to recognise it in a list
    created_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    last_used_at = DateTimeField(null=True)
    revoked_at = DateTimeField(null=True)

    @property
    def scope_list(self):
        return self.scopes.split()
