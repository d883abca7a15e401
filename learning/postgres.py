"""PostgreSQL's pooled connections: lent without a round trip, renewed when the server went away.

peewee's pool asks the server `SELECT 1` each time it lends a connection, to find one that died
while it waited in the pool (a restart, a failover, PgBouncer closing it). That is a round trip
per request and per job, more than the pages' own queries cost on a fast network
(bench/README.md). Here a connection is lent on what psycopg knows without asking (closed, or
its state lost), and a connection found dead by the statement that uses it is replaced at that
moment: when it happens outside a transaction, the statement never ran, so the pool drops every
idle connection (after a restart they all died together), connects afresh and runs it again.
Inside a transaction the error stands, and the request answers 503 (`learning.security`) or
the job is retried: what the transaction wrote before is lost with it, never written twice.
"""

from peewee import InterfaceError, OperationalError
from playhouse.postgres_ext import PooledPostgresqlExtDatabase
from psycopg.pq import ConnStatus, TransactionStatus


class PooledPostgres(PooledPostgresqlExtDatabase):
    """peewee's pooled PostgreSQL (with server-side cursors, for streamed exports) that lends
    connections without asking the server, and reconnects a statement whose connection died
    in the pool."""

    def _is_closed(self, conn):
        # What psycopg knows locally: no statement is sent.
        return conn.closed or conn.info.transaction_status == TransactionStatus.UNKNOWN

    def execute_sql(self, sql, params=None, **options):
        try:
            return super().execute_sql(sql, params, **options)
        except (OperationalError, InterfaceError):
            if not self._renewed():
                raise
            return super().execute_sql(sql, params, **options)

    def begin(self, *args, **kwargs):
        try:
            return super().begin(*args, **kwargs)
        except (OperationalError, InterfaceError):
            if not self._renewed():
                raise
            return super().begin(*args, **kwargs)

    def _renewed(self):
        """After a statement failed: if its connection is gone and no transaction was open,
        replace it (and the idle ones, gone too) and say so; otherwise leave the error."""
        if self.in_transaction() or self.is_closed():
            return False
        conn = self.connection()
        if not conn.closed and conn.pgconn.status != ConnStatus.BAD:
            return False  # the server answered: a real error, not a lost connection
        self.close()  # checked in: not reusable, so closed for good
        self.close_idle()
        self.connect()  # raises if the server is still away: the request's 503
        return True
