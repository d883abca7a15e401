"""Moderation in a cohort: anyone reports a post, its facilitator hides it (the author is
told) or dismisses the report, restores hidden posts and pins threads; all audited."""

from flask_babel import lazy_gettext as _l

from feedback.access import can_moderate
from feedback.models import Reply, Report, Thread
from learning import once
from learning.audit.services import log
from learning.db import atomic, utcnow
from learning.errors import NotFound
from learning.mail.services import absolute_url, send_mail
from learning.people.models import Person


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
    if not can_moderate(person, cohort):
        raise NotFound
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
    if not can_moderate(person, thread.cohort):
        raise NotFound
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
    if not can_moderate(person, thread.cohort):
        raise NotFound
    with atomic():
        type(post).update(hidden_at=None).where(type(post).id == post.id).execute()
        entry = log(person, "post_restored", post.target, cohort=thread.cohort.name)
        _tell_author(post, thread, "restored", entry.id)


def pin(person, thread, pinned):
    if not can_moderate(person, thread.cohort):
        raise NotFound
    with atomic():
        Thread.update(pinned=pinned).where(Thread.id == thread.id).execute()
        log(person, "thread_pinned" if pinned else "thread_unpinned", thread.target,
            cohort=thread.cohort.name)  # fmt: skip


def _tell_author(post, thread, what, audit_id):
    author = Person.get_by_id(post.author_id)
    send_mail(
        f"moderation-{audit_id}",
        author.email,
        _l("Your post in %(cohort)s was hidden", cohort=thread.cohort.name)
        if what == "hidden"
        else _l("Your post in %(cohort)s was restored", cohort=thread.cohort.name),
        "feedback/mail/moderated",
        reader=author,
        person=author,
        thread=thread,
        what=what,
        link=absolute_url("feedback.show", thread_id=thread.id),
    )
