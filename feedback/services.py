"""Threads, replies, structured feedback, reactions, answers and helpful feedback.

Every exchange is a ledger entry, with the person answered, in the same transaction."""

from collections import defaultdict

from flask import abort
from peewee import JOIN, fn

from cohorts.models import Cohort
from cohorts.services import membership_of
from feedback.models import REACTIONS, Reaction, Reply, Thread
from learning import ledger
from learning.db import atomic, utcnow
from learning.people.models import Person

THREADS_SHOWN = 20


def access_thread(person, thread_id):
    """The thread, for members of its cohort only; 404 for everyone else (HR included)."""
    thread = (
        Thread.select(Thread, Cohort, Person)
        .join(Cohort)
        .switch(Thread)
        .join(Person)
        .where(Thread.id == thread_id, Cohort.status == "published")
        .first()
    )
    if thread is None or membership_of(person, thread.cohort) is None:
        abort(404)
    return thread


def access_reply(person, reply_id):
    reply = Reply.get_or_none(Reply.id == reply_id) or abort(404)
    reply.thread = access_thread(person, reply.thread_id)
    return reply


def can_post(person, cohort):
    return membership_of(person, cohort) is not None


def start_thread(cohort, author, kind, title, body, link=""):
    """A new thread in the cohort; the author must be a member."""
    if not can_post(author, cohort):
        abort(404)
    with atomic():
        thread = Thread.create(
            cohort=cohort, author=author, kind=kind, title=title, body=body, link=link or ""
        )
        ledger.record(author, "thread_started", cohort_id=cohort.id, obj=thread)
    return thread


def reply(thread, author, body="", parent_id=None, worked="", try_next="", question=""):
    """Reply to the thread or to one of its replies (kept one level deep). Structured
    feedback is only for shared work. The ledger says whom the reply answers."""
    parent, answered = None, thread.author
    if parent_id:
        parent = Reply.get_or_none(Reply.id == parent_id, Reply.thread == thread) or abort(404)
        answered = parent.author
        if parent.parent_id:
            parent = parent.parent
    is_feedback = thread.kind == "share_work" and any((worked, try_next, question))
    with atomic():
        created = Reply.create(
            thread=thread,
            author=author,
            parent=parent,
            body=body,
            worked=worked if is_feedback else "",
            try_next=try_next if is_feedback else "",
            question=question if is_feedback else "",
            is_feedback=is_feedback,
        )
        Thread.update(reply_count=Thread.reply_count + 1, last_activity_at=utcnow()).where(
            Thread.id == thread.id
        ).execute()
        ledger.record(
            author,
            "feedback_given" if is_feedback else "replied",
            cohort_id=thread.cohort_id,
            obj=created,
            target=answered,
        )
    return created


def react(person, thread, kind, reply=None):
    """Add the person's reaction of this kind to the post, or take it back."""
    if kind not in REACTIONS:
        abort(400)
    target = f"reply:{reply.id}" if reply else f"thread:{thread.id}"
    with atomic():
        removed = (
            Reaction.delete()
            .where(Reaction.target == target, Reaction.person == person, Reaction.kind == kind)
            .execute()
        )
        if removed:
            return False
        Reaction.create(target=target, thread=thread, person=person, kind=kind)
        ledger.record(
            person,
            "reacted",
            cohort_id=thread.cohort_id,
            obj=reply or thread,
            target=(reply or thread).author,
        )
    return True


def accept_answer(person, reply):
    """The author of a question marks the reply that answers it."""
    thread = reply.thread
    if thread.kind != "question" or thread.author_id != person.id:
        abort(403)
    with atomic():
        Thread.update(answer_id=reply.id).where(Thread.id == thread.id).execute()
        ledger.record(
            person, "answer_accepted", cohort_id=thread.cohort_id, obj=reply, target=reply.author
        )


def mark_helpful(person, reply):
    """The author of shared work marks a piece of feedback as helpful, once."""
    thread = reply.thread
    if thread.kind != "share_work" or thread.author_id != person.id or not reply.is_feedback:
        abort(403)
    with atomic():
        marked = (
            Reply.update(helpful_at=utcnow())
            .where(Reply.id == reply.id, Reply.helpful_at.is_null())
            .execute()
        )
        if marked:
            ledger.record(
                person, "marked_helpful", cohort_id=thread.cohort_id, obj=reply, target=reply.author
            )


def cohort_threads(cohort):
    """The cohort's threads, pinned first, then most recently active, with their authors."""
    return list(
        Thread.select(Thread, Person)
        .join(Person)
        .where(Thread.cohort == cohort, Thread.removed_at.is_null())
        .order_by(Thread.pinned.desc(), Thread.last_activity_at.desc())
        .limit(THREADS_SHOWN)
    )


def conversation(thread, viewer):
    """Top-level replies with their children, and reactions per post: three queries
    whatever the number of replies."""
    replies = list(
        Reply.select(Reply, Person)
        .join(Person)
        .where(Reply.thread == thread)
        .order_by(Reply.created_at, Reply.id)
    )
    children = defaultdict(list)
    for item in replies:
        if item.parent_id:
            children[item.parent_id].append(item)
    top = [item for item in replies if not item.parent_id]
    for item in top:
        item.nested = children[item.id]
    reactions = reactions_by_post(thread, viewer)
    return top, replies, reactions


def reactions_by_post(thread, viewer):
    """{target: {kind: (count, names, mine)}} for every post in the thread; one query."""
    rows = (
        Reaction.select(Reaction.target, Reaction.kind, Reaction.person, Person.display_name)
        .join(Person, JOIN.INNER, on=Reaction.person)
        .where(Reaction.thread == thread)
        .order_by(Reaction.id)
        .tuples()
    )
    grouped = defaultdict(lambda: defaultdict(list))
    for target, kind, person_id, name in rows:
        grouped[target][kind].append((person_id, name))
    return {
        target: {
            kind: (len(people), [n for _, n in people], any(p == viewer.id for p, _ in people))
            for kind, people in kinds.items()
        }
        for target, kinds in grouped.items()
    }


def newest_reply_id(thread):
    return Reply.select(fn.MAX(Reply.id)).where(Reply.thread == thread).scalar() or 0


def has_replies_after(thread, reply_id):
    return Reply.select().where(Reply.thread == thread, Reply.id > reply_id).exists()
