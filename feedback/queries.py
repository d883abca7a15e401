"""The hot reads (and counters) of threads and replies, tuned: each returns what its name
says, and the rest of the domain never sees how it is built."""

from peewee import JOIN, Value, fn

from cohorts.models import Cohort
from feedback.models import FeedbackRequest, Mention, Reply, Thread, ThreadRead
from learning.people.models import Person
from learning.speed import built_once

THREADS_SHOWN = 20
PAGE = 30  # top-level replies on one page of a conversation, each with all its answers


@built_once
def published_thread(thread_id):
    return (
        Thread.select(Thread, Cohort, Person)
        .join(Cohort)
        .switch(Thread)
        .join(Person)
        .where(Thread.id == thread_id, Cohort.status == "published")
        .limit(1)
    )


@built_once
def count_reply(thread_id, now):
    return Thread.update(reply_count=Thread.reply_count + 1, last_activity_at=now).where(
        Thread.id == thread_id
    )


@built_once
def answer_request(thread_id, person_id, now):
    return FeedbackRequest.update(answered_at=now).where(
        FeedbackRequest.thread == thread_id,
        FeedbackRequest.person == person_id,
        FeedbackRequest.answered_at.is_null(),
    )


@built_once
def answer_mention(thread_id, person_id, now):
    return Mention.update(answered_at=now).where(
        Mention.thread == thread_id, Mention.person == person_id, Mention.answered_at.is_null()
    )


# What a list of threads shows of each (not its body).
LISTED = (
    Thread.id,
    Thread.cohort,
    Thread.author,
    Thread.kind,
    Thread.title,
    Thread.pinned,
    Thread.reply_count,
    Thread.answer_id,
    Thread.created_at,
    Thread.last_activity_at,
)


@built_once
def listed_threads(cohort_id, viewer_id):
    read = ThreadRead.alias()
    return (
        Thread.select(*LISTED, Person.id, Person.display_name, read.seen_at)
        .join(Person)
        .switch(Thread)
        .join(
            read,
            JOIN.LEFT_OUTER,
            on=(read.thread == Thread.id) & (read.person == viewer_id),
            attr="read",
        )
        .where(Thread.cohort == cohort_id, Thread.removed_at.is_null(), Thread.hidden_at.is_null())
        .order_by(Thread.pinned.desc(), Thread.last_activity_at.desc())
        .limit(THREADS_SHOWN)
    )


@built_once
def top_replies(brief, thread_id, start, before):
    """One row more than a page of top-level replies: from `start` on (the top-level reply
    it is, or answers, with the thread's first top-level reply as `first_id`), else the
    newest ones `before` a reply (if given), newest first."""
    columns = (
        (Reply.id, Reply.body, Reply.worked, Reply.try_next, Reply.question)
        if brief
        else (Reply, Person.id)
    )
    query = (
        Reply.select(*columns, Person.display_name)  # what a reply shows of its author
        .join(Person)
        .where(Reply.thread == thread_id, Reply.parent.is_null())
    )
    if start is not None:
        other = Reply.alias()
        answered = other.select(other.parent).where(other.id == start)
        first = other.select(fn.MIN(other.id)).where(
            other.thread == thread_id, other.parent.is_null()
        )
        return (
            query.select_extend(first.alias("first_id"))
            .where(Reply.id >= fn.COALESCE(answered, start))
            .order_by(Reply.id)
            .limit(PAGE + 1)
        )
    if before is not None:
        query = query.where(Reply.id < before)
    return query.order_by(Reply.id.desc()).limit(PAGE + 1)


@built_once
def waiting_rows(cohort_id, person_id):
    by = Person.alias()

    def part(why, name):
        return Thread.select(Value(why), Thread.id, Thread.title, name, Thread.created_at)

    requests = (
        part("requests", Person.display_name)
        .join(Person)
        .switch(Thread)
        .join(FeedbackRequest)
        .where(
            Thread.cohort == cohort_id,
            FeedbackRequest.person == person_id,
            FeedbackRequest.answered_at.is_null(),
            Thread.removed_at.is_null(),
        )
    )
    mentions = (
        part("mentions", by.display_name)
        .join(Mention)
        .join(by, on=(Mention.by == by.id))
        .where(
            Thread.cohort == cohort_id, Mention.person == person_id, Mention.answered_at.is_null()
        )
        .distinct()
    )
    questions = (
        part("questions", Person.display_name)
        .join(Person)
        .where(
            Thread.cohort == cohort_id,
            Thread.kind == "question",
            Thread.reply_count == 0,
            Thread.author != person_id,
            Thread.removed_at.is_null(),
        )
    )
    return (requests + mentions + questions).tuples()
