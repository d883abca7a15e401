"""Servers a test or the benchmark starts for itself and may stop at will: a PostgreSQL cluster
of its own (to stop and start it under load) and PgBouncer in transaction mode."""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
OLDEST_PGBOUNCER = (1, 21)  # the first with prepared statements in transaction mode


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def reachable(url):
    """Whether something listens where `url` (a database URL) points."""
    parts = urlsplit(url)
    address = (parts.hostname, parts.port or 5432)  # PostgreSQL's port when none is given
    with contextlib.suppress(OSError), socket.create_connection(address, 2):
        return True
    return False


def _as_server_user(command):
    """PostgreSQL and PgBouncer refuse to run as root: as root, run them as `postgres`."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def _handed_to_server_user(path):
    if os.geteuid() == 0:
        shutil.chown(path, "postgres")


def _wait_until_listening(port, seconds, what):
    deadline = time.monotonic() + seconds
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start listening on port {port}")
        time.sleep(0.05)


def postgres_binaries():
    """The folder of this machine's PostgreSQL server programs (initdb, pg_ctl), or None."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), reverse=True)
    return candidates[0].parent if candidates else None


class PostgresCluster:
    """A PostgreSQL cluster of its own in a temporary folder, on a free loopback port, with
    fsync off (it is thrown away) unless `durable`: then with PostgreSQL's own settings, as
    installed. `stop()` is a fast shutdown, as a restart begins: sessions are ended and new
    connections refused; `start()` brings it back on the same port."""

    def __init__(self, durable=False):
        self.durable = durable
        self.bin = postgres_binaries()
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="postgres-"))
        _handed_to_server_user(self.folder)
        self.data = self.folder / "data"
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, *arguments):
        subprocess.run(
            _as_server_user([str(self.bin / "pg_ctl"), "-D", str(self.data), "-w",
                             "-l", str(self.folder / "log"), *arguments]),
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip

    def __enter__(self):
        subprocess.run(
            _as_server_user([str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust",
                             "-U", "postgres", "-E", "UTF8", "--no-sync"]),
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        self.start()
        return self

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        if not self.durable:
            options += " -c fsync=off"
        self._ctl("-o", options, "start")

    def stop(self):
        self._ctl("-m", "fast", "stop")

    def __exit__(self, *exc):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def pgbouncer():
    """The path of a PgBouncer 1.21 or newer: `make pgbouncer`'s build, or one on PATH."""
    for candidate in (
        ROOT / ".venv" / "pgbouncer" / "bin" / "pgbouncer",
        shutil.which("pgbouncer"),
    ):
        if candidate is None or not Path(candidate).exists():
            continue
        printed = subprocess.run([str(candidate), "--version"], capture_output=True, text=True)
        version = re.search(r"PgBouncer (\d+)\.(\d+)", printed.stdout)
        if version and tuple(map(int, version.groups())) >= OLDEST_PGBOUNCER:
            return str(candidate)
    return None


class Bouncer:
    """PgBouncer in transaction mode in front of the PostgreSQL at `server_url`, keeping
    prepared statements across the server connections it lends (`max_prepared_statements`).
    `url(database)` is the address clients use instead; `admin()` asks its console."""

    def __init__(self, server_url, pool_size=10):
        self.server = urlsplit(server_url)
        self.port = free_port()
        self.pool_size = pool_size
        self.folder = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
        self.process = None

    def url(self, database, scheme="postgresql"):
        return f"{scheme}://{self.server.username}@127.0.0.1:{self.port}/{database}"

    def __enter__(self):
        user = self.server.username
        (self.folder / "users.txt").write_text(f'"{user}" ""\n')
        (self.folder / "pgbouncer.ini").write_text(
            CONFIG.format(host=self.server.hostname, server_port=self.server.port,
                          port=self.port, folder=self.folder, user=user,
                          pool_size=self.pool_size)
        )  # fmt: skip
        for path in (self.folder, *self.folder.iterdir()):
            _handed_to_server_user(path)
        self.process = subprocess.Popen(
            _as_server_user([pgbouncer(), str(self.folder / "pgbouncer.ini")]),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        _wait_until_listening(self.port, 10, "PgBouncer")
        return self

    def admin(self, command):
        """One of the console's SHOW commands, as a list of dicts."""
        import psycopg
        from psycopg.rows import dict_row

        with psycopg.connect(self.url("pgbouncer"), autocommit=True, row_factory=dict_row) as c:
            # The console speaks the simple protocol only: nothing prepared, nothing bound.
            return c.execute(command, prepare=False).fetchall()

    def __exit__(self, *exc):
        os.killpg(self.process.pid, signal.SIGTERM)  # runuser and PgBouncer under it
        self.process.wait(10)
        shutil.rmtree(self.folder, ignore_errors=True)


CONFIG = """\
[databases]
* = host={host} port={server_port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {folder}/users.txt
admin_users = {user}
pool_mode = transaction
max_prepared_statements = 200
default_pool_size = {pool_size}
max_client_conn = 1000
logfile = {folder}/pgbouncer.log
"""
