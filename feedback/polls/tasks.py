"""Poll jobs: asking weekly pulses again, and telling webhooks of polls that closed."""

from feedback.polls import services
from feedback.polls.models import Poll
from learning.db import atomic, utcnow
from learning.jobs.services import task


@task
def ask_pulses_again(now=None):
    """Ask each weekly pulse again once its last asking is a week old. Run hourly by cron; a
    missed run is caught up by the next, and a round is asked once whoever runs it.
    Returns how many were asked."""
    now = now or utcnow()
    due = Poll.select().where(Poll.repeats == True, Poll.created_at <= now - services.WEEK)  # noqa: E712
    return sum(1 for poll in due if services.ask_again(poll, now) is not None)


@task
def tell_closed_polls(now=None):
    """The `poll.closed` webhook of polls that reached their closing time in the last two
    hours (run every ten minutes; a poll is told once, whichever run finds it)."""
    now = now or utcnow()
    closed = Poll.select().where(Poll.closes_at <= now, Poll.closes_at > now - services.TOLD_WITHIN)
    with atomic():
        for poll in closed:
            services.tell_closed(poll)
    return len(closed)
