"""Threads, replies (nested one level, some of them structured feedback) and reactions."""

from flask_babel import lazy_gettext as _l
from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from cohorts.models import Cohort
from learning.db import BaseModel, utcnow
from learning.people.models import Person

KINDS = {
    "share_work": _l("Share work"),
    "question": _l("Question"),
    "reflection": _l("Reflection"),
}
REACTIONS = {
    "celebrate": _l("Celebrate"),
    "insightful": _l("Insightful"),
    "thanks": _l("Thanks"),
    "helpful": _l("Helpful"),
}


class Thread(BaseModel):
    cohort = ForeignKeyField(Cohort, backref="threads", on_delete="CASCADE")
    author = ForeignKeyField(Person, backref="threads", on_delete="CASCADE")
    kind = CharField()
    title = CharField()
    body = TextField()
    link = CharField(default="")  # the work a "share work" thread asks feedback on
    # The reply the author of a question accepted (no FK: replies point at threads).
    answer_id = IntegerField(null=True)
    pinned = BooleanField(default=False)
    reply_count = IntegerField(default=0)
    created_at = DateTimeField(default=utcnow)
    last_activity_at = DateTimeField(default=utcnow)
    edited_at = DateTimeField(null=True)
    removed_at = DateTimeField(null=True)
    hidden_at = DateTimeField(null=True)  # by a facilitator, after a report

    class Meta:
        indexes = (
            (("cohort", "last_activity_at"), False),
            (("cohort", "pinned", "last_activity_at"), False),
        )

    target = property(lambda self: f"thread:{self.id}")

    @property
    def kind_label(self):
        return KINDS[self.kind]


class Reply(BaseModel):
    # Indexed first in (thread, created_at) and in the conversation's index below.
    thread = ForeignKeyField(Thread, backref="replies", on_delete="CASCADE", index=False)
    author = ForeignKeyField(Person, backref="replies", on_delete="CASCADE")
    # A reply to a reply; shown nested one level under the top-level reply.
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="CASCADE")
    body = TextField(default="")
    # Structured feedback on shared work: the three parts of the template.
    worked = TextField(default="")
    try_next = TextField(default="")
    question = TextField(default="")
    is_feedback = BooleanField(default=False)
    helpful_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)
    edited_at = DateTimeField(null=True)
    removed_at = DateTimeField(null=True)
    hidden_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("thread", "created_at"), False),
            (("created_at",), False),
        )

    target = property(lambda self: f"reply:{self.id}")


# A page of the conversation: a thread's top-level replies in order of id, read from the
# index without sorting, whatever PostgreSQL believes of the thread's size (learning/
# migrations/0033_conversation_index.py).
Reply.add_index(Reply.index(Reply.thread, Reply.id, where=Reply.parent.is_null()))


class Reaction(BaseModel):
    # "thread:12" or "reply:34": one reaction of a kind per person and post.
    target = CharField()
    thread = ForeignKeyField(Thread, backref="reactions", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    kind = CharField()
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("target", "person", "kind"), True),)


class FeedbackRequest(BaseModel):
    """The author of a thread asks a cohort member for feedback; answered by their reply."""

    thread = ForeignKeyField(Thread, backref="feedback_requests", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)
    answered_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("thread", "person"), True), (("person", "answered_at"), False))


class Mention(BaseModel):
    """Someone @mentioned in a thread or reply; answered once they reply in the thread."""

    thread = ForeignKeyField(Thread, backref="mentions", on_delete="CASCADE")
    reply = ForeignKeyField(Reply, null=True, backref="mentions", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    by = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)
    answered_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("person", "answered_at"), False),)


class Revision(BaseModel):
    """An earlier version of an edited post, for facilitators."""

    target = CharField(index=True)  # "thread:12" or "reply:34"
    thread = ForeignKeyField(Thread, backref="+", on_delete="CASCADE")
    title = CharField(default="")
    body = TextField(default="")
    created_at = DateTimeField(default=utcnow)  # when it was replaced


class Report(BaseModel):
    """Someone reports a post; the cohort's facilitator hides it or dismisses the report."""

    target = CharField()
    thread = ForeignKeyField(Thread, backref="reports", on_delete="CASCADE")
    reporter = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    reason = TextField()
    created_at = DateTimeField(default=utcnow)
    resolved_at = DateTimeField(null=True)
    resolution = CharField(default="")  # hidden, dismissed


class ThreadRead(BaseModel):
    """When a person last opened a thread, for unread markers."""

    thread = ForeignKeyField(Thread, backref="+", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="+", on_delete="CASCADE")
    seen_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("thread", "person"), True),)
