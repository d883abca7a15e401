"""The tokens a directory provisions people with, and the groups it sends (departments)."""

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from learning.db import BaseModel, utcnow
from learning.people.models import Person


class ScimToken(BaseModel):
    """A named bearer token a directory (Entra ID, Okta...) provisions with: shown once when
    made, only its SHA-256 digest kept."""

    name = CharField(unique=True)
    digest = CharField(unique=True)
    created_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    last_used_at = DateTimeField(null=True)
    revoked_at = DateTimeField(null=True)


class Department(BaseModel):
    """A group the directory sends: a department; its members are the people in it."""

    name = CharField(unique=True)
    external_id = CharField(null=True)
    created_at = DateTimeField(default=utcnow)


class ProgramGroup(BaseModel):
    """A group the directory sends, when its groups are program enrolments: the program (of
    cohorts, named by id: learning knows no domain) whose participants are its members."""

    program_id = IntegerField(unique=True)
    external_id = CharField(null=True)
    created_at = DateTimeField(default=utcnow)


class Provisioning(BaseModel):
    """The admin's choice, one row: the directory's groups are departments or programs."""

    groups = CharField(default="departments")
