"""Chat: the company's Slack workspace, people's Slack and Teams accounts, cohorts mirrored to
a channel, every message sent there; a notice says what an answer from chat replies to.

Models here are frozen copies: later changes to the app's models need a new migration."""

from peewee import *

from learning.db import utcnow
from learning.migrate import existing, frozen_base


def up(migrator, db):
    Base = frozen_base(db)  # noqa: N806
    Person = existing(Base, "person")  # noqa: N806

    class SlackWorkspace(Base):
        team_id = CharField(unique=True)
        team_name = CharField(default="")
        bot_user_id = CharField(default="")
        bot_token = TextField()
        signing_secret = TextField()
        app_token = TextField(default="")
        installed_by = ForeignKeyField(Person, null=True, on_delete="SET NULL")
        installed_at = DateTimeField(default=utcnow)
        revoked_at = DateTimeField(null=True)
        revoked_reason = CharField(default="")

    class ChatAccount(Base):
        person = ForeignKeyField(Person, on_delete="CASCADE")
        service = CharField()
        team_id = CharField(default="")
        external_id = CharField(default="")
        address = TextField(default="")
        linked_at = DateTimeField(default=utcnow)

        class Meta:
            indexes = ((("person", "service"), True),)

    ChatAccount.add_index(
        ChatAccount.index(ChatAccount.service, ChatAccount.team_id, ChatAccount.external_id,
                          unique=True, where=(ChatAccount.service == "slack"))
    )  # fmt: skip

    class ChannelMirror(Base):
        cohort_id = IntegerField()
        service = CharField()
        channel = CharField(default="")
        channel_name = CharField(default="")
        address = TextField(default="")
        chosen_by = ForeignKeyField(Person, null=True, on_delete="SET NULL")
        chosen_at = DateTimeField(default=utcnow)

        class Meta:
            indexes = ((("cohort_id", "service"), True),)

    class ChatMessage(Base):
        key = CharField(unique=True)
        service = CharField()
        person = ForeignKeyField(Person, null=True, on_delete="CASCADE")
        target = TextField()
        payload = TextField()
        status = CharField(default="pending", index=True)
        attempts = IntegerField(default=0)
        due_at = DateTimeField(default=utcnow)
        error = TextField(default="")
        created_at = DateTimeField(default=utcnow)
        sent_at = DateTimeField(null=True)

        class Meta:
            indexes = ((("status", "due_at"), False),)

    db.create_tables([SlackWorkspace, ChatAccount, ChannelMirror, ChatMessage])
    migrator.migrate(migrator.add_column("notification", "answer", CharField(default="")))
