"""The hot reads (and counters) of threads and replies, tuned: each returns what its name
says, and the rest of the domain never sees how it is built."""

import datetime
from dataclasses import dataclass, field
from typing import NamedTuple

from peewee import JOIN, Value, fn

from cohorts.models import Cohort
from feedback.models import KINDS, FeedbackRequest, Mention, Reply, Thread, ThreadRead
from feedback.polls.models import Poll, Voter
from learning.people.models import Person
from learning.people.queries import Someone
from learning.speed import built_once, moment

# A thread members can read: not removed by its author, not hidden by a facilitator.
READABLE = (Thread.removed_at.is_null(), Thread.hidden_at.is_null())
IN_SPACE = 5  # the latest threads the cohort space shows; the rest are a link away
THREADS_PAGE = 30  # on the page of all the cohort's threads
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


@dataclass
class ListedThread:
    """A thread as the cohort's list shows it (not its body), with when the viewer last
    read it (`seen_at`); `unread` is the list's to say."""

    id: int
    author_id: int
    kind: str
    title: str
    pinned: bool
    reply_count: int
    answer_id: int | None
    last_activity_at: datetime.datetime
    seen_at: datetime.datetime | None
    author: Someone
    unread: bool = False

    kind_label = property(lambda self: KINDS[self.kind])


def _listed(found):
    return [
        ListedThread(
            *row[:4], bool(row[4]), *row[5:7], *map(moment, row[7:9]), Someone(row[1], row[9])
        )
        for row in found
    ]


def _threads(cohort_id, viewer_id):
    read = ThreadRead.alias()
    return (
        Thread.select(
            Thread.id,
            Thread.author,
            Thread.kind,
            Thread.title,
            Thread.pinned,
            Thread.reply_count,
            Thread.answer_id,
            Thread.last_activity_at,
            read.seen_at,
            Person.display_name,
        )
        .join(Person)
        .switch(Thread)
        .join(read, JOIN.LEFT_OUTER, on=(read.thread == Thread.id) & (read.person == viewer_id))
        .where(Thread.cohort == cohort_id, *READABLE)
        .order_by(Thread.pinned.desc(), Thread.last_activity_at.desc(), Thread.id.desc())
    )


@built_once(rows=_listed)
def listed_threads(cohort_id, viewer_id):
    """The space's threads (`ListedThread`): pinned first, then the latest; one more than
    it shows, to know whether there are more."""
    return _threads(cohort_id, viewer_id).limit(IN_SPACE + 1)


def threads_page(cohort_id, viewer_id, page):
    """A page of all the cohort's threads (`ListedThread`), in the space's order, with one
    more than the page shows."""
    query = _threads(cohort_id, viewer_id)
    return _listed(query.limit(THREADS_PAGE + 1).offset((page - 1) * THREADS_PAGE).tuples())


@dataclass(slots=True)
class TopReply:
    """A top-level reply as a page of the conversation shows it: the columns of `Reply`,
    its `author`, and, once read, its answers (`nested`). `first_id`: the thread's first
    top-level reply, on a page read from a `start`."""

    id: int
    thread_id: int
    author_id: int
    parent_id: int | None
    body: str
    worked: str
    try_next: str
    question: str
    is_feedback: bool
    helpful_at: datetime.datetime | None
    created_at: datetime.datetime
    edited_at: datetime.datetime | None
    removed_at: datetime.datetime | None
    hidden_at: datetime.datetime | None
    author: Someone
    first_id: int | None = None
    nested: list = field(default_factory=list)

    target = property(lambda self: f"reply:{self.id}")


class ReplyChoice(NamedTuple):
    """A top-level reply as the reply form offers it to answer."""

    id: int
    body: str
    worked: str
    try_next: str
    question: str
    author: Someone
    first_id: int | None = None


def _top_replies(found):
    return [
        TopReply(
            *row[:8],
            bool(row[8]),
            *map(moment, row[9:14]),
            Someone(row[2], row[14]),
            *row[15:],
        )
        for row in found
    ]


def _choices(found):
    return [ReplyChoice(*row[:5], Someone(row[5], row[6]), *row[7:]) for row in found]


@built_once(rows=_top_replies)
def top_replies(thread_id, start, before):
    """One row more than a page of top-level replies (`TopReply`): from `start` on (the
    top-level reply it is, or answers), else the newest ones `before` a reply (if given),
    newest first."""
    return _page_of_tops(_REPLY_COLUMNS, thread_id, start, before)


@built_once(rows=_choices)
def top_reply_choices(thread_id, start, before):
    """`top_replies`, as the reply form's choices show them (`ReplyChoice`)."""
    return _page_of_tops(_CHOICE_COLUMNS, thread_id, start, before)


_REPLY_COLUMNS = (
    Reply.id,
    Reply.thread,
    Reply.author,
    Reply.parent,
    Reply.body,
    Reply.worked,
    Reply.try_next,
    Reply.question,
    Reply.is_feedback,
    Reply.helpful_at,
    Reply.created_at,
    Reply.edited_at,
    Reply.removed_at,
    Reply.hidden_at,
    Person.display_name,
)
_CHOICE_COLUMNS = (
    Reply.id,
    Reply.body,
    Reply.worked,
    Reply.try_next,
    Reply.question,
    Reply.author,
    Person.display_name,
)


def _page_of_tops(columns, thread_id, start, before):
    query = (
        Reply.select(*columns).join(Person).where(Reply.thread == thread_id, Reply.parent.is_null())
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
def waiting_rows(cohort_id, person_id, now):
    """What waits for the person in the cohort, in one query: (why, id, title, whose, when)
    rows of threads and of open polls they have not answered."""
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
    polls = (
        Poll.select(Value("polls"), Poll.id, Poll.question, Person.display_name, Poll.created_at)
        .join(Person, on=(Poll.author == Person.id))
        .where(
            Poll.cohort == cohort_id,
            Poll.author != person_id,
            Poll.closed_at.is_null(),
            Poll.closes_at.is_null() | (Poll.closes_at > now),
            ~fn.EXISTS(
                Voter.select(Voter.id).where(Voter.poll == Poll.id, Voter.person == person_id)
            ),
        )
    )
    return (requests + mentions + questions + polls).tuples()


# What the cohort's feed says an entry about a thread or a reply is about: its thread, while
# members can read it (`places.register_subject`).


def thread_title(thread_id):
    return Thread.select(Thread.title).where(Thread.id == thread_id, *READABLE)


def reply_thread_title(reply_id):
    return (
        Thread.select(Thread.title)
        .join(Reply)
        .where(
            Reply.id == reply_id, Reply.hidden_at.is_null(), Reply.removed_at.is_null(), *READABLE
        )
    )


def reply_thread(reply_id):
    return Reply.select(Reply.thread).where(Reply.id == reply_id)
