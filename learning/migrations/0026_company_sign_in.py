"""Company sign-in: a person's accounts at the company's identity provider, the admin's
choices of claims and of who may arrive without an invitation; a person's profile knows
which of its parts the provider manages, and when someone who signs in there confirmed it.

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

    db.create_tables([ExternalIdentity, SignInSettings])
    migrator.migrate(
        migrator.add_column("person", "managed", CharField(default="")),
        migrator.add_column("person", "profile_confirmed_at", DateTimeField(null=True)),
    )
