"""The hot reads whose rows are named tuples (or dataclasses) made from the database's own
tuples, not models: every value is the model's, of the same type, on either database."""

import dataclasses
import datetime
from types import SimpleNamespace

from challenges.models import CheckIn
from cohorts import queries as cohort_queries
from feedback import queries as feedback_queries
from feedback.models import Reply, Thread
from feedback.polls.models import Poll
from learning.db import connection
from learning.ledger import Activity
from learning.people.models import Person
from learning.recognition.models import CompanyValue, Kudos


def values(row, *names):
    return {name: getattr(row, name) for name in names}


def assert_same(row, model, *names):
    """`row` has `model`'s value for each of `names`, of the same type."""
    got, expected = values(row, *names), values(model, *names)
    assert got == expected
    assert {n: type(v) for n, v in got.items()} == {n: type(v) for n, v in expected.items()}


def test_a_page_of_replies_reads_as_the_models_do(app, demo):
    with app.app_context(), connection():
        thread = demo.thread
        Reply.update(helpful_at=datetime.datetime(2026, 12, 1, 9, 30, 5, 123456)).where(
            Reply.thread == thread
        ).execute()
        rows = feedback_queries.top_replies(thread, None, None)
        assert rows, "the demo thread has replies"
        columns = [f.name for f in dataclasses.fields(rows[0])][:14]
        for row in rows:
            reply = Reply.get_by_id(row.id)
            assert_same(row, reply, *columns, "target")
            assert row.author == (reply.author_id, reply.author.display_name)
        choices = feedback_queries.top_reply_choices(thread, None, rows[-1].id)
        for choice in choices:
            reply = Reply.get_by_id(choice.id)
            assert_same(choice, reply, "body", "worked", "try_next", "question")
            assert choice.author.display_name == reply.author.display_name
        started = feedback_queries.top_replies(thread, rows[-1].id, None)
        assert started[0].id == rows[-1].id and started[0].first_id == min(r.id for r in rows)


def test_listed_threads_read_as_the_models_do(app, demo):
    with app.app_context(), connection():
        rows = feedback_queries.listed_threads(demo.cohort, demo.member)
        assert rows
        for row in rows:
            thread = Thread.get_by_id(row.id)
            assert_same(row, thread, "author_id", "kind", "kind_label", "title", "pinned",
                        "reply_count", "answer_id", "last_activity_at")  # fmt: skip
            assert row.author.display_name == thread.author.display_name


# What a feed entry is about, for each kind of object that has a subject.
ABOUT = {
    "thread": Thread.get_by_id,
    "reply": lambda reply_id: Reply.get_by_id(reply_id).thread,
    "checkin": lambda check_in_id: CheckIn.get_by_id(check_in_id).challenge,
    # A poll is named by its question.
    "poll": lambda poll_id: SimpleNamespace(title=Poll.get_by_id(poll_id).question, id=poll_id),
}


def test_feed_entries_read_as_the_models_do_kudos_included(app, demo):
    with app.app_context(), connection():
        entries, _ = cohort_queries.feed_entries(demo.cohort, limit=200)
        kinds = {entry.kind for entry in entries}
        assert {"kudos_given", "joined", "thread_started", "replied", "checked_in"} <= kinds
        for entry in entries:
            activity = Activity.get_by_id(entry.id)
            assert_same(entry, activity, "actor_id", "cohort_id", "kind", "object_type",
                        "object_id", "target_id", "created_at")  # fmt: skip
            actor = activity.actor_id and Person.get_by_id(activity.actor_id)
            assert entry.actor == ((actor.id, actor.display_name) if actor else None)
            about = ABOUT.get(activity.object_type)
            if about is None:
                assert entry.subject is None
            else:  # what the feed says it is about, and links to
                thing = about(activity.object_id)
                assert (entry.subject.title, entry.subject.about_id) == (thing.title, thing.id)
                assert type(entry.subject.about_id) is int
                assert entry.subject.path.startswith(("/threads/", "/cohorts/", "/polls/"))
            if activity.object_type != "kudos":
                assert entry.kudos is None
                continue
            kudos = Kudos.get_by_id(activity.object_id)
            assert_same(entry.kudos, kudos, "receiver_id", "message", "object_id", "link")
            assert entry.kudos.receiver.display_name == kudos.receiver.display_name
            value = kudos.value_id and CompanyValue.get_by_id(kudos.value_id)
            assert entry.kudos.value == ((value.id, value.name) if value else None)
