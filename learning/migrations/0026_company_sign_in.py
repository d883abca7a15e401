"""Company sign-in and provisioning: a person's accounts at the company's identity
provider, the admin's choices of claims and of who may arrive without an invitation; a
person's profile knows which of its parts the provider manages, when someone who signs in
there confirmed it, and the directory's id for them, when they left and when the directory
deleted them; the directory's tokens and departments.

Models here are frozen copies: later changes to the app's models need a new migration."""

from peewee import *

from learning.db import utcnow
from learning.migrate import existing, frozen_base


def up(migrator, db):
    Base = frozen_base(db)  # noqa: N806
    Person = existing(Base, "person")  # noqa: N806

    class ExternalIdentity(Base):
        person = ForeignKeyField(Person, on_delete="CASCADE")
        issuer = CharField()
        subject = CharField()
        email = CharField(default="")
        confirmed = BooleanField(default=True)
        created_at = DateTimeField(default=utcnow)
        last_sign_in_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("issuer", "subject"), True), (("person", "issuer"), True))

    class SignInSettings(Base):
        claims = TextField(default="{}")
        arrival_domains = CharField(default="")
        changed_at = DateTimeField(default=utcnow)

    class ScimToken(Base):
        name = CharField(unique=True)
        digest = CharField(unique=True)
        created_by = ForeignKeyField(Person, null=True, on_delete="SET NULL")
        created_at = DateTimeField(default=utcnow)
        last_used_at = DateTimeField(null=True)
        revoked_at = DateTimeField(null=True)

    class Department(Base):
        name = CharField(unique=True)
        external_id = CharField(null=True)
        created_at = DateTimeField(default=utcnow)

    class SamlRequest(Base):
        request_id = CharField(unique=True)
        next_page = CharField(default="")
        trying_by = ForeignKeyField(Person, null=True, on_delete="CASCADE")
        created_at = DateTimeField(default=utcnow, index=True)

    class ProgramGroup(Base):
        program_id = IntegerField(unique=True)
        external_id = CharField(null=True)
        created_at = DateTimeField(default=utcnow)

    class Provisioning(Base):
        groups = CharField(default="departments")

    db.create_tables([ExternalIdentity, SignInSettings, ScimToken, Department, SamlRequest,
                      ProgramGroup, Provisioning])  # fmt: skip
    migrator.migrate(
        migrator.add_column("person", "managed", CharField(default="")),
        migrator.add_column("person", "profile_confirmed_at", DateTimeField(null=True)),
        migrator.add_column("person", "external_id", CharField(null=True)),
        migrator.add_column("person", "user_name", CharField(null=True)),
        migrator.add_column("person", "directory_record", TextField(default="")),
        migrator.add_column("person", "left_at", DateTimeField(null=True)),
        migrator.add_column("person", "deprovisioned_at", DateTimeField(null=True)),
        migrator.add_column("person", "changed_at", DateTimeField(default=utcnow)),
        migrator.add_index("person", ("external_id",), unique=True),
    )
