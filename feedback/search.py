"""Searching the threads of a person's cohorts: SQLite FTS5, or PostgreSQL full-text search."""

import re

from peewee import SQL

from cohorts.models import Cohort, Membership
from feedback.models import Thread
from learning.db import db, is_sqlite
from learning.people.models import Person

MAX_QUERY = 200
RESULTS = 50


def words(query):
    return re.findall(r"\w+", query or "")[:20]


def index_thread(thread):
    """Keep the SQLite index in step with a thread's title and body (PostgreSQL indexes the
    table itself). Call inside the write's transaction."""
    if not is_sqlite():
        return
    db.execute_sql("DELETE FROM thread_search WHERE rowid = ?", (thread.id,))
    if thread.removed_at is None:
        db.execute_sql(
            "INSERT INTO thread_search (rowid, title, body) VALUES (?, ?, ?)",
            (thread.id, thread.title, thread.body),
        )


def search(person, query):
    """Threads in the person's cohorts whose title or body has every word, best first."""
    terms = words(query)
    if not terms:
        return []
    mine = Membership.select(Membership.cohort).where(Membership.person == person)
    threads = (
        Thread.select(Thread, Cohort, Person)
        .join(Cohort)
        .switch(Thread)
        .join(Person)
        .where(
            Thread.cohort.in_(mine),
            Cohort.status == "published",
            Thread.removed_at.is_null(),
            Thread.hidden_at.is_null(),
        )
        .limit(RESULTS)
    )
    if is_sqlite():
        # Each word quoted: user input is never FTS5 syntax.
        match = " ".join('"' + term.replace('"', '""') + '"' for term in terms)
        hits = SQL("(SELECT rowid FROM thread_search WHERE thread_search MATCH ?)", (match,))
        return list(threads.where(Thread.id.in_(hits)).order_by(Thread.last_activity_at.desc()))
    tsquery = " & ".join(terms)
    condition = SQL(
        "to_tsvector('simple', t1.title || ' ' || t1.body) @@ to_tsquery('simple', %s)",
        (tsquery,),
    )
    return list(threads.where(condition).order_by(Thread.last_activity_at.desc()))
