"""Threads, replies, structured feedback, reactions, answers and helpful feedback.

Every exchange is a ledger entry, with the person answered, in the same transaction."""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from cohorts.queries import members
from feedback import queries, search
from feedback.access import (
    can_accept,
    can_give_feedback,
    can_mark_helpful,
    can_post,
    reply_in,
    require_author,
)
from feedback.models import (
    REACTIONS,
    FeedbackRequest,
    Mention,
    Reaction,
    Reply,
    Revision,
    Thread,
    ThreadRead,
)
from learning import ledger, once
from learning.db import atomic, insert, utcnow
from learning.errors import NotAllowed, NotFound, Refused
from learning.live import events as live
from learning.notify.services import notify, path_for

MAX_ASKED = 3


def cohort_people(cohort):
    """The cohort's members, by name (the members a page reads once)."""
    return sorted((m.person for m in members(cohort)), key=lambda person: person.display_name)


def mentioned(text, people):
    """The people `text` mentions as @Full Name or, when it is unique, @FirstName."""
    lowered = (text or "").lower()
    firsts = {}
    for person in people:
        firsts.setdefault(person.first_name.lower(), []).append(person)
    found = []
    for person in people:
        full = "@" + person.display_name.lower()
        first = person.first_name.lower()
        if full in lowered or (
            len(firsts[first]) == 1 and re.search(rf"@{re.escape(first)}\b", lowered)
        ):
            found.append(person)
    return found


def _mention(thread, author, text, reply=None):
    people = [p for p in mentioned(text, cohort_people(thread.cohort)) if p.id != author.id]
    if people:
        Mention.insert_many(
            [{"thread": thread, "reply": reply, "person": p, "by": author} for p in people]
        ).execute()
    where = f"reply:{reply.id}" if reply else f"thread:{thread.id}"
    for person in people:
        _notify(person, "mention", f"{where}:mention", thread, reply,
                _l("%(name)s mentioned you in “%(title)s”", name=author.display_name,
                   title=thread.title))  # fmt: skip
    return people


def thread_path(thread_id, reply_id=None):
    """A thread; with a reply, the page of the conversation that shows it, scrolled to it."""
    if not reply_id:
        return path_for("feedback.show", thread_id=thread_id)
    return path_for("feedback.show", anchor=f"reply-{reply_id}", thread_id=thread_id,
                    start=reply_id)  # fmt: skip


def answer_to(thread, reply=None):
    """What a notice about `thread` (or one of its replies) lets its reader answer from chat
    (feedback.chat reads it)."""
    return f"thread:{thread.id}:reply:{reply.id}" if reply else f"thread:{thread.id}"


def _notify(person, kind, key, thread, reply, text):
    """A notice about a thread (or one of its replies) for `person`, answerable from chat."""
    notify(
        person,
        kind,
        f"{key}:{person.id}",
        text,
        thread_path(thread.id, reply and reply.id),
        cohort_id=thread.cohort_id,
        place=thread.cohort.name,
        answer=answer_to(thread, reply),
    )


def start_thread(cohort, author, kind, title, body, link="", ask=(), token=None):
    """A new thread in the cohort; the author must be a member. `ask`: up to three members
    whose feedback the author asks for; they see the request in "needs your reply". The same
    form sent twice (`token`) starts one thread: the second gets it, `repeated`."""
    if not can_post(author, cohort):
        raise NotFound
    members = {p.id: p for p in cohort_people(cohort)}
    asked = [members[i] for i in dict.fromkeys(ask) if i in members and i != author.id]
    if len(asked) > MAX_ASKED:
        raise Refused(
            ngettext(
                "Ask at most %(num)d person, so each request means something.",
                "Ask at most %(num)d people, so each request means something.",
                MAX_ASKED,
            )
        )
    with atomic():
        first = once.sent_before(author, token, "thread")
        if first is not None:
            return once.again(first, Thread)
        thread = Thread.create(
            cohort=cohort, author=author, kind=kind, title=title, body=body, link=link or ""
        )
        once.made(token, thread)
        FeedbackRequest.insert_many([{"thread": thread, "person": p} for p in asked]).execute()
        for person in asked:
            _notify(person, "feedback_request", f"thread:{thread.id}:asked", thread, None,
                    _l("%(name)s asks for your feedback on “%(title)s”",
                       name=author.display_name, title=title))  # fmt: skip
        search.index_thread(thread)
        _mention(thread, author, f"{title}\n{body}")
        ledger.record(author, "thread_started", cohort_id=cohort.id, obj=thread)
    return thread


