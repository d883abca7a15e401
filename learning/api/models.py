"""API tokens, and webhook subscriptions with every delivery they made."""

from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    SmallIntegerField,
    TextField,
)

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


class WebhookSubscription(BaseModel):
    """An admin's subscription of a URL to events; its secret signs every payload."""

    url = CharField(max_length=2000)
    description = CharField(default="")
    events = CharField()  # space-separated event types
    secret = CharField()  # "whsec_…", as Standard Webhooks writes it
    created_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    # Off: paused by an admin, or by the platform after deliveries failed in a row.
    active = BooleanField(default=True)
    disabled_at = DateTimeField(null=True)
    disabled_reason = CharField(default="")
    failures = IntegerField(default=0)  # deliveries that failed in a row, every try spent

    @property
    def event_list(self):
        return self.events.split()


class WebhookDelivery(BaseModel):
    """One event for one subscription: the payload as signed and sent, and how its tries
    went. `message_id` is the webhook-id header, the same at every try, so a receiver can
    drop a repeat; deterministic from the event, so an event is recorded once."""

    subscription = ForeignKeyField(WebhookSubscription, backref="deliveries", on_delete="CASCADE")
    message_id = CharField(unique=True)
    event = CharField()
    payload = TextField()
    created_at = DateTimeField(default=utcnow)
    status = CharField(default="pending")  # pending, delivered, failed
    attempts = SmallIntegerField(default=0)
    next_attempt_at = DateTimeField(null=True)
    # A try under way since: a worker killed mid-try leaves it, and the sweep tries again.
    taken_at = DateTimeField(null=True)
    response_code = SmallIntegerField(null=True)
    error = CharField(default="")
    delivered_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("subscription", "created_at"), False), (("status", "next_attempt_at"), False))
