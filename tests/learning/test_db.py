"""Write transactions: on SQLite the writers of one process queue on a lock, which is free
again before what runs after the commit (jobs handed to Redis) and after a failed write."""

import threading

import pytest

from learning import db as database
from learning.db import atomic, connection, db
from learning.people.models import Person


def lock_is_free():
    free = database._sqlite_writer.acquire(blocking=False)
    if free:
        database._sqlite_writer.release()
    return free


def test_the_writer_lock_is_free_after_commit_after_a_failure_and_for_other_threads(app):
    seen = []
    with app.app_context(), connection():
        with atomic():
            Person.create(email="a@example.com", display_name="A")
            with atomic():  # a savepoint inside: the same transaction
                Person.create(email="b@example.com", display_name="B")
            db.after_commit(lambda: seen.append(lock_is_free()))
        assert seen == [True]  # callbacks after the commit run without the lock
        with pytest.raises(ValueError), atomic():
            Person.create(email="c@example.com", display_name="C")
            raise ValueError("the write fails")
        assert lock_is_free()
        assert Person.select().count() == 2  # the failed one was rolled back

    # Another thread's transaction goes through once the first commits.
    done = []

    def other():
        with app.app_context(), connection(), atomic():
            Person.create(email="d@example.com", display_name="D")
        done.append(True)

    with app.app_context(), connection():
        with atomic():
            worker = threading.Thread(target=other)
            worker.start()
            worker.join(0.2)
            Person.create(email="e@example.com", display_name="E")
        worker.join(10)
        assert done == [True]
        assert Person.select().count() == 4
