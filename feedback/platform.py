"""What feedback gives the platform: links to replies, the digest's parts about
conversations, when each thread got its first answer (L&D's analytics), a person's words
(privacy: erasing keeps them, anonymous), the reaction kinds, search in the navigation and
the threads' section of the cohort space, and what polls give (feedback.polls.platform);
registered by `register(app)`."""

import datetime

from flask_babel import lazy_gettext as _l
from peewee import JOIN, fn

from cohorts import space
from feedback import access, conversation, queries
from feedback.chat import RepliesFromChat
from feedback.models import REACTIONS, FeedbackRequest, Mention, Reply, Thread
from feedback.polls import access as polls_access
from feedback.polls import platform as polls
from feedback.services import thread_path
from learning.chat import services as chat
from learning.digest import sections
from learning.i18n import said, said_n
from learning.insights import analytics
from learning.people.models import Person
from learning.privacy import services as privacy
from learning.recognition import places
from learning.views import add_nav, add_section


def register(app):
    polls.register(app)
    chat.register(app, "reply", RepliesFromChat)
    places.register_link(app, "reply", reply_path)
    # What the feed's entries about threads and replies are about: their thread.
    places.register_subject(app, "thread", queries.thread_title, lambda thread_id: thread_id,
                            thread_subject_path, access.can_read_threads)  # fmt: skip
    places.register_subject(app, "reply", queries.reply_thread_title, queries.reply_thread,
                            reply_subject_path, access.can_read_threads)  # fmt: skip
    sections.register(app, "needs_you", digest_needs_you)
    sections.register(app, "replies", digest_replies)
    analytics.register_threads(app, analytics_threads)
    privacy.register(app, personal_data)
    app.jinja_env.globals["reaction_kinds"] = REACTIONS
    add_nav(app, _l("Search"), "feedback.find")
    add_section(app, space.SPACE, "feedback/_cohort_needs.html", needs_section, space.NEEDS_YOU)
    add_section(app, space.SPACE, "feedback/_cohort_threads.html", threads_section,
                space.CONVERSATIONS)  # fmt: skip


def needs_section(cohort, person):
    """The top of the cohort space: what waits for the person's reply, if anything."""
    if not access.can_post(person, cohort):
        return None
    waiting = conversation.needs_reply(cohort, person)
    return waiting if any(waiting.values()) else None


def threads_section(cohort, person):
    """The cohort space's latest threads, and a link to all of them when there are more."""
    if not access.can_post(person, cohort):
        return None
    threads, more = conversation.latest_threads(cohort, person)
    return {
        "cohort": cohort,
        "threads": threads,
        "more": more,
        "facilitates": access.can_moderate(person, cohort),
        "can_ask": polls_access.can_start(person, cohort),
    }


def thread_subject_path(thread_id, _thread_id, _cohort_id):
    return thread_path(thread_id)


def reply_subject_path(reply_id, thread_id, _cohort_id):
    return thread_path(thread_id, reply_id)


def reply_path(reply_id):
    """Where a reply is read: its thread, scrolled to it."""
    found = Reply.get_or_none(Reply.id == reply_id)
    if found is None:
        return ""
    return thread_path(found.thread_id, reply_id)


def digest_needs_you(readers, until):
    """What waits for each reader, in their cohorts: feedback asked of them, mentions they
    have not answered, other people's questions nobody answered. Three queries. Only what
    arrived since the last digest is new; the rest is a reminder."""
    ids = [reader.person_id for reader in readers]
    open_thread = Thread.removed_at.is_null() & Thread.hidden_at.is_null()
    asked = (
        FeedbackRequest.select(
            FeedbackRequest.person,
            FeedbackRequest.created_at,
            Thread.id,
            Thread.title,
            Thread.cohort,
            Person.display_name,
        )
        .join(Thread)
        .join(Person, on=Thread.author)
        .where(FeedbackRequest.person.in_(ids), FeedbackRequest.answered_at.is_null(), open_thread)
        .tuples()
    )
    by = Person.alias()
    mentioned = (
        Mention.select(
            Mention.person,
            Mention.created_at,
            Thread.id,
            Thread.title,
            Thread.cohort,
            by.display_name,
            Mention.reply,
        )
        .join(Thread)
        .switch(Mention)
        .join(by, on=Mention.by)
        .where(Mention.person.in_(ids), Mention.answered_at.is_null(), open_thread)
        .tuples()
    )
    questions = (
        Thread.select(
            Thread.author,
            Thread.created_at,
            Thread.id,
            Thread.title,
            Thread.cohort,
            Person.display_name,
        )
        .join(Person, on=Thread.author)
        .where(
            Thread.cohort.in_(sections.cohort_ids(readers)),
            Thread.kind == "question",
            Thread.reply_count == 0,
            open_thread,
        )
        .tuples()
    )
    readers_by_id = {reader.person_id: reader for reader in readers}
    result, listed = {}, set()

    def add(reader, at, cohort_id, thread_id, text, path):
        """Once per reader and thread: a request first, then a mention, then a question."""
        place = reader.cohorts.get(cohort_id)
        if place and at <= until and (reader.person_id, thread_id) not in listed:
            listed.add((reader.person_id, thread_id))
            result.setdefault(reader.person_id, []).append(
                sections.Item(text, path, at, new=at > reader.since, place=place[0])
            )

    for person_id, at, thread_id, title, cohort_id, author in asked:
        add(readers_by_id[person_id], at, cohort_id, thread_id,
            said("%(name)s asks for your feedback on “%(title)s”", name=author, title=title),
            thread_path(thread_id))  # fmt: skip
    for person_id, at, thread_id, title, cohort_id, author, reply_id in mentioned:
        add(readers_by_id[person_id], at, cohort_id, thread_id,
            said("%(name)s mentioned you in “%(title)s”", name=author, title=title),
            thread_path(thread_id, reply_id))  # fmt: skip
    for asker_id, at, thread_id, title, cohort_id, author in questions:
        for reader in readers:
            if reader.person_id != asker_id:
                text = said("%(name)s asked “%(title)s”: nobody has answered yet", name=author,
                            title=title)  # fmt: skip
                add(reader, at, cohort_id, thread_id, text, thread_path(thread_id))
    return result


