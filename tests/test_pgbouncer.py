"""The platform behind PgBouncer in transaction mode, as a company's operators run it: pages,
writes, the job workers and the scheduler's jobs through it, psycopg's prepared statements
kept by PgBouncer (`max_prepared_statements`), and pooled connections lent without asking
the server anything (no `SELECT 1` per request)."""

import datetime as dt
import os

import pytest

from bench.generate import fresh_database
from learning.db import atomic, connection, db, statements, utcnow
from learning.demo import PASSWORD as DEMO_PASSWORD
from learning.mail import tasks as mail_tasks
from learning.mail.models import Delivery
from learning.mail.services import send_mail
from tests.servers import Bouncer, pgbouncer, reachable

POSTGRES = os.environ.get("TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/test"
NAME = POSTGRES.rsplit("/", 1)[1]

pytestmark = pytest.mark.skipif(
    not reachable(POSTGRES), reason="needs a PostgreSQL server (CI has one)"
)


@pytest.fixture
def bouncer():
    assert pgbouncer(), "`make test` builds PgBouncer 1.21+ (make pgbouncer)"
    with Bouncer(POSTGRES, pool_size=3) as running:
        yield running


@pytest.fixture
def database_url(bouncer):
    """The tests' PostgreSQL database, emptied, reached through PgBouncer by a pool."""
    fresh_database(POSTGRES)
    yield bouncer.url(NAME, "postgresql+pool") + "?max_connections=8"
    if not db.is_closed():
        db.close()
    db.obj.close_all()


def _stats(bouncer):
    (row,) = [r for r in bouncer.admin("SHOW STATS") if r["database"] == NAME]
    return row


def _counted(bouncer, before):
    after = _stats(bouncer)
    return {key: after[key] - before[key] for key in before if key.startswith("total_")}


def test_pages_writes_jobs_and_cron_work_through_pgbouncer_with_prepared_statements(
    app, demo, bouncer, sign_in, run_jobs, inbox
):
    member = sign_in(demo.member, DEMO_PASSWORD)
    pages = ["/", f"/cohorts/{demo.cohort.id}", f"/threads/{demo.thread.id}",
             "/notifications/bell"]  # fmt: skip
    for path in pages:  # the first visits write (visits, read marks): not counted below
        assert member.get(path).status_code == 200, path
    before = _stats(bouncer)
    with statements() as seen:
        for _ in range(10):
            for path in pages:
                assert member.get(path).status_code == 200, path
    counted = _counted(bouncer, before)
    # psycopg prepares a query from its fifth run on a connection (a round trip of its own,
    # once); PgBouncer prepares it on whichever server connection runs it, once each, and
    # binds it after that.
    assert counted["total_client_parse_count"] > 0
    # Every other round trip is a statement the pages ran: none to test a connection.
    assert counted["total_query_count"] == len(seen) + counted["total_client_parse_count"]
    assert counted["total_bind_count"] > 3 * counted["total_client_parse_count"]
    assert 0 < counted["total_server_parse_count"] <= counted["total_client_parse_count"] * 3
    assert sum(server["prepared_statements"] for server in bouncer.admin("SHOW SERVERS")) > 0

    # A write, with its notices and their jobs run by a real worker, through PgBouncer.
    posted = member.post(f"/threads/{demo.thread.id}/replies",
                         data={"parent_id": "0", "body": "Said through PgBouncer"})  # fmt: skip
    assert posted.status_code in (200, 303), posted.text
    run_jobs()
    assert (
        "Said through PgBouncer"
        in member.get(f"/threads/{demo.thread.id}?page=last", follow_redirects=True).text
    )

    # The scheduler's mail job: a message kept until its time is handed over, and sent once.
    with app.app_context(), connection():
        with atomic():
            send_mail("bouncer-1", "later@example.com", "Later", "learning/mail/password_reset",
                      due_at=utcnow() + dt.timedelta(minutes=1), person=demo.member, link="l",
                      minutes=60)  # fmt: skip
        assert mail_tasks.release_due(utcnow() + dt.timedelta(minutes=2)) == 1
    run_jobs()
    assert len(inbox.to("later@example.com")) == 1
    with app.app_context(), connection():
        assert Delivery.get(Delivery.key == "bouncer-1").status == "sent"
    # Three server connections served all of it, the page's clients' and the worker's.
    assert len(bouncer.admin("SHOW SERVERS")) <= 3
