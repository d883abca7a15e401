"""A conversation is read a page at a time: the top-level replies of a thread in order of id,
from an index rather than by reading the thread's replies whole."""


def up(migrator, db):
    migrator.migrate(migrator.add_index("reply", ("thread_id", "parent_id", "id")))