def digest_replies(readers, until):
    """Replies to each reader's threads and replies since their last digest, one item per
    thread ("Ana and 2 others replied"), linked to the first new one. One query."""
    ids = [reader.person_id for reader in readers]
    parent = Reply.alias()
    rows = (
        Reply.select(
            Reply.id,
            Reply.created_at,
            Reply.author,
            Reply.body,
            Reply.worked,
            Reply.is_feedback,
            Thread.id,
            Thread.title,
            Thread.cohort,
            Thread.author,
            parent.author,
            Person.display_name,
        )
        .join(Thread)
        .switch(Reply)
        .join(Person, on=Reply.author)
        .switch(Reply)
        .join(parent, JOIN.LEFT_OUTER, on=Reply.parent == parent.id)
        .where(
            Reply.created_at > sections.earliest(readers),
            Reply.created_at <= until,
            Reply.removed_at.is_null(),
            Reply.hidden_at.is_null(),
            Thread.removed_at.is_null(),
            Thread.author.in_(ids) | parent.author.in_(ids),
        )
        .order_by(Reply.created_at)
        .tuples()
    )
    readers_by_id = {reader.person_id: reader for reader in readers}
    threads = {}  # (reader, thread) -> [rows]
    for row in rows:
        reply_author, thread_author, parent_author = row[2], row[9], row[10]
        for person_id in {thread_author, parent_author}:
            reader = readers_by_id.get(person_id)
            if (
                reader
                and reply_author != person_id
                and row[1] > reader.since
                and row[8] in reader.cohorts
            ):
                threads.setdefault((person_id, row[6]), []).append(row)
    result = {}
    for (person_id, thread_id), replies in threads.items():
        reader = readers_by_id[person_id]
        first, last = replies[0], replies[-1]
        names = list(dict.fromkeys(row[11] for row in replies))
        others, feedback = len(names) - 1, all(row[5] for row in replies)
        words = {"name": names[0], "title": first[7]}
        if feedback and others:
            text = said_n("%(name)s and %(num)d other gave feedback on “%(title)s”",
                          "%(name)s and %(num)d others gave feedback on “%(title)s”",
                          others, **words)  # fmt: skip
        elif others:
            text = said_n("%(name)s and %(num)d other replied to “%(title)s”",
                          "%(name)s and %(num)d others replied to “%(title)s”",
                          others, **words)  # fmt: skip
        elif feedback:
            text = said("%(name)s gave feedback on “%(title)s”", **words)
        else:
            text = said("%(name)s replied to “%(title)s”", **words)
        place = reader.cohorts[first[8]][0]
        result.setdefault(person_id, []).append(
            sections.Item(
                text,
                thread_path(thread_id, first[0]),
                last[1],
                detail=sections.snippet(last[3] or last[4]),
                place=place,
            )
        )
    return result


def analytics_threads(cohort_ids):
    """[(cohort id, kind, created_at, first reply by someone else or None)] for the cohorts'
    visible threads; one query."""
    first = (
        Reply.select(Reply.thread, fn.MIN(Reply.created_at).alias("first_at"))
        .join(Thread)
        .where(
            Thread.cohort.in_(list(cohort_ids)),
            Reply.author != Thread.author,
            Reply.removed_at.is_null(),
        )
        .group_by(Reply.thread)
    )
    rows = (
        Thread.select(Thread.cohort, Thread.kind, Thread.created_at, first.c.first_at)
        .join(first, JOIN.LEFT_OUTER, on=(first.c.thread_id == Thread.id))
        .where(
            Thread.cohort.in_(list(cohort_ids)),
            Thread.removed_at.is_null(),
            Thread.hidden_at.is_null(),
        )
        .tuples()
    )
    return [
        (cohort_id, kind, created_at, _moment(first_at))
        for cohort_id, kind, created_at, first_at in rows
    ]


def _moment(value):
    """A timestamp from an aggregate, which SQLite returns as text."""
    if value is None or isinstance(value, datetime.datetime):
        return value
    return datetime.datetime.fromisoformat(str(value))


def personal_data(person):
    threads = Thread.select(
        Thread.created_at, Thread.kind, Thread.title, Thread.body, Thread.link
    ).where(Thread.author == person)
    replies = Reply.select(
        Reply.created_at, Reply.body, Reply.worked, Reply.try_next, Reply.question
    ).where(Reply.author == person)
    return {"threads": list(threads.dicts()), "replies": list(replies.dicts())}
