"""What polls give the platform: the cohort space's section and what the feed says polls are
about; registered by `register(app)`."""

from cohorts import access as cohort_access
from cohorts import space
from feedback.polls import access, queries
from feedback.polls.space import cards
from learning.db import utcnow
from learning.notify.services import path_for
from learning.recognition import places


def register(app):
    places.register_subject(app, "poll", queries.poll_question, lambda poll_id: poll_id,
                            poll_path, cohort_access.is_member)  # fmt: skip
    space.add_section(app, "feedback/polls/_cohort_polls.html", polls_section, space.TOGETHER)


def poll_path(poll_id, _poll_id=None, _cohort_id=None):
    return path_for("polls.show", poll_id=poll_id)


def polls_section(cohort, person):
    """The cohort space's polls: the open ones and those closed lately, newest first."""
    if not cohort_access.is_member(person, cohort):
        return None
    shown = queries.cohort_polls(cohort, person, utcnow(), limit=queries.SHOWN_IN_SPACE)
    can_start = access.can_start(person, cohort)
    if not shown and not can_start:
        return None
    return {"cohort": cohort, "cards": cards(shown, person), "can_start": can_start}
