"""A page of a conversation reads its top-level replies from an index in their order.

The index on (thread_id, parent_id, id) gave PostgreSQL the thread's top-level replies, but
not in order of id (it does not take `parent_id IS NULL` as fixing the middle column), so it
read every top-level reply of the thread and sorted them for the page. It did that whenever
its statistics said the thread was small: in the benchmark, a thread that had grown by
thousands of replies since the last ANALYZE made each reply read all of them (16-57 ms
instead of 0.1 ms). An index of the top-level replies alone, on (thread_id, id), gives them
in order whatever the statistics say. The index on thread_id alone goes with it: the
indexes starting with thread_id serve what it served, one fewer to write per reply."""


def up(migrator, db):
    migrator.migrate(
        migrator.drop_index("reply", "reply_thread_id_parent_id_id"),
        migrator.drop_index("reply", "reply_thread_id"),
    )
    db.execute_sql(
        'CREATE INDEX "reply_thread_id_id" ON "reply" ("thread_id", "id") WHERE "parent_id" IS NULL'
    )
