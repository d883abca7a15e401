"""A draft cohort remembers that L&D moved people into or out of it, so that the rules it
breaks are put down to that move rather than to the builder."""

from peewee import BooleanField


def up(migrator, db):
    migrator.migrate(migrator.add_column("cohort", "moved_by_hand", BooleanField(default=False)))
