"""Guards from the benchmark (bench/), deterministic rather than timed: every list page makes
as many queries for a company three times the size, the benchmark's pages stay within their
query budget, and the queries behind the hot pages use indexes (EXPLAIN), on SQLite and on
PostgreSQL."""

import re

import pytest
import redis
from rq import SimpleWorker

from bench.generate import Size, fresh_database, generate
from feedback.models import Reply
from feedback.queries import PAGE
from learning.db import connection, db, is_sqlite, statements, utcnow
from learning.demo import PASSWORD
from learning.jobs.services import worker_connection
from tests.conftest import make_app

SMALL = Size(people=60, cohorts=6, ledger=3_000, replies=600)
LARGE = Size(people=180, cohorts=18, ledger=9_000, replies=1_800)
# The generator's ids: cohort 1 is the member's, thread 1 has 200 replies, program and
# challenge 1 are the first. Each page as whom.
PAGES = {
    "member": ["/", "/cohorts/1", "/threads/1", "/notifications", "/notifications/bell",
               "/check-ins", "/cohorts/1/feed", "/cohorts/1/kudos", "/cohorts/1/board",
               "/cohorts/1/challenges/1", "/cohorts/1/people/5", "/search?q=Thread", "/digest"],
    "manager": ["/programs/", "/programs/1", "/programs/1/analytics", "/programs/1/challenges",
                "/cohorts/1/health"],
    "admin": ["/people/", "/audit/", "/admin/mail/", "/admin/digests"],
    "hr": ["/reports/", "/reports/?grouping=department"],
}  # fmt: skip
# The benchmark's pages and their query budget (bench/RESULTS.md: at most 10 per page).
BUDGET = dict.fromkeys(["/", "/cohorts/1", "/threads/1", "/notifications/bell",
                        "/programs/1/analytics", "/reports/"], 10)  # fmt: skip


def company(size, database_url, smtp_server, redis_url, tmp_path):
    """An app on a fresh database holding the generated company."""
    fresh_database(database_url.replace("+pool", ""))
    # No earlier sign-ins, and no jobs of an earlier company (they would share their keys).
    redis.Redis.from_url(redis_url).flushdb()
    app = make_app(database_url, redis_url, smtp_server, tmp_path, INSIGHTS_CACHE_SECONDS=300)
    with app.app_context(), connection():
        generate(size)
        db.execute_sql("ANALYZE")
    return app


def signed_in(app, who):
    client = app.test_client()
    response = client.post("/sign-in", data={"email": f"{who}@demo.test", "password": PASSWORD})
    assert response.status_code == 303
    return client


def page_statements(app, visits):
    """{path: ([SQL statements the first time], [SQL statements the last time])} for each
    page, asked three times by its visitor with the jobs run in between: the report's and the
    analytics' figures are prepared the first time (the report's filters, then its figures)
    and kept ones the last."""
    found = {}
    clients = {who: signed_in(app, who) for who in visits}
    with statements() as seen:
        for who, paths in visits.items():
            for path in paths:
                found[path] = []
                for visit in range(3):
                    seen.clear()
                    response = clients[who].get(path)
                    assert response.status_code == 200, (who, path, response.status_code)
                    if visit != 1:
                        found[path].append(list(seen))
                    with app.app_context():
                        SimpleWorker(app.config["QUEUES"], connection=worker_connection()).work(
                            burst=True
                        )
    return found


@pytest.fixture
def url_for_size(database_url, tmp_path):
    """A database URL per size: two SQLite files, or the one PostgreSQL database in turn."""
    return lambda name: (f"sqlite:///{tmp_path / name}.sqlite3"
                         if database_url.startswith("sqlite") else database_url)  # fmt: skip


def test_list_pages_make_as_many_queries_for_a_company_three_times_the_size(
    url_for_size, smtp_server, redis_url, tmp_path
):
    counts = {}
    for name, size in (("small", SMALL), ("large", LARGE)):
        app = company(size, url_for_size(name), smtp_server, redis_url, tmp_path / name)
        counts[name] = {
            path: tuple(len(sql) for sql in visits)
            for path, visits in page_statements(app, PAGES).items()
        }
        db.close()
    assert counts["large"] == counts["small"]
    over = {path: (counts["small"][path][1], most) for path, most in BUDGET.items()
            if counts["small"][path][1] > most}  # fmt: skip
    assert over == {}, "pages over their query budget: (queries, budget)"