def reply(thread, author, body="", parent_id=None, worked="", try_next="", question="",
          token=None):  # fmt: skip
    """Reply to the thread or to one of its replies (kept one level deep). Structured
    feedback only from those who may give it (`can_give_feedback`). The ledger says whom the
    reply answers. The same form
    sent twice (`token`) makes one reply: the second gets it, `repeated`."""
    parent, answered = None, thread.author
    if parent_id:
        parent = reply_in(thread, parent_id)
        answered = parent.author
        if parent.parent_id:
            parent = parent.parent
    is_feedback = any((worked, try_next, question)) and can_give_feedback(author, thread)
    now = utcnow()
    created = Reply(
        thread=thread,
        author=author,
        parent=parent,
        body=body,
        worked=worked if is_feedback else "",
        try_next=try_next if is_feedback else "",
        question=question if is_feedback else "",
        is_feedback=is_feedback,
        created_at=now,
    )
    with atomic():
        first = once.sent_before(author, token, "reply")
        if first is not None:
            return once.again(first, Reply)
        insert(created)
        once.made(token, created)
        _mention(thread, author, "\n".join((body, worked, try_next, question)), created)
        words = {"name": author.display_name, "title": thread.title}
        text = (
            _l("%(name)s gave feedback on “%(title)s”", **words)
            if is_feedback
            else _l("%(name)s replied to “%(title)s”", **words)
        )
        for person in {thread.author_id: thread.author, answered.id: answered}.values():
            if person.id != author.id:
                _notify(person, "reply", f"reply:{created.id}", thread, created,
                        text)  # fmt: skip
        ledger.record(
            author,
            "feedback_given" if is_feedback else "replied",
            cohort_id=thread.cohort_id,
            obj=created,
            target=answered,
        )
        # Last: the thread's row stays locked from its update to the commit, and replies to a
        # busy thread wait for that lock in turn (bench/README.md).
        _replied(thread, author, now)
        live.publish(live.REPLY_ADDED, cohort_id=thread.cohort_id, thread=thread.id)
    return created


def _replied(thread, author, now):
    """A reply counts in its thread, and answers what was asked of its author there."""
    queries.answer_request(thread, author, now)
    queries.answer_mention(thread, author, now)
    queries.count_reply(thread, now)  # last: see reply()


def react(person, thread, kind, reply=None):
    """Add the person's reaction of this kind to the post, or take it back."""
    if kind not in REACTIONS:
        raise Refused(_("Choose one of the reactions."), status=400)
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
    if not can_accept(person, thread):
        raise NotAllowed
    with atomic():
        Thread.update(answer_id=reply.id).where(Thread.id == thread.id).execute()
        ledger.record(
            person, "answer_accepted", cohort_id=thread.cohort_id, obj=reply, target=reply.author
        )


def mark_helpful(person, reply):
    """The author of shared work marks a piece of feedback as helpful, once."""
    thread = reply.thread
    if not can_mark_helpful(person, thread, reply):
        raise NotAllowed
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


def mark_read(thread, person):
    ThreadRead.insert(thread=thread, person=person, seen_at=utcnow()).on_conflict(
        conflict_target=[ThreadRead.thread, ThreadRead.person],
        update={ThreadRead.seen_at: utcnow()},
    ).execute()


def edit_thread(person, thread, title, body, link=""):
    """The author edits; the earlier version is kept for facilitators."""
    require_author(person, thread)
    with atomic():
        Revision.create(target=thread.target, thread=thread, title=thread.title, body=thread.body)
        Thread.update(title=title, body=body, link=link or "", edited_at=utcnow()).where(
            Thread.id == thread.id
        ).execute()
        search.index_thread(Thread.get_by_id(thread.id))


def edit_reply(person, item, body):
    require_author(person, item)
    with atomic():
        earlier = "\n\n".join(
            part for part in (item.worked, item.try_next, item.question, item.body) if part
        )
        Revision.create(target=item.target, thread=item.thread_id, body=earlier)
        Reply.update(body=body, edited_at=utcnow()).where(Reply.id == item.id).execute()


def remove_post(person, post):
    """The author removes a post; it shows as removed, and replies to it stay."""
    require_author(person, post)
    with atomic():
        type(post).update(removed_at=utcnow()).where(type(post).id == post.id).execute()
        if isinstance(post, Thread):
            search.index_thread(Thread.get_by_id(post.id))
