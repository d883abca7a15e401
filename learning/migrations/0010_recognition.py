"""Recognition: company values, kudos, milestones and their reactions; notification
preferences per kind and channel, quiet hours and working days; mail that waits or fails.

Models here are frozen copies: later changes to the app's models need a new migration."""

from peewee import *

from learning.db import utcnow
from learning.migrate import existing, frozen_base

DEFAULT_VALUES = [
    ("Curiosity", "Asks the question others were thinking."),
    ("Generosity", "Shares time, knowledge and credit."),
    ("Courage", "Tries something new and shows unfinished work."),
    ("Craft", "Cares about doing it well."),
    ("Together", "Makes the group better, not only themselves."),
]


def up(migrator, db):
    Base = frozen_base(db)  # noqa: N806

    Person = existing(Base, "person")  # noqa: N806

    class MutedChannel(Base):
        person = ForeignKeyField(Person, on_delete="CASCADE")
        kind = CharField()
        channel = CharField()

        class Meta:
            indexes = ((("person", "kind", "channel"), True),)

    class CompanyValue(Base):
        name = CharField(unique=True)
        description = CharField(default="")
        archived_at = DateTimeField(null=True)

    class Kudos(Base):
        giver = ForeignKeyField(Person, on_delete="CASCADE")
        receiver = ForeignKeyField(Person, on_delete="CASCADE")
        cohort_id = IntegerField()
        value = ForeignKeyField(CompanyValue, null=True, on_delete="SET NULL")
        message = CharField(default="")
        object_type = CharField(default="")
        object_id = IntegerField(null=True)
        link = CharField(default="")
        token = CharField(unique=True)
        created_at = DateTimeField(default=utcnow)

        class Meta:
            indexes = ((("receiver", "created_at"), False), (("cohort_id", "created_at"), False))

    class Milestone(Base):
        key = CharField(unique=True)
        kind = CharField()
        person = ForeignKeyField(Person, null=True, on_delete="CASCADE")
        cohort_id = IntegerField(null=True, index=True)
        text = CharField()
        link = CharField(default="")
        public = BooleanField(default=True)
        created_at = DateTimeField(default=utcnow)

    class MilestoneTemplate(Base):
        kind = CharField(unique=True)
        text = CharField()

    class Cheer(Base):
        milestone = ForeignKeyField(Milestone, on_delete="CASCADE")
        person = ForeignKeyField(Person, on_delete="CASCADE")
        kind = CharField()

        class Meta:
            indexes = ((("milestone", "person", "kind"), True),)

    db.create_tables([MutedChannel, CompanyValue, Kudos, Milestone, MilestoneTemplate, Cheer])
    CompanyValue.insert_many(
        [{"name": name, "description": text} for name, text in DEFAULT_VALUES]
    ).execute()

    class Preferences(Base):  # the columns this migration reads, before it drops two
        person = ForeignKeyField(Person)
        email_recognition = BooleanField()
        email_conversations = BooleanField()
        digest_frequency = CharField()

    # The two old email switches and "never" become muted email channels.
    for switch, kinds in (
        (Preferences.email_recognition == False, ("kudos", "milestone")),  # noqa: E712
        (Preferences.email_conversations == False, ("reply", "mention", "feedback_request")),  # noqa: E712
        (Preferences.digest_frequency == "never", ("digest",)),
    ):
        off = Preferences.select(Preferences.person).where(switch)
        rows = [{"person": r.person_id, "kind": k, "channel": "email"} for r in off for k in kinds]
        if rows:
            MutedChannel.insert_many(rows).execute()
    Preferences.update(digest_frequency="weekly").where(
        Preferences.digest_frequency == "never"
    ).execute()

    migrator.migrate(
        migrator.drop_column("preferences", "email_recognition"),
        migrator.drop_column("preferences", "email_conversations"),
        # Emails wait outside quiet hours and working days, in the person's time zone.
        migrator.add_column("preferences", "quiet_from", SmallIntegerField(default=20)),
        migrator.add_column("preferences", "quiet_until", SmallIntegerField(default=8)),
        migrator.add_column("preferences", "working_days", CharField(default="01234")),
        migrator.add_column("preferences", "celebrate_me", BooleanField(default=True)),
        migrator.add_column("notification", "shown", BooleanField(default=True)),
        migrator.add_column("delivery", "due_at", DateTimeField(default=utcnow)),
        migrator.add_column("delivery", "unsubscribe_url", CharField(default="")),
        migrator.add_index("delivery", ("status", "due_at"), False),
        # Celebrations of a cohort are the platform's doing, with no one person as actor.
        migrator.drop_not_null("activity", "actor_id"),
    )
