"""Chat: the company's Slack workspace, people's chat accounts, cohorts mirrored to a channel,
and every message sent there, one row each (its key makes it once)."""

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from learning.db import BaseModel, utcnow
from learning.people.models import Person

SLACK, TEAMS = "slack", "teams"


class SlackWorkspace(BaseModel):
    """The Slack app the company made and installed. Its secrets are sealed
    (learning.security.seal)."""

    team_id = CharField(unique=True)
    team_name = CharField(default="")
    bot_user_id = CharField(default="")
    bot_token = TextField()  # xoxb-…, sealed
    signing_secret = TextField()  # sealed
    app_token = TextField(default="")  # xapp-… for Socket Mode, sealed
    installed_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    installed_at = DateTimeField(default=utcnow)
    revoked_at = DateTimeField(null=True)
    revoked_reason = CharField(default="")


class ChatAccount(BaseModel):
    """A person's account in Slack (the user's id in the workspace), or their Teams chat (the
    sealed address of the Workflows webhook that posts to it)."""

    person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    service = CharField()  # slack, teams
    team_id = CharField(default="")
    external_id = CharField(default="")  # the Slack user's id
    address = TextField(default="")  # a Teams webhook, sealed
    linked_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("person", "service"), True),)


# A Slack user is one person's: two people linking the same account at once, one wins.
ChatAccount.add_index(
    ChatAccount.index(ChatAccount.service, ChatAccount.team_id, ChatAccount.external_id,
                      unique=True, where=(ChatAccount.service == SLACK))
)  # fmt: skip


class ChannelMirror(BaseModel):
    """A cohort's feed, mirrored to a Slack channel or a Teams channel's webhook."""

    cohort_id = IntegerField()  # learning knows no domain
    service = CharField()
    channel = CharField(default="")  # a Slack channel's id
    channel_name = CharField(default="")
    address = TextField(default="")  # a Teams webhook, sealed
    chosen_by = ForeignKeyField(Person, null=True, backref="+", on_delete="SET NULL")
    chosen_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("cohort_id", "service"), True),)


class ChatMessage(BaseModel):
    """One message to a person or a channel: the delivery ledger of chat, as Delivery is of
    email. waiting (until due_at), pending, sending, sent, failed."""

    key = CharField(unique=True)
    service = CharField()
    person = ForeignKeyField(Person, null=True, backref="+", on_delete="CASCADE")
    target = TextField()  # a Slack user or channel id; a Teams webhook, sealed
    payload = TextField()  # JSON: Slack's text and blocks, or a Teams card
    status = CharField(default="pending", index=True)
    attempts = IntegerField(default=0)
    due_at = DateTimeField(default=utcnow)
    error = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    sent_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("status", "due_at"), False),)
