"""Who may read and do what with threads and replies: each rule once. Views, services and
pages ask these; `access_*` returns the thing or raises NotFound, `can_*` answers yes or no."""

from cohorts.access import is_facilitator, is_member
from feedback import queries
from feedback.models import FeedbackRequest, Reply, Report
from learning.errors import NotAllowed, NotFound, found


def can_read_threads(person, cohort):
    """The cohort's members read its threads (HR, L&D and admins do not)."""
    return is_member(person, cohort)


def access_thread(person, thread_id):
    """The thread, for members of its cohort only; 404 for everyone else (HR included)."""
    thread = next(iter(queries.published_thread(thread_id)), None)
    if thread is None or not can_read_threads(person, thread.cohort):
        raise NotFound
    return thread


def reply_in(thread, reply_id):
    """The thread's reply with this id (404 if it is another thread's), or None without an id."""
    if not reply_id:
        return None
    return found(Reply.get_or_none(Reply.id == reply_id, Reply.thread == thread))


def access_reply(person, reply_id):
    reply = found(Reply.get_or_none(Reply.id == reply_id))
    reply.thread = access_thread(person, reply.thread_id)
    return reply


def can_post(person, cohort):
    """Members start threads and reply in their cohort."""
    return is_member(person, cohort)


def can_give_feedback(person, thread):
    """Structured feedback (what worked, what to try next, a question) is for shared work,
    and for anyone the author asked for feedback, whatever kind of thread it is."""
    return (
        thread.kind == "share_work"
        or FeedbackRequest.select()
        .where(FeedbackRequest.thread == thread.id, FeedbackRequest.person == person.id)
        .exists()
    )


def can_edit(person, post):
    """Authors edit and remove their own posts, while they are shown."""
    return post.author_id == person.id and not (post.removed_at or post.hidden_at)


def require_author(person, post):
    """The post, for its author to change (`can_edit`): NotAllowed for anyone else, NotFound
    once it is removed or hidden."""
    if post.author_id != person.id:
        raise NotAllowed
    if not can_edit(person, post):
        raise NotFound
    return post


def access_report(person, report_id):
    """A report, with its thread, for the facilitator of the thread's cohort."""
    case = found(Report.get_or_none(Report.id == report_id))
    case.thread = access_thread(person, case.thread_id)
    if not can_moderate(person, case.thread.cohort):
        raise NotFound
    return case


def can_moderate(person, cohort):
    """The cohort's facilitator reviews reports, hides and restores posts, and pins threads."""
    return is_facilitator(person, cohort)


def can_accept(person, thread):
    """The author of a question marks the reply that answers it."""
    return thread.kind == "question" and thread.author_id == person.id


def can_mark_helpful(person, thread, reply):
    """The thread's author marks a piece of feedback they received as helpful."""
    return thread.author_id == person.id and reply.is_feedback
