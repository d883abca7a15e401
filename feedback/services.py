"""Threads, replies, structured feedback, reactions, answers and helpful feedback.

Every exchange is a ledger entry, with the person answered, in the same transaction."""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass

from flask import abort
from peewee import JOIN, Value, fn

from cohorts.access import is_facilitator, membership_of
from cohorts.models import Cohort
from cohorts.queries import members
from feedback import search
from feedback.models import (
    REACTIONS,
    FeedbackRequest,
    Mention,
    Reaction,
    Reply,
    Report,
    Revision,
    Thread,
    ThreadRead,
)
from learning import ledger, once
from learning.audit.services import log
from learning.db import atomic, insert, utcnow
from learning.mail.services import absolute_url, send_mail
from learning.notify.services import notify, path_for
from learning.people.models import Person
from learning.speed import built_once

THREADS_SHOWN = 20
MAX_ASKED = 3


def access_thread(person, thread_id):
    """The thread, for members of its cohort only; 404 for everyone else (HR included)."""
    thread = next(iter(_published_thread(thread_id)), None)
    if thread is None or membership_of(person, thread.cohort) is None:
        abort(404)
    return thread


@built_once
def _published_thread(thread_id):
    return (
        Thread.select(Thread, Cohort, Person)
        .join(Cohort)
        .switch(Thread)
        .join(Person)
        .where(Thread.id == thread_id, Cohort.status == "published")
        .limit(1)
    )


def reply_in(thread, reply_id):
    """The thread's reply with this id (404 if it is another thread's), or None without an id."""
    if not reply_id:
        return None
    return Reply.get_or_none(Reply.id == reply_id, Reply.thread == thread) or abort(404)


def access_reply(person, reply_id):
    reply = Reply.get_or_none(Reply.id == reply_id) or abort(404)
    reply.thread = access_thread(person, reply.thread_id)
    return reply


def can_post(person, cohort):
    return membership_of(person, cohort) is not None


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
                f"{author.display_name} mentioned you in “{thread.title}”")  # fmt: skip
    return people


def thread_path(thread_id, reply_id=None):
    """A thread; with a reply, the page of the conversation that shows it, scrolled to it."""
    if not reply_id:
        return path_for("feedback.show", thread_id=thread_id)
    return path_for("feedback.show", anchor=f"reply-{reply_id}", thread_id=thread_id,
                    start=reply_id)  # fmt: skip


def _notify(person, kind, key, thread, reply, text):
    """An in-app notice about a thread (or one of its replies) for `person`."""
    notify(
        person,
        kind,
        f"{key}:{person.id}",
        text,
        thread_path(thread.id, reply and reply.id),
        cohort_id=thread.cohort_id,
        place=thread.cohort.name,
    )


def start_thread(cohort, author, kind, title, body, link="", ask=(), token=None):
    """A new thread in the cohort; the author must be a member. `ask`: up to three members
    whose feedback the author asks for; they see the request in "needs your reply". The same
    form sent twice (`token`) starts one thread: the second gets it, `repeated`."""
    if not can_post(author, cohort):
        abort(404)
    members = {p.id: p for p in cohort_people(cohort)}
    asked = [members[i] for i in dict.fromkeys(ask) if i in members and i != author.id]
    if len(asked) > MAX_ASKED:
        raise ValueError(f"Ask at most {MAX_ASKED} people, so each request means something.")
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
                    f"{author.display_name} asks for your feedback on “{title}”")  # fmt: skip
        search.index_thread(thread)
        _mention(thread, author, f"{title}\n{body}")
        ledger.record(author, "thread_started", cohort_id=cohort.id, obj=thread)
    return thread