# Tables that grow with the company; a page must never read one of them whole. (Cohorts are
# not here: a program's pages list all its cohorts, a few hundred at most.)
LARGE_TABLES = {
    "activity", "reply", "thread", "check_in", "kudos", "notification", "membership", "person",
    "person_role", "preferences", "delivery", "digest", "cohort_visit", "thread_read",
    "reaction", "mention", "feedback_request", "milestone", "audit_entry", "participant",
    "revision", "pending_job",
}  # fmt: skip
# The pages people open all day (the report and analytics figures are computed at most once
# per INSIGHTS_CACHE_SECONDS and read the ledger whole on purpose).
HOT = {
    "member": ["/", "/cohorts/1", "/threads/1", "/notifications", "/notifications/bell",
               "/check-ins", "/cohorts/1/feed", "/cohorts/1/kudos", "/cohorts/1/challenges/1",
               "/cohorts/1/people/5", "/digest"],
    "manager": ["/programs/", "/programs/1", "/cohorts/1/health"],
    "admin": ["/people/", "/audit/", "/admin/mail/"],
}  # fmt: skip


def sqlite_problems(sql, params):
    aliases = {alias: table for table, alias in re.findall(r'"(\w+)" AS "(t\d+)"', sql)}
    found = []
    for *_, detail in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall():
        scan = re.match(r"SCAN (\w+)$", detail)
        if scan and aliases.get(scan[1], scan[1]) in LARGE_TABLES:
            found.append(f"reads {aliases.get(scan[1], scan[1])} whole")
        if "TEMP B-TREE FOR ORDER BY" in detail and " LIMIT " in sql:
            found.append("sorts a paged list in a temporary b-tree")
    return found


def postgresql_problems(sql, params):
    # At this size a scan or a sort is cheaper than an index; with both discouraged the plan
    # shows one only where no index can serve.
    db.execute_sql("SET enable_seqscan = off")
    db.execute_sql("SET enable_sort = off")
    [[plan]] = db.execute_sql("EXPLAIN (FORMAT JSON) " + sql, params).fetchall()
    found = []

    def walk(node, parent=None):
        if node["Node Type"] == "Seq Scan" and node["Relation Name"] in LARGE_TABLES:
            found.append(f"reads {node['Relation Name']} whole")
        if node["Node Type"] == "Sort" and parent and parent["Node Type"] == "Limit":
            found.append("sorts a paged list")
        for child in node.get("Plans", []):
            walk(child, node)

    walk(plan[0]["Plan"])
    db.execute_sql("RESET enable_seqscan")
    db.execute_sql("RESET enable_sort")
    return found


def test_the_hot_pages_queries_use_indexes(database_url, smtp_server, redis_url, tmp_path):
    app = company(LARGE, database_url, smtp_server, redis_url, tmp_path)
    problems, asked = {}, page_statements(app, HOT)
    with app.app_context(), connection():
        check = sqlite_problems if is_sqlite() else postgresql_problems
        for path, (first, _) in asked.items():
            for sql, params in first:
                if sql.startswith("SELECT"):
                    for problem in check(sql, params):
                        problems.setdefault(path, []).append(f"{problem}: {sql[:300]}")
    assert problems == {}


def test_a_page_of_a_conversation_reads_that_page_however_much_the_thread_grew(
    database_url, smtp_server, redis_url, tmp_path
):
    """A thread can grow by thousands of replies between two ANALYZEs (in the benchmark every
    reply goes to one thread). PostgreSQL then still believes it holds a few, and a page of
    its newest top-level replies must not read them all to sort them: with an index on
    (thread, parent, id) it did, 16-57 ms a reply at M instead of 0.1 ms. Checked on the plan
    a pooled connection keeps for the prepared statement (the generic one)."""
    app = company(SMALL, database_url, smtp_server, redis_url, tmp_path)
    with app.app_context(), connection():
        now = utcnow()
        Reply.insert_many(
            [
                {"thread": 1, "author": 1, "body": f"More {n}", "created_at": now}
                for n in range(3_000)
            ]  # fmt: skip
        ).execute()
    with statements() as seen:
        assert signed_in(app, "member").get("/threads/1").status_code == 200
    pages = [(sql, params) for sql, params in seen if 'FROM "reply"' in sql and " LIMIT " in sql]
    with app.app_context(), connection():
        if is_sqlite():
            problems = [p for sql, params in pages for p in sqlite_problems(sql, params)]
        else:
            problems = [
                n for sql, params in pages if (n := _reply_rows_read(sql, params)) > PAGE + 1
            ]
    assert pages and problems == []


