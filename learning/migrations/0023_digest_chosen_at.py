"""When a person last chose when their digest comes: a moment before it is not a missed
digest to catch up on."""

from peewee import DateTimeField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("preferences", "digest_chosen_at", DateTimeField(null=True))
    )
