"""The public API: its tokens; programs and cohorts note when they last changed, for
`updated_since`.

Models here are frozen copies: later changes to the app's models need a new migration."""

from peewee import *

from learning.db import utcnow
from learning.migrate import existing, frozen_base


def up(migrator, db):
    Base = frozen_base(db)  # noqa: N806
    Person = existing(Base, "person")  # noqa: N806

    class ApiToken(Base):
        name = CharField()
        kind = CharField(default="personal")
        person = ForeignKeyField(Person, null=True, on_delete="CASCADE")
        roles = CharField(default="")
        scopes = CharField()
        digest = CharField(unique=True)
        ending = CharField(default="")
        created_by = ForeignKeyField(Person, null=True, on_delete="SET NULL")
        created_at = DateTimeField(default=utcnow)
        last_used_at = DateTimeField(null=True)
        revoked_at = DateTimeField(null=True)

    db.create_tables([ApiToken])
    migrator.migrate(
        migrator.add_column("program", "changed_at", DateTimeField(null=True)),
        migrator.add_column("cohort", "changed_at", DateTimeField(null=True)),
    )
    db.execute_sql("UPDATE program SET changed_at = created_at")
    db.execute_sql("UPDATE cohort SET changed_at = COALESCE(published_at, created_at)")