def _reply_rows_read(sql, params):
    """How many rows of `reply` the generic plan of this statement reads, run."""
    from psycopg.sql import Literal

    numbered = iter(range(1, len(params) + 1))
    db.execute_sql("PREPARE page AS " + re.sub("%s", lambda _: f"${next(numbered)}", sql))
    values = ", ".join(Literal(p).as_string(db.connection()) for p in params)
    db.execute_sql("SET plan_cache_mode = force_generic_plan")
    [[plan]] = db.execute_sql(f"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE page({values})").fetchall()
    db.execute_sql("RESET plan_cache_mode")
    db.execute_sql("DEALLOCATE page")

    def read(node):
        here = (
            node["Actual Rows"] * node["Actual Loops"]
            if node.get("Relation Name") == "reply"
            else 0
        )
        return here + sum(read(child) for child in node.get("Plans", []))

    return read(plan[0]["Plan"])


def _ledger_reads_sqlite(sql, params):
    """How each step of the plan reads the ledger."""
    return [detail for *_, detail in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params)
            if re.match(r"(SCAN|SEARCH) (activity|t1)\b", detail)]  # fmt: skip


def _ledger_reads_postgresql(sql, params):
    # At this size reading the table is cheaper than any index; with that discouraged, the
    # plan shows the index PostgreSQL would take at M.
    db.execute_sql("SET enable_seqscan = off")
    db.execute_sql("SET enable_bitmapscan = off")
    [[plan]] = db.execute_sql("EXPLAIN (FORMAT JSON) " + sql, params).fetchall()
    db.execute_sql("RESET enable_seqscan")
    db.execute_sql("RESET enable_bitmapscan")
    found = []

    def walk(node):
        if node.get("Relation Name") == "activity" or node["Node Type"] == "Bitmap Index Scan":
            found.append(f"{node['Node Type']} {node.get('Index Name', '')}".strip())
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return found


def test_the_hr_reports_job_reads_the_ledger_through_indexes_alone(
    database_url, smtp_server, redis_url, tmp_path
):
    """The report groups the whole ledger by person, cohort and kind (9.5 s at M when it read
    the table, 2 s through covering indexes): each of its reads uses an index that holds every
    column it needs, in the order it groups by, and the goals their own small index."""
    from learning.insights import participation

    app = company(SMALL, database_url, smtp_server, redis_url, tmp_path)
    everyone, some = participation.Filters(), participation.Filters(program_id=1)
    with app.app_context(), connection():
        if not is_sqlite():
            # As autovacuum would have by then: an index alone answers only for rows that
            # VACUUM has seen.
            db.execute_sql("VACUUM activity")
        cohorts = [m.cohort_id for m in participation._members(some)]
        reads = {}
        for name in ("_given", "_received", "_active_weeks", "_goals"):
            for filters, ids in ((everyone, None), (some, cohorts)):
                query = getattr(participation, name)(filters, ids)
                sql, params = query.sql()
                check = _ledger_reads_sqlite if is_sqlite() else _ledger_reads_postgresql
                reads[name, ids is None] = check(sql, params)
    if is_sqlite():
        alone = ("COVERING INDEX", "activity_goal_reached")
        slow = {k: v for k, v in reads.items() if not all(any(a in d for a in alone) for d in v)}
    else:
        slow = {k: v for k, v in reads.items() if not all("Index Only Scan" in d for d in v)}
    assert all(reads.values()) and slow == {}


ASKED_ALL_DAY = ["/", "/cohorts/1", "/cohorts/1/feed?after=1", "/threads/1",
                 "/notifications/bell", "/check-ins"]  # fmt: skip


def test_the_hot_pages_keep_one_plan_for_each_query(database_url, smtp_server, redis_url, tmp_path):
    """PostgreSQL keeps one plan for a prepared statement (psycopg prepares a query on its
    sixth run; PostgreSQL plans it for the values five times, then weighs keeping one) only
    when that plan costs about as much as the plans it made for the values; otherwise it
    plans it again on every run, which cost more than running it at M. Two things made
    that happen: a LIMIT as a parameter (the cohort's feed: now written into the SQL) and a
    range with one end (home's "new since your last visit": now from then to now). SQLite
    plans every statement it prepares."""
    pooled = database_url.replace("postgresql://", "postgresql+pool://")  # as in production
    app = company(SMALL, pooled, smtp_server, redis_url, tmp_path)
    client = signed_in(app, "member")
    with statements() as seen:
        for _ in range(12):
            for path in ASKED_ALL_DAY:
                assert client.get(path).status_code == 200, path
    feeds = {sql for sql, _ in seen if 'FROM "activity"' in sql and "LIMIT" in sql}
    assert feeds and all(re.search(r"LIMIT \d+(\)|$)", sql) for sql in feeds)
    if not is_sqlite():
        # The requests ran one after another on one pooled connection, which this reuses.
        with app.app_context(), connection():
            plans = db.execute_sql(
                "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
            ).fetchall()
        db.obj.close_all()
        replanned = [sql for sql, generic, custom in plans if custom > 5]
        assert len(plans) > 20 and replanned == []
