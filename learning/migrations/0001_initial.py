"""People, roles, preferences, invitations, resets, the outbox, deliveries, ledger, audit log.

Models here are frozen copies: later changes to the app's models need a new migration."""

from peewee import *

from learning.db import utcnow
from learning.migrate import frozen_base


def up(migrator, db):
    Base = frozen_base(db)  # noqa: N806

    class Person(Base):
        email = CharField(unique=True)
        display_name = CharField()
        department = CharField(default="")
        location = CharField(default="")
        time_zone = CharField(default="UTC")
        locale = CharField(default="en")
        manager = ForeignKeyField("self", null=True, backref="reports", on_delete="SET NULL")
        is_active = BooleanField(default=True)
        password_hash = CharField(null=True)
        session_version = IntegerField(default=1)
        guidelines_accepted_at = DateTimeField(null=True)
        onboarded_at = DateTimeField(null=True)
        created_at = DateTimeField(default=utcnow)

    class PersonRole(Base):
        person = ForeignKeyField(Person, on_delete="CASCADE")
        role = CharField()

        class Meta:
            indexes = ((("person", "role"), True),)

    class Preferences(Base):
        person = ForeignKeyField(Person, unique=True, on_delete="CASCADE")
        email_recognition = BooleanField(default=True)
        email_conversations = BooleanField(default=True)
        digest_frequency = CharField(default="weekly")
        digest_weekday = SmallIntegerField(default=0)
        digest_hour = SmallIntegerField(default=9)

    class Invitation(Base):
        person = ForeignKeyField(Person, on_delete="CASCADE")
        invited_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
        nonce = CharField(unique=True)
        created_at = DateTimeField(default=utcnow)
        used_at = DateTimeField(null=True)

    class PasswordReset(Base):
        person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
        nonce = CharField(unique=True)
        created_at = DateTimeField(default=utcnow)
        used_at = DateTimeField(null=True)

    class PendingJob(Base):
        key = CharField(unique=True)
        func = CharField()
        args = TextField(default="[]")
        queue = CharField()
        created_at = DateTimeField(default=utcnow, index=True)
        handed_at = DateTimeField(null=True)
        done_at = DateTimeField(null=True)

    class Delivery(Base):
        key = CharField(unique=True)
        to_address = CharField()
        subject = CharField()
        text_body = TextField()
        html_body = TextField()
        status = CharField(default="pending", index=True)
        attempts = IntegerField(default=0)
        error = TextField(default="")
        created_at = DateTimeField(default=utcnow)
        sent_at = DateTimeField(null=True)

    class Activity(Base):
        actor = ForeignKeyField(Person, on_delete="CASCADE")
        cohort_id = IntegerField(null=True)
        kind = CharField()
        object_type = CharField(default="")
        object_id = IntegerField(null=True)
        target = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
        created_at = DateTimeField(default=utcnow)

        class Meta:
            indexes = ((("cohort_id", "created_at"), False), (("actor", "created_at"), False))

    class AuditEntry(Base):
        actor = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
        action = CharField(index=True)
        subject = CharField(default="")
        detail = TextField(default="{}")
        ip = CharField(default="")
        created_at = DateTimeField(default=utcnow, index=True)

    db.create_tables(
        [
            Person,
            PersonRole,
            Preferences,
            Invitation,
            PasswordReset,
            PendingJob,
            Delivery,
            Activity,
            AuditEntry,
        ]
    )
