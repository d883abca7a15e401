"""Poll jobs: asking weekly pulses again."""

from feedback.polls import services
from feedback.polls.models import Poll
from learning.db import utcnow
from learning.jobs.services import task


@task
def ask_pulses_again(now=None):
    """Ask each weekly pulse again once its last asking is a week old. Run hourly by cron; a
    missed run is caught up by the next, and a round is asked once whoever runs it.
    Returns how many were asked."""
    now = now or utcnow()
    due = Poll.select().where(Poll.repeats == True, Poll.created_at <= now - services.WEEK)  # noqa: E712
    return sum(1 for poll in due if services.ask_again(poll, now) is not None)
