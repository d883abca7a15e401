"""SQLite for many processes: writers take turns, and connections are pooled.

SQLite has one writer at a time. Writers queue for it here, the threads of a process on a
lock and the processes (web workers, job workers) on an flock of a file beside the database;
each wakes as soon as the one before commits. Waiting in SQLite instead polls with growing
sleeps (up to 100 ms each), which is what a page's slowest answers were made of under load.

Its connections are pooled: opening one and reading the schema again is work every request
would repeat.

A forked process (RQ forks a work horse per job) must not touch its parent's connections:
SQLite forbids using a connection across a fork, and closing one could end the parent's WAL.
`os.register_at_fork` gives the child an empty pool and fresh locks, and keeps the parent's
connections unused for the life of the child (`_PARENTS`). The child opens its own lock file:
an flock belongs to an open file, so sharing the parent's would let both write at once."""

import fcntl
import os
import threading
import weakref

from playhouse.pool import PooledSqliteDatabase


class QueuedWritersSqlite(PooledSqliteDatabase):
    """SQLite whose writers take turns: a write transaction (`atomic()`) holds the turn
    until it commits, and a write outside any transaction (one statement) holds it while
    it runs. A forked process starts with a pool of its own."""

    READS = ("SELECT", "PRAGMA", "EXPLAIN")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._writers = threading.Lock()
        self._turn = threading.local()  # whether this thread holds the turn
        self._lock_files = {}  # process -> its open lock file
        weakref.finalize(self, _close_all, self._lock_files)
        database = weakref.ref(self)
        os.register_at_fork(after_in_child=lambda: (d := database()) and d._leave_to_parent())

    def _leave_to_parent(self):
        """In a forked child: the pooled connections are the parent's. SQLite forbids using
        them across a fork, and closing them could end the parent's WAL, so they are kept,
        unused, for the life of the child."""
        _PARENTS.append((self._connections, self._in_use, self._state.conn))
        self._connections, self._in_use = [], {}
        self._state.reset()
        # Locks another thread of the parent may have held when it forked.
        self._lock, self._writers, self._turn = (
            threading.Lock(),
            threading.Lock(),
            threading.local(),
        )
        self._pool_lock = threading.RLock()
        self._pool_available = threading.Condition(self._pool_lock)

    def _lock_file(self):
        """This process's lock file, or None for a database in memory."""
        path = self.database
        if not path or path == ":memory:" or path.startswith("file:"):
            return None
        pid = os.getpid()  # a forked job worker opens its own: flock is per open file
        if pid not in self._lock_files:
            self._lock_files[pid] = open(f"{path}-writer", "ab")  # noqa: SIM115 (kept open)
        return self._lock_files[pid]

    def take_turn(self):
        """Wait for the writer's turn; False if this thread already holds it."""
        if getattr(self._turn, "held", False):
            return False
        self._writers.acquire()
        lock_file = self._lock_file()
        if lock_file is not None:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
        self._turn.held = True
        return True

    def give_turn(self):
        self._turn.held = False
        lock_file = self._lock_file()
        if lock_file is not None:
            fcntl.flock(lock_file, fcntl.LOCK_UN)
        self._writers.release()

    def execute_sql(self, sql, params=None):
        if self.in_transaction() or sql.lstrip()[:7].upper().startswith(self.READS):
            return super().execute_sql(sql, params)
        took = self.take_turn()
        try:
            return super().execute_sql(sql, params)
        finally:
            if took:
                self.give_turn()


_PARENTS = []  # in a forked child: its parent's SQLite connections, never used or closed


def _close_all(files):
    for file in files.values():
        file.close()
