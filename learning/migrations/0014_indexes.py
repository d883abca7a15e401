"""Indexes the benchmark's EXPLAIN guards asked for (tests/test_scale_guards.py): each lets a
page read its rows in order from an index instead of sorting or scanning a large table."""

INDEXES = [
    ("thread", ("cohort_id", "pinned", "last_activity_at")),  # a cohort's threads, pinned first
    ("check_in", ("cohort_id", "created_at")),  # a cohort's recent check-ins
    ("check_in", ("person_id", "created_at")),  # a person's check-ins, newest first
    ("milestone", ("person_id", "created_at")),  # a person's celebrations
    ("delivery", ("status", "created_at")),  # failed emails, newest first
    ("reply", ("created_at",)),  # the replies of a digest's period
    ("person", ("display_name",)),  # the people list, by name, a page at a time
]


def up(migrator, db):
    migrator.migrate(*(migrator.add_index(table, columns) for table, columns in INDEXES))
