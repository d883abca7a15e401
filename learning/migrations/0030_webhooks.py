"""Webhooks: admins' subscriptions and every delivery, with its tries.

Models here are frozen copies: later changes to the app's models need a new migration."""

from peewee import *

from learning.db import utcnow
from learning.migrate import existing, frozen_base


def up(migrator, db):
    Base = frozen_base(db)  # noqa: N806
    Person = existing(Base, "person")  # noqa: N806

    class WebhookSubscription(Base):
        url = CharField(max_length=2000)
        description = CharField(default="")
        events = CharField()
        secret = CharField()
        created_by = ForeignKeyField(Person, null=True, on_delete="SET NULL")
        created_at = DateTimeField(default=utcnow)
        active = BooleanField(default=True)
        disabled_at = DateTimeField(null=True)
        disabled_reason = CharField(default="")
        failures = IntegerField(default=0)

    class WebhookDelivery(Base):
        subscription = ForeignKeyField(WebhookSubscription, on_delete="CASCADE")
        message_id = CharField(unique=True)
        event = CharField()
        payload = TextField()
        created_at = DateTimeField(default=utcnow)
        status = CharField(default="pending")
        attempts = SmallIntegerField(default=0)
        next_attempt_at = DateTimeField(null=True)
        taken_at = DateTimeField(null=True)
        response_code = SmallIntegerField(null=True)
        error = CharField(default="")
        delivered_at = DateTimeField(null=True)

        class Meta:
            indexes = (
                (("subscription", "created_at"), False),
                (("status", "next_attempt_at"), False),
            )

    db.create_tables([WebhookSubscription, WebhookDelivery])
