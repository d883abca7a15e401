"""SQLite's writers take turns: the threads of a process on a lock, the processes on an flock
of a file beside the database. A transaction holds the turn until it commits (not while what
runs after the commit, jobs handed to Redis, runs); a write outside a transaction holds it
while it runs."""

import fcntl
import os
import threading

import pytest

from learning.db import atomic, connection, db
from learning.people.models import Person


@pytest.fixture
def database_url(tmp_path):
    """The writer queue is SQLite's (PostgreSQL locks rows), so these tests run on SQLite
    whatever TEST_DATABASE_URL says."""
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


def turn_is_free():
    free = db.obj._writers.acquire(blocking=False)
    if free:
        db.obj._writers.release()
    return free


def test_the_turn_is_free_after_commit_after_a_failure_and_for_other_threads(app):
    seen = []
    with app.app_context(), connection():
        with atomic():
            Person.create(email="a@example.com", display_name="A")
            with atomic():  # a savepoint inside: the same transaction
                Person.create(email="b@example.com", display_name="B")
            db.after_commit(lambda: seen.append(turn_is_free()))
        assert seen == [True]  # callbacks after the commit run without the turn
        with pytest.raises(ValueError), atomic():
            Person.create(email="c@example.com", display_name="C")
            raise ValueError("the write fails")
        assert turn_is_free()
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


def test_a_write_outside_a_transaction_waits_for_another_processs_turn(app, tmp_path):
    """Another process (here: another open file, which flock treats alike) holds the turn
    without writing yet; a one-statement write waits for it instead of going ahead and
    leaving that process to poll SQLite's busy handler."""
    with app.app_context(), connection():
        Person.create(email="a@example.com", display_name="A")
    other_process = open(tmp_path / "test.sqlite3-writer", "ab")  # noqa: SIM115
    fcntl.flock(other_process, fcntl.LOCK_EX)
    done = []

    def rename():
        with app.app_context(), connection():
            Person.update(display_name="Renamed").execute()  # no transaction around it
        done.append(turn_is_free())

    writer = threading.Thread(target=rename)
    writer.start()
    writer.join(0.5)
    assert done == []  # still waiting for its turn
    fcntl.flock(other_process, fcntl.LOCK_UN)
    writer.join(10)
    assert done == [True]  # written, and the turn given back
    with app.app_context(), connection():
        assert Person.get().display_name == "Renamed"
        assert Person.select().count() == 1  # reads never wait: no turn taken for them
    other_process.close()


def test_connections_are_pooled_and_a_forked_process_opens_its_own(app):
    with app.app_context(), connection():
        Person.create(email="a@example.com", display_name="A")
        first = db.connection()
    with app.app_context(), connection():
        assert db.connection() is first  # back from the pool, not opened again

    # A job worker forks: the child must not use the parent's connection (SQLite forbids it).
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child reports through the pipe)
        try:
            with app.app_context(), connection():
                own = db.connection() is not first and Person.select().count() == 1
            os.write(write, b"yes" if own else b"no")
        finally:
            os._exit(0)
    os.waitpid(child, 0)
    assert os.read(read, 3) == b"yes"
    with app.app_context(), connection():
        assert db.connection() is first  # the parent's is still its own
        assert Person.select().count() == 1