def reply(thread, author, body="", parent_id=None, worked="", try_next="", question="",
          token=None):  # fmt: skip
    """Reply to the thread or to one of its replies (kept one level deep). Structured
    feedback is only for shared work. The ledger says whom the reply answers. The same form
    sent twice (`token`) makes one reply: the second gets it, `repeated`."""
    parent, answered = None, thread.author
    if parent_id:
        parent = Reply.get_or_none(Reply.id == parent_id, Reply.thread == thread) or abort(404)
        answered = parent.author
        if parent.parent_id:
            parent = parent.parent
    is_feedback = thread.kind == "share_work" and any((worked, try_next, question))
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
        _replied(thread, author, now)
        _mention(thread, author, "\n".join((body, worked, try_next, question)), created)
        what = "feedback on" if is_feedback else "to"
        for person in {thread.author_id: thread.author, answered.id: answered}.values():
            if person.id != author.id:
                _notify(person, "reply", f"reply:{created.id}", thread, created,
                        f"{author.display_name} replied {what} “{thread.title}”")  # fmt: skip
        ledger.record(
            author,
            "feedback_given" if is_feedback else "replied",
            cohort_id=thread.cohort_id,
            obj=created,
            target=answered,
        )
    return created


def _replied(thread, author, now):
    """A reply counts in its thread, and answers what was asked of its author there."""
    _counted_reply(thread, now)
    _answered_request(thread, author, now)
    _answered_mention(thread, author, now)


@built_once
def _counted_reply(thread_id, now):
    return Thread.update(reply_count=Thread.reply_count + 1, last_activity_at=now).where(
        Thread.id == thread_id
    )


@built_once
def _answered_request(thread_id, person_id, now):
    return FeedbackRequest.update(answered_at=now).where(
        FeedbackRequest.thread == thread_id,
        FeedbackRequest.person == person_id,
        FeedbackRequest.answered_at.is_null(),
    )


@built_once
def _answered_mention(thread_id, person_id, now):
    return Mention.update(answered_at=now).where(
        Mention.thread == thread_id, Mention.person == person_id, Mention.answered_at.is_null()
    )


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


def cohort_threads(cohort, viewer):
    """The cohort's threads, pinned first, then most recently active, with their authors and
    whether something happened since `viewer` last read each; one query."""
    threads = list(_listed_threads(cohort, viewer))
    for thread in threads:
        seen = thread.read.seen_at if thread.read else None
        thread.unread = thread.author_id != viewer.id and (
            seen is None or thread.last_activity_at > seen
        )
    return threads


@built_once
def _listed_threads(cohort_id, viewer_id):
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


def mark_read(thread, person):
    ThreadRead.insert(thread=thread, person=person, seen_at=utcnow()).on_conflict(
        conflict_target=[ThreadRead.thread, ThreadRead.person],
        update={ThreadRead.seen_at: utcnow()},
    ).execute()


PAGE = 30  # top-level replies on one page of a conversation, each with all its answers


@dataclass(frozen=True)
class Window:
    """Which page of a conversation: the newest, the one `before` a top-level reply, or the
    one that `start`s at a reply (at the top-level reply it answers, for an answer). Links
    and forms carry it as query arguments."""

    before: int | None = None
    start: int | None = None

    @property
    def args(self):
        return {name: value for name, value in vars(self).items() if value is not None}


NEWEST = Window()  # the newest page


@dataclass
class Conversation:
    top: list  # the page's top-level replies, each with its answers as `nested`
    reactions: dict  # {target: {kind: (count, names, mine)}} for the posts shown
    earlier: int | None  # the first top-level reply shown, when earlier ones exist
    later: int | None  # the top-level reply after the page, when there is one

    @property
    def replies(self):
        return [reply for item in self.top for reply in (item, *item.nested)]

    @property
    def newest(self):
        return max((reply.id for reply in self.replies), default=0)


def _tops(thread, window, brief=False):
    """The top-level replies of a page of the thread, in order; with the ids of what lies
    beyond it: the first shown (earlier ones exist) and the one after (later ones exist).
    `brief` reads only what the reply form's choices show."""
    rows = list(_top_rows(brief, thread, window.start, window.before))
    if window.start is not None:
        top, after = rows[:PAGE], rows[PAGE:]
        earlier = top[0].id if top and top[0].first_id < top[0].id else None
        return top, earlier, after[0].id if after else None
    top = rows[:PAGE][::-1]
    return top, top[0].id if len(rows) > PAGE else None, window.before


