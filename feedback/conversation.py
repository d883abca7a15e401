"""What a conversation's pages read: the cohort's threads, a page of a thread's replies
with their answers and reactions, what waits for the reader's reply, earlier versions."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from peewee import JOIN

from feedback import queries
from feedback.models import Reaction, Reply, Revision
from feedback.queries import PAGE
from learning.db import utcnow
from learning.people.models import Person


def latest_threads(cohort, viewer):
    """The cohort space's threads, pinned first, then most recently active, with their
    authors and whether something happened since `viewer` last read each, and whether the
    cohort has more; one query."""
    threads = _unread(queries.listed_threads(cohort, viewer), viewer)
    return threads[: queries.IN_SPACE], len(threads) > queries.IN_SPACE


def threads_page(cohort, viewer, page):
    """A page of all the cohort's threads, as the space lists them, and whether more follow;
    one query."""
    threads = _unread(queries.threads_page(cohort.id, viewer.id, page), viewer)
    return threads[: queries.THREADS_PAGE], len(threads) > queries.THREADS_PAGE


def _unread(threads, viewer):
    for thread in threads:
        thread.unread = thread.author_id != viewer.id and (
            thread.seen_at is None or thread.last_activity_at > thread.seen_at
        )
    return threads


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


def _tops(thread, window, read=queries.top_replies):
    """The top-level replies of a page of the thread, in order; with the ids of what lies
    beyond it: the first shown (earlier ones exist) and the one after (later ones exist).
    `read`: `queries.top_replies`, or only what the reply form's choices show."""
    rows = read(thread, window.start, window.before)
    if window.start is not None:
        top, after = rows[:PAGE], rows[PAGE:]
        earlier = top[0].id if top and top[0].first_id < top[0].id else None
        return top, earlier, after[0].id if after else None
    top = rows[:PAGE][::-1]
    return top, top[0].id if len(rows) > PAGE else None, window.before


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
    return [choice(item) for item in _tops(thread, window, queries.top_reply_choices)[0]]


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
    answered (oldest first); a thread once, as a request before a mention before a question;
    and the open polls they have not answered (newest first). One query."""
    waiting = {"requests": [], "mentions": [], "questions": [], "polls": []}
    rows = {why: [] for why in waiting}
    for why, *row in queries.waiting_rows(cohort, person, utcnow()):
        rows[why].append(Waiting(*row))
    listed = set()
    for why in ("requests", "mentions", "questions"):  # a thread once
        waiting[why] = [w for w in rows[why] if w.id not in listed]
        listed.update(w.id for w in rows[why])
    waiting["polls"] = rows["polls"]
    for why, newest_first in (("requests", True), ("mentions", True), ("questions", False),
                              ("polls", True)):  # fmt: skip
        waiting[why].sort(key=lambda w: (w.at, w.id), reverse=newest_first)
    return waiting


def revisions(thread):
    """Earlier versions of the thread's posts, by post; one query."""
    grouped = defaultdict(list)
    for revision in Revision.select().where(Revision.thread == thread).order_by(Revision.id):
        grouped[revision.target].append(revision)
    return grouped