@built_once
def _top_rows(brief, thread_id, start, before):
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


def conversation(thread, viewer, window=NEWEST):
    """A page of the conversation (PAGE top-level replies, the newest unless `window` says
    otherwise) with all their answers, and the reactions to what it shows: four queries
    whatever the length of the thread."""
    top, earlier, later = _tops(thread, window)
    children = defaultdict(list)
    if top:
        answers = (
            Reply.select(Reply, Person.id, Person.display_name)  # what a reply shows of its author
            .join(Person)
            .where(Reply.parent.in_([item.id for item in top]))
        )
        for answer in sorted(answers, key=lambda answer: answer.id):
            children[answer.parent_id].append(answer)
    for item in top:
        item.nested = children[item.id]
    shown = Conversation(top, {}, earlier, later)
    targets = [f"thread:{thread.id}", *(reply.target for reply in shown.replies)]
    shown.reactions = reactions_by_post(thread, viewer, targets)
    return shown


def reactions_by_post(thread, viewer, targets):
    """{target: {kind: (count, names, mine)}} for these posts of the thread; one query."""
    rows = (
        Reaction.select(Reaction.target, Reaction.kind, Reaction.person, Person.display_name)
        .join(Person, JOIN.INNER, on=Reaction.person)
        .where(Reaction.thread == thread, Reaction.target.in_(targets))
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


def has_replies_after(thread, reply_id, viewer):
    """Whether someone other than `viewer` replied after `reply_id` (their own replies are on
    their page already)."""
    return (
        Reply.select()
        .where(Reply.thread == thread, Reply.id > reply_id, Reply.author != viewer)
        .exists()
    )


def reply_choices(thread, window=NEWEST):
    """What a reply on this page of the conversation can answer: [(id, "Name: the start of
    it")] for each top-level reply shown; the few columns needed."""
    return [choice(item) for item in _tops(thread, window, brief=True)[0]]


def choice(reply):
    """A top-level reply as the reply form offers it: (id, "Name: the start of it")."""
    texts = (reply.body, reply.worked, reply.try_next, reply.question)
    return reply.id, f"{reply.author.display_name}: {snippet(*texts)}"


def snippet(*texts, length=60):
    """The start of the first of `texts` that is not empty, on one line."""
    text = next((t for t in texts if t), "").replace("\n", " ")
    return text[:length] + ("…" if len(text) > length else "")


@dataclass(frozen=True)
class Waiting:
    """A thread that waits for someone's reply, and who asked (or mentioned, or wrote it)."""

    id: int
    title: str
    name: str
    at: datetime.datetime


def needs_reply(cohort, person):
    """What waits for `person` in this cohort: feedback requests to them (newest first),
    mentions they have not answered (newest first), and other people's questions nobody has
    answered (oldest first). One query."""
    waiting = {"requests": [], "mentions": [], "questions": []}
    for why, *row in _waiting(cohort, person):
        waiting[why].append(Waiting(*row))
    for why, newest_first in (("requests", True), ("mentions", True), ("questions", False)):
        waiting[why].sort(key=lambda w: (w.at, w.id), reverse=newest_first)
    return waiting


@built_once
def _waiting(cohort_id, person_id):
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


# Editing and removal


def _own(person, post):
    if post.author_id != person.id:
        abort(403)
    if post.removed_at or post.hidden_at:
        abort(404)


def edit_thread(person, thread, title, body, link=""):
    """The author edits; the earlier version is kept for facilitators."""
    _own(person, thread)
    with atomic():
        Revision.create(target=thread.target, thread=thread, title=thread.title, body=thread.body)
        Thread.update(title=title, body=body, link=link or "", edited_at=utcnow()).where(
            Thread.id == thread.id
        ).execute()
        search.index_thread(Thread.get_by_id(thread.id))


def edit_reply(person, item, body):
    _own(person, item)
    with atomic():
        earlier = "\n\n".join(
            part for part in (item.worked, item.try_next, item.question, item.body) if part
        )
        Revision.create(target=item.target, thread=item.thread_id, body=earlier)
        Reply.update(body=body, edited_at=utcnow()).where(Reply.id == item.id).execute()


def remove_post(person, post):
    """The author removes a post; it shows as removed, and replies to it stay."""
    _own(person, post)
    with atomic():
        type(post).update(removed_at=utcnow()).where(type(post).id == post.id).execute()
        if isinstance(post, Thread):
            search.index_thread(Thread.get_by_id(post.id))


def revisions(thread):
    """Earlier versions of the thread's posts, by post; one query."""
    grouped = defaultdict(list)
    for revision in Revision.select().where(Revision.thread == thread).order_by(Revision.id):
        grouped[revision.target].append(revision)
    return grouped


# Moderation


def report(person, thread, reason, item=None, token=None):
    """Anyone in the cohort reports a post with a reason; the facilitator sees it. The same
    form sent twice (`token`) makes one report."""
    post = item or thread
    with atomic():
        first = once.sent_before(person, token, "report")
        if first is not None:
            return once.again(first, Report)
        made = Report.create(target=post.target, thread=thread, reporter=person, reason=reason)
        log(person, "post_reported", post.target, cohort=thread.cohort.name)
        return once.made(token, made)


def open_reports(cohort, person):
    """The cohort's open reports with the reporter, for its facilitator only; else 404."""
    if not is_facilitator(person, cohort):
        abort(404)
    return list(
        Report.select(Report, Thread, Person)
        .join(Thread)
        .switch(Report)
        .join(Person, on=Report.reporter)
        .where(Thread.cohort == cohort, Report.resolved_at.is_null())
        .order_by(Report.created_at)
    )


def _post_of(target):
    kind, _, number = target.partition(":")
    model = Thread if kind == "thread" else Reply
    return model.get_by_id(int(number))


def moderate(person, case, action):
    """Hide the reported post (the author is told), or dismiss the report; audited."""
    thread = case.thread
    if not is_facilitator(person, thread.cohort):
        abort(404)
    post = _post_of(case.target)
    with atomic():
        entry = log(
            person,
            "post_hidden" if action == "hide" else "report_dismissed",
            case.target,
            cohort=thread.cohort.name,
        )
        if action == "hide":
            type(post).update(hidden_at=utcnow()).where(type(post).id == post.id).execute()
            _tell_author(post, thread, "hidden", entry.id)
        Report.update(
            resolved_at=utcnow(), resolution="hidden" if action == "hide" else "dismissed"
        ).where(Report.target == case.target, Report.resolved_at.is_null()).execute()


def restore(person, thread, post):
    """Show a hidden post again; the author is told; audited."""
    if not is_facilitator(person, thread.cohort):
        abort(404)
    with atomic():
        type(post).update(hidden_at=None).where(type(post).id == post.id).execute()
        entry = log(person, "post_restored", post.target, cohort=thread.cohort.name)
        _tell_author(post, thread, "restored", entry.id)


def pin(person, thread, pinned):
    if not is_facilitator(person, thread.cohort):
        abort(404)
    with atomic():
        Thread.update(pinned=pinned).where(Thread.id == thread.id).execute()
        log(person, "thread_pinned" if pinned else "thread_unpinned", thread.target,
            cohort=thread.cohort.name)  # fmt: skip


def _tell_author(post, thread, what, audit_id):
    author = Person.get_by_id(post.author_id)
    send_mail(
        f"moderation-{audit_id}",
        author.email,
        f"Your post in {thread.cohort.name} was {what}",
        "feedback/mail/moderated",
        person=author,
        thread=thread,
        what=what,
        link=absolute_url("feedback.show", thread_id=thread.id),
    )
